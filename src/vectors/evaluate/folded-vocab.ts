/**
 * The lookup table evaluation uses, as gensim builds it: only the first `restrictVocab` rows
 * count, and with case folding each upper-cased form maps to its first (most frequent) row.
 */
export function foldedVocabulary(words: readonly string[], restrictVocab: number, caseInsensitive: boolean): Map<string, number> {
  const map = new Map<string, number>();
  const n = Math.min(restrictVocab, words.length);
  for (let i = 0; i < n; i++) {
    const key = caseInsensitive ? words[i]!.toUpperCase() : words[i]!;
    if (!map.has(key)) map.set(key, i);
  }
  return map;
}
