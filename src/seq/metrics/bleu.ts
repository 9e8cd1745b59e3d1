/**
 * Corpus BLEU (Papineni et al. 2002), the standard definition as sacreBLEU and NLTK's corpus_bleu
 * compute it without smoothing: clipped n-gram counts (n = 1..maxOrder) summed over the whole
 * corpus before dividing, the geometric mean of the n-gram precisions, and the brevity penalty
 * exp(1 - r/c) when the hypotheses are shorter in all (c) than their references (r; with several
 * references, the one closest in length to each hypothesis, the shorter on a tie). Tokens are
 * compared as given: the caller tokenizes.
 */
export interface BleuResult {
  /** 0..1 (multiply by 100 for the usual figure); 0 when some order has no match at all. */
  bleu: number;
  /** Clipped matches / hypothesis n-grams, per order 1..maxOrder. */
  precisions: number[];
  brevityPenalty: number;
  hypothesisLength: number;
  referenceLength: number;
}

/** Counts of the n-grams of one order, keyed by the tokens joined with a separator no token holds. */
function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * hypotheses[i] is scored against references[i]: one token list, or several (string[][]).
 */
export function corpusBleu(hypotheses: readonly (readonly string[])[], references: readonly (readonly string[] | readonly (readonly string[])[])[], maxOrder = 4): BleuResult {
  if (hypotheses.length !== references.length) throw new RangeError(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} references`);
  const matches = new Float64Array(maxOrder);
  const totals = new Float64Array(maxOrder);
  let c = 0;
  let r = 0;
  hypotheses.forEach((hyp, i) => {
    const ref = references[i]!;
    const refs = (ref.length > 0 && Array.isArray(ref[0]) ? ref : [ref]) as readonly (readonly string[])[];
    c += hyp.length;
    let closest = refs[0]?.length ?? 0;
    for (const x of refs) {
      const d = Math.abs(x.length - hyp.length);
      const best = Math.abs(closest - hyp.length);
      if (d < best || (d === best && x.length < closest)) closest = x.length;
    }
    r += closest;
    for (let n = 1; n <= maxOrder; n++) {
      const h = ngramCounts(hyp, n);
      const maxRef = new Map<string, number>();
      for (const x of refs) for (const [k, v] of ngramCounts(x, n)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, v));
      for (const [k, v] of h) matches[n - 1]! += Math.min(v, maxRef.get(k) ?? 0);
      totals[n - 1]! += Math.max(0, hyp.length - n + 1);
    }
  });
  const precisions = Array.from(matches, (m, k) => (totals[k]! > 0 ? m / totals[k]! : 0));
  const brevityPenalty = c === 0 ? 0 : c < r ? Math.exp(1 - r / c) : 1;
  const bleu = precisions.some((p) => p === 0) ? 0 : brevityPenalty * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder);
  return { bleu, precisions, brevityPenalty, hypothesisLength: c, referenceLength: r };
}
