import { describe, expect, it } from 'vitest';
import { keepProbabilities, keepProbability } from '../../../src/embeddings/shared/subsampling.js';
import { fillNegativeTable, negativeTableSize } from '../../../src/embeddings/shared/negative-table.js';
import { linearLearningRate } from '../../../src/embeddings/shared/learning-rate.js';
import { SeededRandom } from '../../../src/embeddings/shared/rng.js';

describe('subsampling keep probability (word2vec C formula)', () => {
  it('matches (sqrt(f/(s*T)) + 1) * (s*T)/f, capped at 1', () => {
    // s*T = 1e-3 * 1e6 = 1000
    expect(keepProbability(100_000, 1e6, 1e-3)).toBeCloseTo(0.11, 12); // (10 + 1) * 0.01
    expect(keepProbability(4_000, 1e6, 1e-3)).toBeCloseTo(0.75, 12); // (2 + 1) * 0.25
    expect(keepProbability(1_000, 1e6, 1e-3)).toBe(1); // formula gives 2
    expect(keepProbability(1, 1e6, 1e-3)).toBe(1);
  });

  it('keeps everything when sample is 0 and never keeps count-0 ids', () => {
    expect(keepProbability(500_000, 1e6, 0)).toBe(1);
    expect(keepProbability(0, 1e6, 1e-3)).toBe(0);
  });

  it('computes per id from the counts, using their sum as the total', () => {
    const keep = keepProbabilities([0, 0, 0, 0, 96_000, 4_000], 1e-3); // total 1e5, s*T = 100
    expect(keep[0]).toBe(0);
    expect(keep[4]).toBeCloseTo((Math.sqrt(960) + 1) * (100 / 96_000), 6);
    expect(keep[5]).toBeCloseTo((Math.sqrt(40) + 1) * (100 / 4_000), 6);
  });
});

describe('negative sampling table', () => {
  it('gives each id a share proportional to count^0.75', () => {
    // 1^.75 = 1, 16^.75 = 8, 81^.75 = 27, 256^.75 = 64: shares of 100
    const table = new Int32Array(1000);
    fillNegativeTable([0, 0, 0, 0, 1, 16, 81, 256], table);
    const freq = new Map<number, number>();
    for (const id of table) freq.set(id, (freq.get(id) ?? 0) + 1);
    expect(Object.fromEntries(freq)).toEqual({ 4: 10, 5: 80, 6: 270, 7: 640 });
  });

  it('draws ids with frequencies ~ count^0.75 on an uneven distribution', () => {
    const counts = [0, 0, 0, 0, ...Array.from({ length: 50 }, (_, i) => Math.round(10_000 / (i + 1)))];
    const table = new Int32Array(negativeTableSize(50));
    fillNegativeTable(counts, table);
    const rng = new SeededRandom(3);
    const drawn = new Float64Array(counts.length);
    const draws = 200_000;
    for (let i = 0; i < draws; i++) drawn[table[rng.nextUint32() % table.length]!]!++;
    const z = counts.reduce((s, c) => s + (c > 0 ? c ** 0.75 : 0), 0);
    for (const id of [4, 5, 10, 30, 53]) {
      const expected = counts[id]! ** 0.75 / z;
      expect(Math.abs(drawn[id]! / draws - expected)).toBeLessThan(0.1 * expected + 0.001);
    }
    expect(drawn.subarray(0, 4).every((x) => x === 0)).toBe(true);
  });

  it('scales the table size with the vocabulary, capped at 1e7', () => {
    expect(negativeTableSize(50)).toBe(50_000);
    expect(negativeTableSize(2_000_000)).toBe(10_000_000);
  });
});

describe('learning rate schedule', () => {
  it('decays linearly from alpha to minAlpha over all words', () => {
    expect(linearLearningRate(0.025, 0.0001, 0, 1000)).toBe(0.025);
    expect(linearLearningRate(0.025, 0.0001, 500, 1000)).toBeCloseTo(0.01255, 12);
    expect(linearLearningRate(0.025, 0.0001, 1000, 1000)).toBeCloseTo(0.0001, 12);
    expect(linearLearningRate(0.025, 0.0001, 5000, 1000)).toBeCloseTo(0.0001, 12);
  });
});
