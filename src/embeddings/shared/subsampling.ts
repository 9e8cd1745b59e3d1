/**
 * Frequent-word subsampling (word2vec C): a word with count f among `total` trained tokens is
 * kept with probability (sqrt(f / (sample*total)) + 1) * (sample*total) / f, capped at 1.
 * `sample` 0 disables it. Words with count 0 (special ids) get probability 0: never trained.
 */
export function keepProbability(count: number, totalWords: number, sample: number): number {
  if (count <= 0) return 0;
  if (sample <= 0) return 1;
  const threshold = sample * totalWords;
  const p = (Math.sqrt(count / threshold) + 1) * (threshold / count);
  return p >= 1 ? 1 : p;
}

/** Keep probabilities for every id, indexed by id. */
export function keepProbabilities(counts: ArrayLike<number>, sample: number): Float32Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const keep = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) keep[i] = keepProbability(counts[i]!, total, sample);
  return keep;
}
