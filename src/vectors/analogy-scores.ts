/**
 * The two analogy scorers, shared by `KeyedVectors` (queries) and the analogy evaluation so both
 * answer a question the same way, to the last bit. Both write into buffers the caller owns and
 * reuses: a query allocates nothing.
 */
import type { UnitMatrix } from './kernels/unit-matrix.js';
import { normalizeInPlace } from './kernels/unit-rows.js';

/**
 * 3CosAdd's query into `out` (length dim): the unit positive vectors minus the unit negative
 * ones, summed in float32 in that order, then scaled to unit length. Rank rows by their dot
 * product with it (`UnitMatrix.scores`).
 */
export function cosAddQuery(positive: readonly Float32Array[], negative: readonly Float32Array[], out: Float32Array): Float32Array {
  out.fill(0);
  const dim = out.length;
  for (const v of positive) for (let k = 0; k < dim; k++) out[k] = out[k]! + v[k]!;
  for (const v of negative) for (let k = 0; k < dim; k++) out[k] = out[k]! - v[k]!;
  normalizeInPlace(out);
  return out;
}

/**
 * Levy and Goldberg's 3CosMul of rows 0..rows-1 into `out`: the product over positive terms of
 * (1 + cos) / 2, divided by the product over negative terms of (1 + cos) / 2 plus 1e-6 (gensim's
 * `most_similar_cosmul`). `scratch` (at least `rows` long) holds the denominator when there is
 * more than one negative term. Terms are unit vectors.
 */
export function cosMulScores(
  unit: UnitMatrix,
  positive: readonly Float32Array[],
  negative: readonly Float32Array[],
  rows: number,
  out: Float64Array,
  scratch?: Float64Array,
): Float64Array {
  out.fill(1, 0, rows);
  for (const term of positive) {
    const s = unit.scores(term, rows);
    for (let i = 0; i < rows; i++) out[i] = out[i]! * ((1 + s[i]!) / 2);
  }
  if (negative.length <= 1) {
    const s = negative.length === 1 ? unit.scores(negative[0]!, rows) : null;
    for (let i = 0; i < rows; i++) out[i] = out[i]! / ((s === null ? 1 : (1 + s[i]!) / 2) + 1e-6);
    return out;
  }
  if (scratch === undefined || scratch.length < rows) throw new RangeError('cosMulScores: several negative terms need a scratch buffer of rows values');
  scratch.fill(1, 0, rows);
  for (const term of negative) {
    const s = unit.scores(term, rows);
    for (let i = 0; i < rows; i++) scratch[i] = scratch[i]! * ((1 + s[i]!) / 2);
  }
  for (let i = 0; i < rows; i++) out[i] = out[i]! / (scratch[i]! + 1e-6);
  return out;
}
