/**
 * How counting splits its work and its memory budget, decided once from the vocabulary so that
 * the result does not depend on the number of threads: word1 ids fall into COUNT_PARTITIONS
 * contiguous ranges of about equal token mass (a word's pairs as word1 are about its count times
 * the window), each with its own hash table; a thread counts the pairs of a run of whole
 * partitions over the whole corpus. Every pair is thus added by one thread, in corpus order, and
 * a partition spills the same shards whether one thread or four hold it, so any --threads gives
 * byte-identical records.
 *
 * As in the C tool, pairs of frequent words (rank product a * b below `maxProduct`) go to a dense
 * Float64 table indexed by rank (row a holds b = 1 .. min(maxProduct / a, words)), the rest to the
 * hash tables. Of the budget, half goes to the dense table and 35% to the hash tables; the rest
 * is left to the corpus reader, the merge and Node.
 */
import { WordloomError } from '../../errors.js';

/** 2^26: ids stay below it so that (word1, word2) packs exactly into one double for sorting. */
export const MAX_WORDS = (1 << 26) - 1;
export const PACK = 2 ** 26;
/** Partitions of the word1 range: the most threads that count. Fixed, so the shards are too. */
export const COUNT_PARTITIONS = 4;
const DENSE_SHARE = 0.5;
const SPARSE_SHARE = 0.35;
const MAX_LOAD = 0.7;
/** WebAssembly memories stop at 4 GB; a counting thread keeps below this. */
const MAX_THREAD_BYTES = 3.75 * 2 ** 30;

export interface CountPlan {
  words: number;
  window: number;
  symmetric: boolean;
  /** Pairs with a * b below it are dense. */
  maxProduct: number;
  /** limit[b] (b = 1 .. words): pairs (a, b) with a < limit[b] are dense. */
  limit: Int32Array;
  /** Partition p holds the pairs whose word1 is in [bounds[p], bounds[p + 1]). */
  bounds: Int32Array;
  /** Slots of each partition's hash table (a power of two, 16 bytes each). */
  tableSlots: number;
  /** Records a table takes before it spills (room left for one word's pairs). */
  tableCapacity: number;
  /** Entries of the whole dense table. */
  denseEntries: number;
  /** Threads that count: thread t holds partitions [threadPartitions[t], threadPartitions[t + 1]). */
  threads: number;
  threadPartitions: Int32Array;
}

/** `counts[a]`: the count of GloVe word a (1-based; counts[0] unused). */
export function planCounting(counts: Float64Array, window: number, symmetric: boolean, memoryBytes: number, threads: number): CountPlan {
  const words = counts.length - 1;
  if (words > MAX_WORDS) throw new WordloomError('EOPTION', `GloVe counts at most ${MAX_WORDS} words, the vocabulary has ${words}; raise --min-count or set --max-vocab`);
  const maxProduct = densestProduct(words, Math.max(words + 1, Math.floor((memoryBytes * DENSE_SHARE) / 8)));
  const limit = new Int32Array(words + 1);
  let denseEntries = 0;
  for (let a = 1; a <= words; a++) {
    limit[a] = Math.min(Math.floor(maxProduct / a), words + 1);
    denseEntries += rowLength(maxProduct, words, a);
  }
  const pairsPerWord = symmetric ? 2 * window : window;
  const minSlots = Math.max(1024, nextPowerOfTwo(Math.ceil((pairsPerWord + 64) / MAX_LOAD)));
  let tableSlots = minSlots;
  while (tableSlots * 2 * 16 <= (memoryBytes * SPARSE_SHARE) / COUNT_PARTITIONS) tableSlots *= 2;
  const tableCapacity = Math.floor(tableSlots * MAX_LOAD) - pairsPerWord;

  // partitions of about equal mass
  let total = 0;
  for (let a = 1; a <= words; a++) total += counts[a]!;
  const bounds = new Int32Array(COUNT_PARTITIONS + 1);
  bounds[0] = 1;
  let mass = 0;
  let a = 1;
  for (let p = 1; p < COUNT_PARTITIONS; p++) {
    while (a <= words && mass + counts[a]! / 2 < (total * p) / COUNT_PARTITIONS) mass += counts[a++]!;
    bounds[p] = a;
  }
  bounds[COUNT_PARTITIONS] = words + 1;

  const used = Math.max(1, Math.min(threads, COUNT_PARTITIONS));
  const threadPartitions = Int32Array.from({ length: used + 1 }, (_, t) => Math.floor((t * COUNT_PARTITIONS) / used));
  const plan: CountPlan = { words, window, symmetric, maxProduct, limit, bounds, tableSlots, tableCapacity, denseEntries, threads: used, threadPartitions };
  for (let t = 0; t < used; t++) {
    const bytes = threadTableBytes(plan, t);
    if (bytes > MAX_THREAD_BYTES) {
      throw new WordloomError('EOPTION', `a counting thread would need ${(bytes / 2 ** 30).toFixed(1)} GB, more than the 4 GB of a WebAssembly memory; lower --memory or raise --threads`);
    }
  }
  return plan;
}

/** Length of dense row a. */
export function rowLength(maxProduct: number, words: number, a: number): number {
  return Math.min(Math.floor(maxProduct / a), words);
}

/** The word1 range [lo, hi) and the partitions of thread t. */
export function threadRange(plan: CountPlan, t: number): { lo: number; hi: number; first: number; end: number } {
  const first = plan.threadPartitions[t]!;
  const end = plan.threadPartitions[t + 1]!;
  return { lo: plan.bounds[first]!, hi: plan.bounds[end]!, first, end };
}

/** Bytes of thread t's dense rows and hash tables. */
export function threadTableBytes(plan: CountPlan, t: number): number {
  const { lo, hi, first, end } = threadRange(plan, t);
  let entries = 0;
  for (let a = lo; a < hi; a++) entries += rowLength(plan.maxProduct, plan.words, a);
  return entries * 8 + (end - first) * plan.tableSlots * 16;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
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
