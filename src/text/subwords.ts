/**
 * Character n-grams of a word and their hashing, exactly as the fastText tool computes them
 * (Bojanowski et al. 2017), so that a `.bin` written by `fasttext` and one written by wordloom
 * map every n-gram to the same bucket row. Shared by fastText training and `.bin` loading.
 *
 * - The word is wrapped in `<` and `>`; n-grams are taken over its UTF-8 bytes, but only starting
 *   at a character boundary and only whole characters long (n counts characters, not bytes).
 * - Lengths minn..maxn; an n-gram of one character that is `<` or `>` alone is skipped.
 * - Hash: 32-bit FNV-1a, but each byte is sign-extended first (fastText casts the char to int8_t
 *   and then to uint32_t), so bytes >= 0x80 are xored in as 0xFFFFFFxx. Plain FNV-1a would put
 *   every non-ASCII n-gram in another row than fastText does.
 * - Row = hash % bucket (unsigned); the model's n-gram rows follow the word rows.
 */

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

/** fastText's hash of bytes [start, end): FNV-1a over sign-extended bytes, as an unsigned 32-bit number. */
export function fastTextHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    h ^= b >= 0x80 ? b | 0xffffff00 : b; // int8_t -> uint32_t sign extension
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

export interface SubwordSettings {
  /** Shortest n-gram in characters; 0 with maxn 0 means no n-grams (plain word vectors). */
  minn: number;
  /** Longest n-gram in characters. */
  maxn: number;
  /** Number of hash rows the n-grams share. */
  bucket: number;
}

const encoder = new TextEncoder();
const isContinuation = (b: number): boolean => (b & 0xc0) === 0x80;

/**
 * Calls `visit(row, start, end)` for each n-gram of `<word>` in fastText's order (by start
 * position, then by length), with its bucket row in [0, bucket) and its byte range in `wrapped`.
 * Returns the wrapped word's bytes (for callers that want the n-gram strings).
 */
export function forEachSubword(word: string, settings: SubwordSettings, visit: (row: number, start: number, end: number) => void): Uint8Array {
  const wrapped = encoder.encode(`<${word}>`);
  const { minn, maxn, bucket } = settings;
  if (maxn <= 0 || bucket <= 0) return wrapped;
  const size = wrapped.length;
  for (let i = 0; i < size; i++) {
    if (isContinuation(wrapped[i]!)) continue;
    let j = i;
    for (let n = 1; j < size && n <= maxn; n++) {
      j++;
      while (j < size && isContinuation(wrapped[j]!)) j++;
      if (n >= minn && !(n === 1 && (i === 0 || j === size))) {
        visit(fastTextHash(wrapped, i, j) % bucket, i, j);
      }
    }
  }
  return wrapped;
}

/** The bucket rows of `word`'s n-grams, in fastText's order (repeats kept, as fastText keeps them). */
export function subwordRows(word: string, settings: SubwordSettings): number[] {
  const rows: number[] = [];
  forEachSubword(word, settings, (row) => rows.push(row));
  return rows;
}

/** The n-grams of `word` as strings with their bucket rows (for inspection and tests). */
export function subwordStrings(word: string, settings: SubwordSettings): { ngram: string; row: number }[] {
  const found: [number, number, number][] = [];
  const bytes = forEachSubword(word, settings, (row, start, end) => found.push([row, start, end]));
  const decoder = new TextDecoder();
  return found.map(([row, start, end]) => ({ ngram: decoder.decode(bytes.subarray(start, end)), row }));
}

/**
 * Every word's n-gram rows as one compressed list: the n-grams of word i are
 * rows[starts[i] .. starts[i + 1]), already offset by `rowOffset` (the number of word rows, so
 * they index the model's input matrix directly). Words for which `skip(i)` holds get none (the
 * special tokens; fastText's `</s>`).
 */
export function buildSubwordTable(
  words: readonly string[],
  settings: SubwordSettings,
  rowOffset: number,
  skip: (index: number) => boolean = () => false,
): { starts: Int32Array; rows: Int32Array } {
  const starts = new Int32Array(words.length + 1);
  let rows = new Int32Array(Math.max(16, words.length * 8));
  let count = 0;
  for (let i = 0; i < words.length; i++) {
    starts[i] = count;
    if (skip(i)) continue;
    forEachSubword(words[i]!, settings, (row) => {
      if (count === rows.length) {
        const grown = new Int32Array(rows.length * 2);
        grown.set(rows);
        rows = grown;
      }
      rows[count++] = rowOffset + row;
    });
  }
  starts[words.length] = count;
  return { starts, rows: rows.slice(0, count) };
}
