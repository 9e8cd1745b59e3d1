import { describe, expect, it } from 'vitest';
import { FASTTEXT_TRAINER, resolveFastTextOptions } from '../../../src/embeddings/fasttext/index.js';
import { FASTTEXT_INITIALIZATION, WORD2VEC_INITIALIZATION, createModel } from '../../../src/embeddings/word2vec/model-setup.js';

// Counts by id (ids 0-3 are the special tokens, never trained): 1, 16, 81, 256.
const counts = Float64Array.from([0, 0, 0, 0, 1, 16, 81, 256]);
const shape = { counts, dim: 8, negative: 5, hs: false, threads: 1, maxSentence: 16 };

function shares(table: Int32Array): Record<number, number> {
  const n: Record<number, number> = {};
  for (const id of table) n[id] = (n[id] ?? 0) + 1;
  return Object.fromEntries(Object.entries(n).map(([id, c]) => [id, c / table.length]));
}

describe('fastText mode starts like fastText 0.9.2, word2vec mode like word2vec C', () => {
  it('fastText with n-grams draws negatives from count^0.5; without n-grams (and word2vec) from count^0.75', () => {
    expect(FASTTEXT_TRAINER.initialization!(resolveFastTextOptions())).toEqual({ negativePower: 0.5, initRange: 1, negativeTableCap: 5_000_000 });
    expect(FASTTEXT_TRAINER.initialization!(resolveFastTextOptions({ minn: 0, maxn: 0 }))).toEqual(WORD2VEC_INITIALIZATION);
    expect(WORD2VEC_INITIALIZATION.negativePower).toBe(0.75);

    // sqrt: 1, 4, 9, 16 of 30; ^0.75: 1, 8, 27, 64 of 100
    const fast = shares(createModel({ ...shape, initialization: FASTTEXT_INITIALIZATION }, 1).negTable);
    [1, 4, 9, 16].forEach((w, i) => expect(fast[4 + i]).toBeCloseTo(w / 30, 3));
    const plain = shares(createModel(shape, 1).negTable);
    [1, 8, 27, 64].forEach((w, i) => expect(plain[4 + i]).toBeCloseTo(w / 100, 3));
  });

  it('caps the negative table at 5e6 slots in fastText mode (word2vec: 1e7)', () => {
    const many = Float64Array.from({ length: 20_004 }, (_, i) => (i < 4 ? 0 : 5 + (i % 7)));
    expect(createModel({ ...shape, dim: 4, counts: many, initialization: FASTTEXT_INITIALIZATION }, 1).negTable.length).toBe(5_000_000);
    expect(createModel({ ...shape, dim: 4, counts: many }, 1).negTable.length).toBe(10_000_000);
  });

  it('fastText initialises input rows uniform in (-1/dim, 1/dim), word2vec in (-0.5/dim, 0.5/dim) with the same draws', () => {
    const dim = shape.dim;
    const fast = createModel({ ...shape, initialization: FASTTEXT_INITIALIZATION }, 7).syn0;
    const plain = createModel(shape, 7).syn0;
    const max = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(max(fast)).toBeLessThan(1 / dim);
    expect(max(fast)).toBeGreaterThan(0.9 / dim); // 64 draws: the range is used, not only half of it
    expect(max(plain)).toBeLessThan(0.5 / dim);
    for (let i = 0; i < plain.length; i++) expect(fast[i]).toBeCloseTo(2 * plain[i]!, 6);
  });
});
