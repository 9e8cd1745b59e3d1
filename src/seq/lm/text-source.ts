/**
 * The text a language model trains or is evaluated on, read as lines: either the text itself (a
 * string) or corpus paths (an array of files, .gz files or directories, read in order with the
 * text layer's readers). Lines follow the corpus readers' rules (NFC, optional lowercase, blank
 * lines skipped), so a string and a file with the same content give the same tokens.
 */
import { WordloomError } from '../../errors.js';
import { readCorpusLines } from '../../text/corpus.js';
import { normalizeText } from '../../text/normalize.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { lineTokenizer, textLines, type TextSettings } from './text-codec.js';

/** The text itself (a string), or paths of text files, .gz files or directories (an array). */
export type TextSource = string | readonly string[];

/** A short name of the source for messages. */
export function describeSource(source: TextSource): string {
  if (typeof source === 'string') return 'the text';
  return source.length === 1 ? source[0]! : `${source[0]} (+${source.length - 1} more)`;
}

export async function* sourceLines(source: TextSource, lowercase: boolean, onWarning?: (message: string) => void): AsyncGenerator<string> {
  if (typeof source === 'string') {
    for (const line of textLines(source)) yield normalizeText(line, { lowercase });
    return;
  }
  if (!Array.isArray(source) || source.length === 0 || source.some((p) => typeof p !== 'string' || p === '')) {
    throw new WordloomError('EOPTION', 'the text must be a string (the text itself) or a non-empty array of file paths');
  }
  for (const path of source) yield* readCorpusLines(path, { lowercase, ...(onWarning ? { onWarning } : {}) });
}

/** Counts the tokens of the source and keeps those seen minCount times (at most maxVocab, 0 = all). */
export async function buildSourceVocabulary(
  source: TextSource,
  settings: TextSettings & { minCount: number; maxVocab: number },
  onWarning?: (message: string) => void,
): Promise<Vocabulary> {
  const tokenize = lineTokenizer(settings);
  const counts = new Map<string, number>();
  let lines = 0;
  for await (const line of sourceLines(source, settings.lowercase, onWarning)) {
    for (const token of tokenize(line)) counts.set(token, (counts.get(token) ?? 0) + 1);
    lines++;
  }
  const entries: [string, number][] = [['<EOS>', lines], ...counts];
  return Vocabulary.fromCounts(entries, { minCount: settings.minCount, ...(settings.maxVocab > 0 ? { maxSize: settings.maxVocab } : {}) });
}

/** The whole source as one id stream: each line's tokens (`<UNK>` for unknown ones) and `<EOS>`. */
export async function encodeSource(source: TextSource, vocabulary: Vocabulary, settings: TextSettings, onWarning?: (message: string) => void): Promise<Int32Array> {
  const tokenize = lineTokenizer(settings);
  let out = new Int32Array(1 << 16);
  let n = 0;
  const push = (id: number): void => {
    if (n === out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = id;
  };
  for await (const line of sourceLines(source, settings.lowercase, onWarning)) {
    for (const token of tokenize(line)) push(vocabulary.id(token));
    push(Vocabulary.EOS);
  }
  return out.slice(0, n);
}
