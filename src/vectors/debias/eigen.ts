/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: exact to float64
 * rounding, no dependency, and fast for the sizes debiasing needs (the Gram matrix of a few
 * dozen difference vectors).
 */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvector j (unit length, for values[j]) at [j * n, (j + 1) * n). */
  vectors: Float64Array;
  n: number;
}

const MAX_SWEEPS = 100;

/** `matrix` is n x n, row-major, and must be symmetric (only its values are read; it is not modified). */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0 || matrix.length !== n * n) {
    throw new RangeError(`symmetricEigen expects an n x n matrix (n = ${n}), got ${matrix.length} values`);
  }
  const a = Float64Array.from(matrix);
  // v holds the eigenvectors as columns while rotating.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! * a[i]!;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off === 0 || off <= scale * 1e-32) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        // The smaller root of t^2 + 2 theta t - 1 = 0: the rotation angle below pi/4.
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- J^T A J with J = identity except J[p][p] = J[q][q] = c, J[p][q] = s, J[q][p] = -s.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, j) => {
    values[j] = a[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[j * n + k] = v[k * n + col]!;
  });
  return { values, vectors, n };
}
