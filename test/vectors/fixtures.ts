import { VectorSet } from '../../src/vectors/vector-set.js';
import { seededRandom } from '../seeded-random.js';

export { seededRandom };

/** Standard normal numbers from a seeded generator (Box-Muller). */
export function seededGaussian(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function randomSet(size: number, dim: number, seed: number, wordPrefix = 'w'): VectorSet {
  const g = seededGaussian(seed);
  const vectors = new Float32Array(size * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = g();
  return new VectorSet(Array.from({ length: size }, (_, i) => `${wordPrefix}${i}`), vectors, dim);
}

export function expectSameSet(actual: VectorSet, expected: VectorSet): void {
  if (actual.dim !== expected.dim) throw new Error(`dim ${actual.dim} != ${expected.dim}`);
  if (actual.words.join('\n') !== expected.words.join('\n')) throw new Error('words differ');
  for (let i = 0; i < expected.vectors.length; i++) {
    if (actual.vectors[i] !== expected.vectors[i]) throw new Error(`value ${i}: ${actual.vectors[i]} != ${expected.vectors[i]}`);
  }
}
