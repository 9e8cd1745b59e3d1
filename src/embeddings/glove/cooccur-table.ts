/**
 * Where counts accumulate while the corpus streams by, in a fixed memory budget, as the C tool
 * does it: pairs of frequent words (rank product below `maxProduct`) in a dense Float64 table
 * indexed by rank, the sparse rest in an open-addressing hash table (two Int32 keys, a Float64
 * value). When the hash table fills up, its pairs are written to a shard sorted by (word1, word2)
 * and it starts empty again. No allocation per pair.
 */
import type { RecordWriter } from './records.js';

/** 2^26: ids must stay below it so that (word1, word2) packs exactly into one double for sorting. */
export const MAX_WORDS = (1 << 26) - 1;
const PACK = 2 ** 26;
const MAX_LOAD = 0.7;

export class CooccurrenceTable {
  /** Start of word a's dense row (1-based a); row length min(floor(maxProduct / a), words). */
  private readonly rowStart: Float64Array;
  /** Pairs (a, b) with a < limit[b] go to the dense table. */
  private readonly limit: Int32Array;
  readonly dense: Float64Array;
  private readonly key1: Int32Array;
  private readonly key2: Int32Array;
  private readonly values: Float64Array;
  private readonly mask: number;
  private readonly capacity: number;
  /** Pairs held in the hash table now. */
  used = 0;

  /**
   * `words`: vocabulary size; `denseBytes` / `sparseBytes`: the budget of each part (together
   * the `--memory` budget, less what the rest of counting needs).
   */
  constructor(
    readonly words: number,
    denseBytes: number,
    sparseBytes: number,
  ) {
    const maxProduct = densestProduct(words, Math.max(words + 1, Math.floor(denseBytes / 8)));
    this.maxProduct = maxProduct;
    this.rowStart = new Float64Array(words + 2);
    this.limit = new Int32Array(words + 1);
    for (let a = 1; a <= words; a++) {
      this.rowStart[a + 1] = this.rowStart[a]! + Math.min(Math.floor(maxProduct / a), words);
      this.limit[a] = Math.min(Math.floor(maxProduct / a), words + 1);
    }
    this.dense = new Float64Array(this.rowStart[words + 1]!);
    let slots = 1 << 10;
    while (slots * 2 * 16 <= sparseBytes) slots *= 2;
    this.key1 = new Int32Array(slots);
    this.key2 = new Int32Array(slots);
    this.values = new Float64Array(slots);
    this.mask = slots - 1;
    this.capacity = Math.floor(slots * MAX_LOAD);
  }

  readonly maxProduct: number;

  /** Bytes this table holds. */
  get bytes(): number {
    return this.dense.byteLength + this.key1.byteLength * 4 + this.rowStart.byteLength + this.limit.byteLength;
  }

  /** True when the hash table is full enough to spill before the next window's pairs. */
  nearlyFull(pairsAhead: number): boolean {
    return this.used + pairsAhead > this.capacity;
  }

  /** Adds `value` to the count of (a, b), 1-based ids. */
  add(a: number, b: number, value: number): void {
    if (a < this.limit[b]!) {
      this.dense[this.rowStart[a]! + b - 1]! += value;
      return;
    }
    const key1 = this.key1;
    const key2 = this.key2;
    const mask = this.mask;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    for (;;) {
      const k = key1[slot]!;
      if (k === a && key2[slot] === b) {
        this.values[slot]! += value;
        return;
      }
      if (k === 0) {
        key1[slot] = a;
        key2[slot] = b;
        this.values[slot] = value;
        this.used++;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Writes the hash table's pairs sorted by (word1, word2) and empties it. */
  spillSparse(out: RecordWriter): void {
    const keys = new Float64Array(this.used);
    let n = 0;
    const slots = this.key1.length;
    for (let s = 0; s < slots; s++) {
      const a = this.key1[s]!;
      if (a !== 0) keys[n++] = a * PACK + this.key2[s]!;
    }
    keys.sort();
    // sorting moved the keys away from their values: find each value again by its key
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const a = Math.floor(k / PACK);
      const b = k - a * PACK;
      out.write(a, b, this.take(a, b));
    }
    this.key1.fill(0);
    this.used = 0;
  }

  private take(a: number, b: number): number {
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & this.mask;
    while (this.key1[slot] !== a || this.key2[slot] !== b) slot = (slot + 1) & this.mask;
    return this.values[slot]!;
  }

  /** Writes the dense table's non-zero counts, in (word1, word2) order. */
  writeDense(out: RecordWriter): void {
    const words = this.words;
    for (let a = 1; a <= words; a++) {
      const start = this.rowStart[a]!;
      const length = this.rowStart[a + 1]! - start;
      for (let b = 1; b <= length; b++) {
        const x = this.dense[start + b - 1]!;
        if (x !== 0) out.write(a, b, x);
      }
    }
  }
}

/** The largest rank product whose dense table fits in `entries` (sum over a of min(floor(p / a), words)). */
function densestProduct(words: number, entries: number): number {
  const size = (p: number): number => {
    let total = 0;
    for (let a = 1; a <= words; a++) {
      const row = Math.min(Math.floor(p / a), words);
      if (row === 0) break;
      total += row;
    }
    return total;
  };
  if (size(words * words) <= entries) return words * words + 1;
  let lo = 1;
  let hi = words * words;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (size(mid) <= entries) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
