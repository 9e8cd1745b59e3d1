import { describe, expect, it } from 'vitest';
import { TopK } from '../../src/vectors/top-k.js';
import { seededRandom } from './fixtures.js';

describe('TopK', () => {
  it('keeps the k largest scores, best first, lower index first on ties', () => {
    const rand = seededRandom(3);
    for (const k of [1, 3, 10, 50]) {
      // few distinct values force many ties
      const scores = Float32Array.from({ length: 500 }, () => Math.floor(rand() * 40) / 4);
      const heap = new TopK(k);
      heap.offerAll(scores, scores.length);
      const expected = Array.from(scores.keys())
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, k);
      expect(heap.sorted().ids).toEqual(expected);
    }
  });

  it('ignores NaN and handles fewer candidates than k', () => {
    const heap = new TopK(5);
    heap.offerAll(Float32Array.from([0.5, Number.NaN, 0.7]), 3);
    expect(heap.sorted()).toEqual({ ids: [2, 0], scores: [Math.fround(0.7), 0.5] });
  });
});
