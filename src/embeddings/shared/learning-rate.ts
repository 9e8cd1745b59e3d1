/**
 * Learning rate decaying linearly from `alpha` to `minAlpha` over the whole run (all epochs),
 * measured in words processed, as in word2vec C and fastText.
 */
export function linearLearningRate(alpha: number, minAlpha: number, wordsDone: number, totalWords: number): number {
  if (totalWords <= 0) return alpha;
  const progress = Math.min(1, Math.max(0, wordsDone / totalWords));
  return alpha + (minAlpha - alpha) * progress;
}
