/**
 * Luong's local-p attention (Luong, Pham & Manning 2015, section 3.2), built from tfjs's own layers
 * only, so a decoder that uses it still loads with plain `tf.loadLayersModel`:
 *
 *   p_t   = S · sigmoid(v_p · tanh(W_p h_t))          the predicted aligned position, S the real
 *                                                     length of that source (padding not counted)
 *   a_t(s) = align_t(s) · exp(−(s − p_t)² / (2σ²)),   σ = D/2
 *
 * where align_t is the softmax of the chosen score (dot or general) over the source positions s
 * (0-based) inside the window [p_t − D, p_t + D] that are not padding. As in the paper the weights
 * are not renormalised after the Gaussian (they sum to at most 1), and p_t learns only through the
 * Gaussian (the window's edges are a hard cut). Since p_t ∈ (0, S) and D ≥ 1 the window always holds
 * a real token.
 *
 * tfjs has no layer for exp, comparisons or iota, so:
 *   - the positions s come in as a decoder input [batch, 1, S] (sourcePositions);
 *   - S is counted from the source mask bias (0 at real tokens, MASKED at padding): with
 *     r = 1 + bias/|MASKED| (1 real, 0 padding), S = r · r (a Dot over the source axis);
 *   - the window is a penalty −|MASKED| · relu(d² − D²) added to the scores (d = p_t − s):
 *     0 inside, at least ~1e4 outside (float32 steps of d² near D² times 1e9), so exp gives 0;
 *   - the Gaussian is elu(x) + 1 = exp(x) for x = −d²/(2σ²) ≤ 0, applied as w + w · elu(x).
 * The products on [batch, T, units] (W_p, v_p) and the length count are fused layers; the rest is
 * elementwise over [batch, T, S].
 */
import * as tf from '@tensorflow/tfjs';
import { fusedDot } from '../layers/index.js';

type Sym = tf.SymbolicTensor;

/** The value the source mask bias has at padding positions (and the window penalty's scale). */
export const MASKED = -1e9;

/** Default window half-width D: the paper's. */
export const DEFAULT_LOCAL_WINDOW = 10;

export interface LocalPParts {
  /** Decoder outputs h_t [batch, T, units]: the query p_t is predicted from. */
  query: Sym;
  /** Scores [batch, T, S] of the chosen score function. */
  scores: Sym;
  /** [batch, 1, S]: 0 at real tokens, MASKED at padding. */
  maskBias: Sym;
  /** [batch, 1, S]: 0, 1, ..., S − 1 (sourcePositions). */
  positions: Sym;
  /** Half-width D of the window; σ = D/2. */
  window: number;
  /** Builds a dense layer of `units` outputs over `fanIn` inputs (the network's seeded initialisers). */
  dense: (name: string, units: number, fanIn: number, extra: Record<string, unknown>) => tf.layers.Layer;
}

/** The local-p attention weights [batch, T, S]; also the predicted positions p_t [batch, T, 1]. */
export function localPWeights(parts: LocalPParts): { weights: Sym; position: Sym } {
  const { query, scores, maskBias, positions, window: D } = parts;
  const units = query.shape[2]!;
  const hidden = parts.dense('attention_position_hidden', units, units, { useBias: false, activation: 'tanh' }).apply(query) as Sym;
  const share = parts.dense('attention_position', 1, units, { useBias: false, activation: 'sigmoid' }).apply(hidden) as Sym;
  const real = tf.layers.rescaling({ scale: 1 / -MASKED, offset: 1, name: 'attention_source_real' }).apply(maskBias) as Sym;
  const length = fusedDot({ axes: [2, 2], name: 'attention_source_length' }).apply([real, real]) as Sym;
  const position = tf.layers.multiply({ name: 'attention_aligned_position' }).apply([share, length]) as Sym;
  // tfjs has no Subtract layer: p_t + (−s).
  const negative = tf.layers.rescaling({ scale: -1, name: 'attention_negative_positions' }).apply(positions) as Sym;
  const distance = tf.layers.add({ name: 'attention_distance' }).apply([position, negative]) as Sym;
  const squared = tf.layers.multiply({ name: 'attention_distance_squared' }).apply([distance, distance]) as Sym;
  const outside = tf.layers.rescaling({ scale: -MASKED, offset: MASKED * D * D, name: 'attention_window_excess' }).apply(squared) as Sym;
  const excess = tf.layers.activation({ activation: 'relu', name: 'attention_window_relu' }).apply(outside) as Sym;
  const penalty = tf.layers.rescaling({ scale: -1, name: 'attention_window_penalty' }).apply(excess) as Sym;
  const windowed = tf.layers.add({ name: 'attention_masked_scores' }).apply([scores, maskBias, penalty]) as Sym;
  const align = tf.layers.softmax({ axis: -1, name: 'attention_align' }).apply(windowed) as Sym;
  const sigma = D / 2;
  const exponent = tf.layers.rescaling({ scale: -1 / (2 * sigma * sigma), name: 'attention_gaussian_exponent' }).apply(squared) as Sym;
  const gaussianMinusOne = tf.layers.activation({ activation: 'elu', name: 'attention_gaussian_minus_one' }).apply(exponent) as Sym;
  const damped = tf.layers.multiply({ name: 'attention_gaussian_part' }).apply([align, gaussianMinusOne]) as Sym;
  const weights = tf.layers.add({ name: 'attention_weights' }).apply([align, damped]) as Sym;
  return { weights, position };
}

/** The positions input of a local-p decoder for `rows` sources padded to `sourceLength`: 0..S−1 in every row. */
export function sourcePositions(rows: number, sourceLength: number): tf.Tensor3D {
  const values = new Float32Array(rows * sourceLength);
  for (let r = 0; r < rows; r++) for (let s = 0; s < sourceLength; s++) values[r * sourceLength + s] = s;
  return tf.tensor3d(values, [rows, 1, sourceLength]);
}
