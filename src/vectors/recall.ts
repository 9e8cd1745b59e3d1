import type { KeyedVectors, NeighborIndex } from './keyed-vectors.js';

export interface RecallReport {
  /** Mean fraction of the exact top-k found by the index; NaN when there is nothing to find (a set of one word). */
  recall: number;
  queries: number;
  approximateMs: number;
  exactMs: number;
}

/**
 * recall@k of an approximate index against exact search, with timings. Queries are
 * `queryVectors` when given, else `queries` words spread evenly over the vocabulary (the word
 * itself excluded from both answers). Words of the set are easy queries for HNSW (they are
 * nodes of its graph); vectors between words, such as analogy offsets, are harder.
 */
export function measureRecall(
  vectors: KeyedVectors,
  index: NeighborIndex,
  options: { queries?: number; k?: number; queryVectors?: readonly Float32Array[] } = {},
): RecallReport {
  const k = options.k ?? 10;
  if (options.queryVectors !== undefined) return recallForVectors(vectors, index, options.queryVectors, k);
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

function recallForVectors(vectors: KeyedVectors, index: NeighborIndex, queries: readonly Float32Array[], k: number): RecallReport {
  let started = performance.now();
  const truth = queries.map((q) => new Set(vectors.similarByVector(q, { topn: k, exact: true }).map((x) => vectors.set.indexOf(x.word))));
  const exactMs = (performance.now() - started) / queries.length;
  started = performance.now();
  const found = queries.map((q) => index.search(q, k).ids);
  const approximateMs = (performance.now() - started) / queries.length;
  let hits = 0;
  let wanted = 0;
  found.forEach((ids, i) => {
    wanted += truth[i]!.size;
    for (const id of ids) if (truth[i]!.has(id)) hits++;
  });
  return { recall: wanted > 0 ? hits / wanted : Number.NaN, queries: queries.length, approximateMs, exactMs };
}
