import type { KeyedVectors, NeighborIndex } from './keyed-vectors.js';

export interface RecallReport {
  /** Mean fraction of the exact top-k found by the index. */
  recall: number;
  queries: number;
  approximateMs: number;
  exactMs: number;
}

/**
 * recall@k of an approximate index against exact search, querying with `queries` words spread
 * evenly over the vocabulary (the word itself excluded from both answers), with timings.
 */
export function measureRecall(vectors: KeyedVectors, index: NeighborIndex, options: { queries?: number; k?: number } = {}): RecallReport {
  const k = options.k ?? 10;
  const n = Math.min(options.queries ?? 200, vectors.size);
  const step = vectors.size / n;
  const rows = Array.from({ length: n }, (_, i) => Math.floor(i * step));
  let started = performance.now();
  const truth = rows.map((r) => vectors.similarByWord(vectors.words[r]!, { topn: k, exact: true }).map((x) => vectors.set.indexOf(x.word)));
  const exactMs = (performance.now() - started) / n;
  started = performance.now();
  const found = rows.map((r) => index.search(vectors.unit.row(r), k + 1).ids.filter((id) => id !== r).slice(0, k));
  const approximateMs = (performance.now() - started) / n;
  let hits = 0;
  let wanted = 0;
  rows.forEach((_, i) => {
    const expected = new Set(truth[i]);
    wanted += expected.size;
    for (const id of found[i]!) if (expected.has(id)) hits++;
  });
  return { recall: wanted > 0 ? hits / wanted : Number.NaN, queries: n, approximateMs, exactMs };
}
