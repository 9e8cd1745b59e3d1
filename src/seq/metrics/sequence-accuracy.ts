/**
 * Exact match and token accuracy of predicted token sequences against references.
 */
export interface SequenceAccuracy {
  /** Share of predictions equal to their reference, token for token. */
  exactMatch: number;
  /**
   * Share of reference positions whose token the prediction has at the same position (a
   * prediction shorter than its reference misses the rest; extra predicted tokens count against
   * nothing, so this is recall by position, as the usual seq2seq "token accuracy").
   */
  tokenAccuracy: number;
  sequences: number;
  tokens: number;
}

export function sequenceAccuracy(predictions: readonly (readonly string[])[], references: readonly (readonly string[])[]): SequenceAccuracy {
  if (predictions.length !== references.length) throw new RangeError(`sequenceAccuracy: ${predictions.length} predictions but ${references.length} references`);
  let exact = 0;
  let right = 0;
  let tokens = 0;
  predictions.forEach((p, i) => {
    const ref = references[i]!;
    let same = p.length === ref.length;
    for (let k = 0; k < ref.length; k++) {
      if (p[k] === ref[k]) right++;
      else same = false;
    }
    tokens += ref.length;
    if (same) exact++;
  });
  const n = predictions.length;
  return { exactMatch: n > 0 ? exact / n : 0, tokenAccuracy: tokens > 0 ? right / tokens : 0, sequences: n, tokens };
}
