/**
 * A word <-> id mapping with counts. Ids 0..3 are the special tokens `<PAD>`, `<UNK>`, `<BOS>`,
 * `<EOS>` in every vocabulary; real words follow, most frequent first, ties in order of first
 * appearance, so the same corpus always gives the same ids.
 *
 * Counts: a real word's count is its number of occurrences; `<EOS>` counts sentences (non-empty
 * lines); `<UNK>` counts the occurrences of words pruned by minCount/maxSize; `<PAD>` and `<BOS>`
 * are 0. `totalTokens` is the sum over real words only (pruned words and `<EOS>` excluded).
 */
import { WordloomError, checkOption } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { parseVocabularyFile, formatVocabularyLine } from './vocabulary-file.js';
import { readInput } from '../util/input-file.js';
import { quote } from '../util/printable.js';

export const SPECIAL_TOKENS = ['<PAD>', '<UNK>', '<BOS>', '<EOS>'] as const;

export interface VocabularyOptions {
  /** Words seen fewer times are pruned (their count goes to `<UNK>`). Default 1. */
  minCount?: number;
  /** At most this many real words (the 4 special tokens come on top). Default: no limit. */
  maxSize?: number;
}

export class Vocabulary {
  static readonly PAD = 0;
  static readonly UNK = 1;
  static readonly BOS = 2;
  static readonly EOS = 3;
  /** Number of special tokens; real word ids start here. */
  static readonly FIRST_WORD = 4;

  /** Count by id (see the class comment for the special tokens). */
  readonly counts: Float64Array;
  private readonly words: readonly string[];
  private readonly ids: Map<string, number>;
  private readonly wordTotal: number;

  /** `words` and `counts` by id, specials included at 0..3. Use fromCounts() or load(). */
  private constructor(words: string[], counts: Float64Array) {
    this.words = words;
    this.counts = counts;
    this.ids = new Map();
    for (let i = 0; i < words.length; i++) this.ids.set(words[i]!, i);
    let total = 0;
    for (let i = Vocabulary.FIRST_WORD; i < counts.length; i++) total += counts[i]!;
    this.wordTotal = total;
  }

  /** Number of ids, the 4 special tokens included. */
  get size(): number {
    return this.words.length;
  }

  /** Sum of the counts of real words (specials and pruned words excluded). */
  get totalTokens(): number {
    return this.wordTotal;
  }

  /** All words by id (specials first); a copy. */
  wordList(): string[] {
    return this.words.slice();
  }

  word(id: number): string {
    const w = this.words[id];
    if (w === undefined) throw new WordloomError('EVOCAB', `id ${id} is outside the vocabulary (size ${this.size})`);
    return w;
  }

  /** The word's id, or Vocabulary.UNK (1) when absent. */
  id(word: string): number {
    return this.ids.get(word) ?? Vocabulary.UNK;
  }

  has(word: string): boolean {
    return this.ids.has(word);
  }

  count(id: number): number {
    return this.counts[id] ?? 0;
  }

  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.id(tokens[i]!);
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.word(ids[i]!);
    return out;
  }

  /** (word, count) pairs in id order, specials included. */
  *entries(): Generator<[string, number]> {
    for (let id = 0; id < this.size; id++) yield [this.words[id]!, this.counts[id]!];
  }

  /** A smaller vocabulary: words below minCount or beyond maxSize move into the `<UNK>` count. */
  prune(options: VocabularyOptions): Vocabulary {
    return Vocabulary.fromCounts(this.entries(), options);
  }

  /**
   * A vocabulary with exactly these ids (no sorting, no pruning): `words[i]` gets id i + 4 unless
   * it is a special token, which keeps its fixed id. For restoring a saved id order.
   */
  static fromList(words: readonly string[], counts: ArrayLike<number>, source = 'vocabulary'): Vocabulary {
    if (words.length !== counts.length) {
      throw new WordloomError('EFORMAT', `${source}: ${words.length} words but ${counts.length} counts`);
    }
    return Vocabulary.ordered(
      words.map((word, i) => ({ word, count: counts[i]!, line: i + 1 })),
      source,
    );
  }

  /**
   * Builds a vocabulary from (word, count) pairs in first-appearance order. Repeated words are
   * summed; a special token's entry sets that special's count (so `<EOS>` can carry sentences).
   */
  static fromCounts(entries: Iterable<readonly [string, number]>, options: VocabularyOptions = {}): Vocabulary {
    const { minCount = 1, maxSize = Number.MAX_SAFE_INTEGER } = options;
    checkOption('--min-count', minCount, { min: 0, integer: true });
    checkOption('--max-size', maxSize, { min: 0, integer: true });
    const specialCounts = [0, 0, 0, 0];
    const index = new Map<string, number>();
    const words: string[] = [];
    const counts: number[] = [];
    for (const [word, count] of entries) {
      const special = SPECIAL_TOKENS.indexOf(word as (typeof SPECIAL_TOKENS)[number]);
      if (special >= 0) {
        specialCounts[special]! += count;
        continue;
      }
      const at = index.get(word);
      if (at === undefined) {
        index.set(word, words.length);
        words.push(word);
        counts.push(count);
      } else {
        counts[at]! += count;
      }
    }
    const order = frequencyOrder(counts);
    const kept: number[] = [];
    let pruned = 0;
    for (const i of order) {
      if (counts[i]! >= minCount && kept.length < maxSize) kept.push(i);
      else pruned += counts[i]!;
    }
    specialCounts[Vocabulary.UNK]! += pruned;
    const allWords = [...SPECIAL_TOKENS, ...kept.map((i) => words[i]!)];
    const allCounts = new Float64Array(allWords.length);
    allCounts.set(specialCounts, 0);
    kept.forEach((i, k) => (allCounts[Vocabulary.FIRST_WORD + k] = counts[i]!));
    return new Vocabulary(allWords, allCounts);
  }

  /** Writes `word<TAB>count` per line in id order, specials first; atomically. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, async (sink) => {
      let batch = '';
      for (let id = 0; id < this.size; id++) {
        batch += formatVocabularyLine(this.words[id]!, this.counts[id]!);
        if (batch.length > 1 << 16) {
          await sink.write(batch);
          batch = '';
        }
      }
      await sink.write(batch);
    });
  }

  /**
   * Reads a file written by save(), or a `word count` file from other tools (fastText, GloVe
   * vocab_count, word2vec -save-vocab); plain or gzip. Ids follow the file order, with the special tokens at 0..3
   * whether or not the file lists them; nothing is pruned or re-sorted.
   */
  static async load(path: string): Promise<Vocabulary> {
    const text = (await readInput(path, { what: 'a vocabulary file', stripBom: true })).toString('utf8');
    return Vocabulary.ordered(parseVocabularyFile(text, path), path);
  }

  private static ordered(entries: readonly { word: string; count: number; line: number }[], source: string): Vocabulary {
    const specialCounts = [0, 0, 0, 0];
    const words: string[] = [...SPECIAL_TOKENS];
    const counts: number[] = [];
    const seen = new Set<string>();
    for (const { word, count, line } of entries) {
      if (seen.has(word)) throw new WordloomError('EFORMAT', `${source}:${line}: duplicate word ${quote(word)}`);
      seen.add(word);
      const special = SPECIAL_TOKENS.indexOf(word as (typeof SPECIAL_TOKENS)[number]);
      if (special >= 0) specialCounts[special] = count;
      else {
        words.push(word);
        counts.push(count);
      }
    }
    const all = new Float64Array(words.length);
    all.set(specialCounts, 0);
    all.set(counts, Vocabulary.FIRST_WORD);
    return new Vocabulary(words, all);
  }
}

/**
 * Indices sorted by count, descending, ties in index (first-appearance) order. Each (count, index)
 * pair is packed into one double so the typed array's native numeric sort does the work (several
 * times faster than a comparator over 100k+ words); counts that are not small non-negative
 * integers fall back to a stable comparator sort.
 */
function frequencyOrder(counts: readonly number[]): number[] {
  const n = counts.length;
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const countLimit = 2 ** (53 - indexBits);
  if (!counts.every((c) => Number.isInteger(c) && c >= 0 && c < countLimit)) {
    return counts.map((_, i) => i).sort((a, b) => counts[b]! - counts[a]!);
  }
  const scale = 2 ** indexBits;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = -counts[i]! * scale + i;
  keys.sort();
  const order: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const key = keys[k]!;
    order[k] = key - Math.floor(key / scale) * scale;
  }
  return order;
}
