/**
 * The unigram table for negative sampling: id i fills a share of the table proportional to
 * count_i^power (0.75 in word2vec), so a uniform index draws ids from that distribution.
 */
export const UNIGRAM_POWER = 0.75;

/**
 * Table size: word2vec C uses 1e8 entries (400 MB), fastText 1e7. Small vocabularies do not need
 * that many: about 1000 slots per word resolves the distribution finely, capped at fastText's 1e7
 * (or `cap`).
 */
export function negativeTableSize(trainableWords: number, cap = 10_000_000): number {
  return Math.max(1000, Math.min(cap, trainableWords * 1000));
}

/**
 * Fills `table` (like fastText's initTableNegatives: each word gets round(size * share) slots,
 * consecutive). Words with count 0 never appear.
 */
export function fillNegativeTable(counts: ArrayLike<number>, table: Int32Array, power = UNIGRAM_POWER): void {
  let z = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) z += Math.pow(counts[i]!, power);
  if (z === 0) return;
  const size = table.length;
  // Cumulative rounding keeps the total at exactly `size` and each share within one slot.
  let cumulative = 0;
  let filled = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c <= 0) continue;
    cumulative += Math.pow(c, power) / z;
    const end = Math.min(size, Math.round(cumulative * size));
    while (filled < end) table[filled++] = i;
  }
  // Float rounding may leave the last slot(s) empty; give them to the last word seen.
  let last = counts.length - 1;
  while (last >= 0 && counts[last]! <= 0) last--;
  while (filled < size) table[filled++] = last;
}
