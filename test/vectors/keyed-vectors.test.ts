import { describe, expect, it } from 'vitest';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { randomSet } from './fixtures.js';

/**
 * A world with two independent directions, gender (x) and royalty (y), plus fillers:
 * king - man + woman lands exactly on queen.
 */
function royalSet(): KeyedVectors {
  const rows: [string, number[]][] = [
    ['man', [1, 0, 0.1, 0]],
    ['woman', [-1, 0, 0.1, 0]],
    ['king', [1, 1, 0.1, 0]],
    ['queen', [-1, 1, 0.1, 0]],
    ['prince', [0.9, 0.8, 0.3, 0]],
    ['apple', [0, 0, 0, 1]],
    ['banana', [0, 0.1, 0, 1]],
    ['cherry', [0.1, 0, 0, 1]],
  ];
  const set = new VectorSet(rows.map((r) => r[0]), Float32Array.from(rows.flatMap((r) => r[1])), 4);
  return new KeyedVectors(set, { name: 'royal.txt' });
}

describe('KeyedVectors', () => {
  const kv = royalSet();

  it('solves king - man + woman = queen and excludes the query words', () => {
    const top = kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 3 });
    expect(top[0]!.word).toBe('queen');
    expect(top.map((n) => n.word)).not.toContain('king');
    expect(top.map((n) => n.word)).not.toContain('woman');
    expect(top.map((n) => n.word)).not.toContain('man');
  });

  it('scores cosine similarity of the normalised mean, as gensim', () => {
    // mean of unit(king)+unit(woman)-unit(man), normalised, dotted with unit(queen)
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const [k, w, m, q] = [[1, 1, 0.1, 0], [-1, 0, 0.1, 0], [1, 0, 0.1, 0], [-1, 1, 0.1, 0]].map(unit);
    const mean = k!.map((x, i) => x + w![i]! - m![i]!);
    const expected = unit(mean).reduce((s, x, i) => s + x * q![i]!, 0);
    expect(kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 1 })[0]!.similarity).toBeCloseTo(expected, 6);
  });

  it('answers with 3CosMul', () => {
    const top = kv.mostSimilarCosMul({ positive: ['king', 'woman'], negative: ['man'], topn: 2 });
    expect(top[0]!.word).toBe('queen');
    const cos = (a: string, b: string) => kv.similarity(a, b);
    const shift = (x: number) => (1 + x) / 2;
    const expected = (shift(cos('queen', 'king')) * shift(cos('queen', 'woman'))) / (shift(cos('queen', 'man')) + 1e-6);
    expect(top[0]!.similarity).toBeCloseTo(expected, 6);
  });

  it('finds neighbours of one word, the word itself excluded', () => {
    expect(kv.similarByWord('apple', { topn: 2 }).map((n) => n.word).sort()).toEqual(['banana', 'cherry']);
    expect(kv.similarByVector(kv.vector('apple'), { topn: 1 })[0]!.word).toBe('apple');
  });

  it('restricts the search to the first N words', () => {
    expect(kv.mostSimilar({ positive: ['apple'], topn: 3, restrictVocab: 5 }).map((n) => n.word)).not.toContain('banana');
  });

  it('finds the odd one out and ranks neighbours', () => {
    expect(kv.doesntMatch(['apple', 'banana', 'king', 'cherry'])).toBe('king');
    // ties: man, woman, king and queen are all orthogonal to apple; rank counts strictly closer words
    expect(kv.rank('apple', 'queen')).toBe(3);
    const random = new KeyedVectors(randomSet(500, 16, 13));
    const nearest = random.similarByWord('w7', { topn: 20 }).map((n) => n.word);
    nearest.forEach((w, i) => expect(random.rank('w7', w)).toBe(i + 1));
  });

  it('computes similarity and gives unit vectors', () => {
    expect(kv.similarity('apple', 'apple')).toBeCloseTo(1, 6);
    expect(kv.similarity('apple', 'man')).toBeCloseTo(0, 6);
    const u = kv.unitVector('king');
    expect(Math.hypot(...u)).toBeCloseTo(1, 6);
  });

  it('throws a clear error for an unknown word, with a case hint', () => {
    expect(() => kv.vector('kingdom')).toThrow('word "kingdom" is not in the vocabulary of royal.txt');
    expect(() => kv.mostSimilar({ positive: ['King'] })).toThrow('word "King" is not in the vocabulary of royal.txt (did you mean "king"?)');
    expect(kv.has('King')).toBe(false);
    expect(kv.get('King')).toBeUndefined();
    expect(Array.from(kv.get('king')!)).toEqual([1, 1, Math.fround(0.1), 0]);
  });

  it('gives the same answers with and without WebAssembly SIMD', () => {
    const set = randomSet(3000, 37, 11);
    const simd = new KeyedVectors(set);
    const plain = new KeyedVectors(set, { simd: false });
    expect(simd.unit.simd).toBe(true);
    expect(plain.unit.simd).toBe(false);
    for (const w of ['w0', 'w17', 'w2999']) {
      const a = simd.similarByWord(w, { topn: 10 });
      const b = plain.similarByWord(w, { topn: 10 });
      expect(a.map((n) => n.word)).toEqual(b.map((n) => n.word));
      a.forEach((n, i) => expect(n.similarity).toBeCloseTo(b[i]!.similarity, 5));
    }
  });

  it('matches a brute-force sort on random vectors', () => {
    const set = randomSet(2000, 24, 12);
    const kv2 = new KeyedVectors(set);
    const q = set.row(5);
    const norm = (v: Float32Array) => Math.hypot(...v);
    const cos = Array.from({ length: set.size }, (_, i) => {
      const r = set.row(i);
      return r.reduce((s, x, k) => s + x * q[k]!, 0) / (norm(r) * norm(q));
    });
    const expected = cos.map((c, i) => [c, i] as const).filter(([, i]) => i !== 5).sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => `w${i}`);
    expect(kv2.similarByWord('w5', { topn: 10 }).map((n) => n.word)).toEqual(expected);
  });
});
