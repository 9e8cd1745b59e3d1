import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../src/vectors/debias/eigen.js';
import { seededGaussian } from '../fixtures.js';

/** A random orthogonal n x n matrix (Gram-Schmidt on Gaussian columns), rows are the basis. */
function randomOrthogonal(n: number, seed: number): number[][] {
  const g = seededGaussian(seed);
  const basis: number[][] = [];
  while (basis.length < n) {
    const v = Array.from({ length: n }, () => g());
    for (const b of basis) {
      const p = v.reduce((s, x, k) => s + x * b[k]!, 0);
      for (let k = 0; k < n; k++) v[k] = v[k]! - p * b[k]!;
    }
    const len = Math.hypot(...v);
    basis.push(v.map((x) => x / len));
  }
  return basis;
}

describe('symmetricEigen (Jacobi)', () => {
  it('recovers the eigenvalues and eigenvectors of Q diag(λ) Q^T, largest first', () => {
    const n = 12;
    const q = randomOrthogonal(n, 3);
    const lambdas = [9, 7.5, 5, 3, 2.5, 2, 1, 0.5, 0.25, 0, -1, -4];
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = lambdas.reduce((s, l, m) => s + l * q[m]![i]! * q[m]![j]!, 0);
    const { values, vectors } = symmetricEigen(a, n);
    lambdas.forEach((l, j) => expect(values[j]!).toBeCloseTo(l, 12));
    for (let j = 0; j < n; j++) {
      const v = vectors.subarray(j * n, (j + 1) * n);
      // A v = λ v, unit length, and ± the planted eigenvector.
      for (let i = 0; i < n; i++) {
        const av = Array.from(v).reduce((s, x, k) => s + a[i * n + k]! * x, 0);
        expect(Math.abs(av - values[j]! * v[i]!)).toBeLessThan(1e-12);
      }
      expect(Math.hypot(...v)).toBeCloseTo(1, 14);
      expect(Math.abs(Array.from(v).reduce((s, x, k) => s + x * q[j]![k]!, 0))).toBeCloseTo(1, 12);
    }
  });

  it('handles diagonal, 1 x 1, empty and repeated-eigenvalue matrices, and leaves its input alone', () => {
    const diag = Float64Array.from([1, 0, 0, 0, 3, 0, 0, 0, 2]);
    const r = symmetricEigen(diag, 3);
    expect(Array.from(r.values)).toEqual([3, 2, 1]);
    expect(Array.from(r.vectors)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(diag)).toEqual([1, 0, 0, 0, 3, 0, 0, 0, 2]);
    expect(Array.from(symmetricEigen([5], 1).values)).toEqual([5]);
    expect(symmetricEigen([], 0).values.length).toBe(0);
    const twice = symmetricEigen([2, 1, 1, 2], 2); // eigenvalues 3 and 1
    expect(twice.values[0]).toBeCloseTo(3, 14);
    expect(twice.values[1]).toBeCloseTo(1, 14);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2 x 2|n x n/);
  });
});
