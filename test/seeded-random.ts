import { SeededRandom } from '../src/embeddings/shared/rng.js';

/** Deterministic uniform [0, 1) numbers for fixtures, from the project's own seeded generator. */
export function seededRandom(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.nextFloat();
}
