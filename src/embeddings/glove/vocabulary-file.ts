import { writeFileAtomic } from '../../util/atomic-write.js';
import { Vocabulary } from '../../text/vocabulary.js';

/**
 * The C tool's vocabulary file (`vocab_count` output): `word count` per line, most frequent
 * first, no special tokens; line n is the word of id n in the co-occurrence records. wordloom's
 * Vocabulary.load reads it back.
 */
export async function saveGloveVocabulary(path: string, vocabulary: Vocabulary): Promise<void> {
  await writeFileAtomic(path, async (sink) => {
    let batch = '';
    for (let id = Vocabulary.FIRST_WORD; id < vocabulary.size; id++) {
      batch += `${vocabulary.word(id)} ${vocabulary.count(id)}\n`;
      if (batch.length > 1 << 16) {
        await sink.write(batch);
        batch = '';
      }
    }
    await sink.write(batch);
  });
}
