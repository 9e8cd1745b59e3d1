/**
 * Writes each row of `src` (n x dim) scaled to unit length into `dst` with row stride
 * `dstStride` (>= dim; padding left as is, i.e. zero), and the original lengths into `norms`.
 * A zero row stays zero, so its cosine with anything is 0 rather than NaN.
 */
export function unitRowsInto(src: Float32Array, n: number, dim: number, dst: Float32Array, dstStride: number, norms: Float32Array): void {
  for (let r = 0; r < n; r++) {
    const from = r * dim;
    let sum = 0;
    for (let k = 0; k < dim; k++) {
      const v = src[from + k]!;
      sum += v * v;
    }
    const norm = Math.sqrt(sum);
    norms[r] = norm;
    const scale = norm > 0 ? 1 / norm : 0;
    const to = r * dstStride;
    for (let k = 0; k < dim; k++) dst[to + k] = src[from + k]! * scale;
  }
}

/** `v` scaled to unit length in place (left as is when zero); returns its original length. */
export function normalizeInPlace(v: Float32Array | Float64Array): number {
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k]! * v[k]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let k = 0; k < v.length; k++) v[k] = v[k]! / norm;
  return norm;
}

/** Plain dot products of `query` with rows 0..rows-1 (the fallback where WebAssembly SIMD is missing). */
export function dotsJs(matrix: Float32Array, rows: number, stride: number, query: Float32Array, out: Float32Array): void {
  for (let r = 0, base = 0; r < rows; r++, base += stride) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    for (; k + 3 < stride; k += 4) {
      s0 += matrix[base + k]! * query[k]!;
      s1 += matrix[base + k + 1]! * query[k + 1]!;
      s2 += matrix[base + k + 2]! * query[k + 2]!;
      s3 += matrix[base + k + 3]! * query[k + 3]!;
    }
    for (; k < stride; k++) s0 += matrix[base + k]! * query[k]!;
    out[r] = s0 + s1 + (s2 + s3);
  }
}
