import { describe, expect, it } from 'vitest';
import { VectorSet } from '../../../src/vectors/vector-set.js';
import { biasDirection, checkEqualized, hardDebias, DEFAULT_DEFINITIONAL_PAIRS } from '../../../src/vectors/debias/index.js';
import { dot64, norm64, plantedBias } from './fixtures.js';

const planted = plantedBias();
const { set, axis } = planted;
const options = { definitional: planted.definitional, equalize: planted.equalize, specific: planted.specific };

/** Row `word` of the input at unit length, rounded to float32 as the output stores it. */
function unitInput(word: string): Float32Array {
  const v = set.get(word)!;
  const n = norm64(v);
  return Float32Array.from(v, (x) => x / n);
}

describe('biasDirection', () => {
  it('recovers the planted axis, pointing to the first words of the pairs, with either method', () => {
    for (const method of ['pca', 'mean'] as const) {
      const d = biasDirection(set, planted.definitional, { method });
      expect(d.method).toBe(method);
      expect(norm64(d.vector)).toBeCloseTo(1, 12);
      expect(dot64(d.vector, axis)).toBeGreaterThan(0.995);
      expect(d.pairs).toEqual(planted.definitional.map((p) => [...p]));
      expect(d.poles).toEqual(['she', 'he']);
    }
    const d = biasDirection(set, planted.definitional);
    // One planted axis: the first component explains nearly all the variance of the differences.
    expect(d.explainedVariance.length).toBe(planted.definitional.length);
    expect(d.explainedVariance[0]).toBeGreaterThan(0.9);
    expect(d.explainedVariance[0]).toBeGreaterThan(20 * d.explainedVariance[1]!);
    expect(d.explainedVariance.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(d.pcaMeanCosine).toBeGreaterThan(0.99);
  });

  it('computes the PCA of the centred differences exactly on a hand-made example', () => {
    // Unit vectors whose differences are (1.2, 0, 0) and (0, 0.6, 0): variances 1.44 and 0.36.
    const z = Math.sqrt(1 - 0.09);
    const small = new VectorSet(['a1', 'b1', 'a2', 'b2'], Float32Array.from([0.6, 0, 0.8, -0.6, 0, 0.8, 0, 0.3, z, 0, -0.3, z]), 3);
    const pca = biasDirection(small, [['a1', 'b1'], ['a2', 'b2']]);
    expect(pca.explainedVariance[0]).toBeCloseTo(0.8, 6);
    expect(pca.explainedVariance[1]).toBeCloseTo(0.2, 6);
    expect(Array.from(pca.vector).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([1, 0, 0]);
    const mean = biasDirection(small, [['a1', 'b1'], ['a2', 'b2']], { method: 'mean' });
    expect(mean.vector[0]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(mean.vector[1]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(pca.pcaMeanCosine).toBeCloseTo(2 / Math.sqrt(5), 6);
    // Swapping the words of the pairs flips the direction.
    expect(biasDirection(small, [['b1', 'a1'], ['b2', 'a2']]).vector[0]).toBeCloseTo(-1, 6);
  });

  it('matches pairs case-insensitively, reports the missing ones, and needs at least one', () => {
    const d = biasDirection(set, [['SHE', 'He'], ['gal', 'guy']]);
    expect(d.pairs).toEqual([['she', 'he']]);
    expect(d.missing).toEqual(['gal/guy']);
    expect(() => biasDirection(set, [['gal', 'guy']])).toThrow(expect.objectContaining({ code: 'EEMPTY' }));
    expect(() => biasDirection(set, DEFAULT_DEFINITIONAL_PAIRS, { method: 'svd' as 'pca' })).toThrow('unknown bias method "svd", expected pca or mean');
  });
});

describe('hardDebias', () => {
  const result = hardDebias(set, options);
  const out = result.vectors;
  const g = result.direction.vector;
  const gendered = new Set([...planted.definitional.flat(), ...planted.equalize.flat(), ...planted.specific]);

  it('neutralizes every word that is not gender-specific: no projection left, unit length, the rest of the vector kept', () => {
    expect(out.words).toEqual(set.words);
    expect(result.neutralized).toBe(planted.neutral.length);
    expect(result.specific).toBe(gendered.size);
    for (const w of planted.neutral) {
      const v = out.get(w)!;
      expect(Math.abs(dot64(v, g))).toBeLessThan(1e-6);
      expect(norm64(v)).toBeCloseTo(1, 6);
      const u = unitInput(w);
      const p = dot64(u, g);
      const rest = Array.from(u, (x, k) => x - p * g[k]!);
      expect(dot64(v, rest) / norm64(rest)).toBeCloseTo(1, 6);
    }
  });

  it('leaves gender-specific words as they were (at unit length), and exactly as they were with keepNorms', () => {
    for (const w of [...planted.specific, ...planted.definitional.flat()]) {
      if (planted.equalize.flat().includes(w)) continue;
      expect(Array.from(out.get(w)!)).toEqual(Array.from(unitInput(w)));
    }
    const kept = hardDebias(set, { ...options, keepNorms: true }).vectors;
    for (const w of planted.specific) expect(Array.from(kept.get(w)!)).toEqual(Array.from(set.get(w)!));
    for (const w of planted.neutral) {
      expect(norm64(kept.get(w)!) / norm64(set.get(w)!)).toBeCloseTo(1, 6);
      expect(Math.abs(dot64(kept.get(w)!, g)) / norm64(kept.get(w)!)).toBeLessThan(1e-6);
    }
    for (const [a, b] of planted.equalize) {
      const mean = (norm64(set.get(a)!) + norm64(set.get(b)!)) / 2;
      expect(norm64(kept.get(a)!) / mean).toBeCloseTo(1, 6);
      expect(norm64(kept.get(b)!) / mean).toBeCloseTo(1, 6);
    }
    expect(checkEqualized(kept, g, hardDebias(set, { ...options, keepNorms: true }).equalizedRows).symmetric).toBe(true);
  });

  it('makes equalize pairs exactly symmetric about the direction, equidistant from every neutral word', () => {
    expect(result.equalized).toEqual(planted.equalize.map((p) => [...p]));
    for (const [a, b] of planted.equalize) {
      const va = out.get(a)!;
      const vb = out.get(b)!;
      const pa = dot64(va, g);
      const pb = dot64(vb, g);
      expect(pa).toBeGreaterThan(0.1); // the female word stays on the female side
      expect(Math.abs(pa + pb)).toBeLessThan(1e-6);
      for (let k = 0; k < set.dim; k++) expect(Math.abs(va[k]! - pa * g[k]! - (vb[k]! - pb * g[k]!))).toBeLessThan(1e-6);
      expect(norm64(va)).toBeCloseTo(1, 6);
      // The shared part is the mean of the pair, neutralized: the pair keeps its meaning.
      const ua = unitInput(a);
      const ub = unitInput(b);
      const mean = Array.from(ua, (x, k) => (x + ub[k]!) / 2);
      const pm = dot64(mean, g);
      for (let k = 0; k < set.dim; k++) expect(va[k]! - pa * g[k]!).toBeCloseTo(mean[k]! - pm * g[k]!, 6);
      for (const n of planted.neutral) {
        const vn = out.get(n)!;
        expect(Math.abs(dot64(va, vn) - dot64(vb, vn)) / norm64(vn)).toBeLessThan(1e-6);
      }
    }
    const check = checkEqualized(out, g, result.equalizedRows, result.neutralizedMask);
    expect(check.symmetric).toBe(true);
    expect(check.pairs).toBe(planted.equalize.length);
    expect(Math.max(check.maxProjectionGap, check.maxOrthogonalGap, check.maxCosineGap)).toBeLessThan(1e-6);
    // Before equalizing, the same pairs are not symmetric, and the check says so.
    const raw = checkEqualized(set, g, result.equalizedRows);
    expect(raw.symmetric).toBe(false);
    expect(raw.maxOrthogonalGap).toBeGreaterThan(1e-3);
  });

  it('does not modify its input and reports list entries it did not find', () => {
    const copy = set.vectors.slice();
    const r = hardDebias(set, {
      definitional: [...planted.definitional, ['gal', 'guy']],
      equalize: [...planted.equalize, ['spokeswoman', 'spokesman']],
      specific: [...planted.specific, 'Actress', 'beards'],
    });
    expect(set.vectors).toEqual(copy);
    expect(r.missing).toEqual({ definitional: ['gal/guy'], equalize: ['spokeswoman/spokesman'], specific: ['beards'] });
    expect(Array.from(r.vectors.get('actress')!)).toEqual(Array.from(unitInput('actress')));
  });

  it('with no lists uses the built-in pairs, which are then both definitional and equalized', () => {
    const r = hardDebias(set);
    expect(r.direction.pairs.map((p) => p.join('/'))).toEqual(['she/he', 'her/his', 'woman/man', 'girl/boy', 'mother/father', 'daughter/son']);
    expect(r.equalized.length).toBe(6);
    expect(r.missing.definitional).toEqual(['female/male', 'herself/himself', 'gal/guy', 'Mary/John']);
    expect(checkEqualized(r.vectors, r.direction.vector, r.equalizedRows, r.neutralizedMask).symmetric).toBe(true);
    // king and queen are not in the built-in lists: they are neutralized.
    expect(Math.abs(dot64(r.vectors.get('queen')!, r.direction.vector))).toBeLessThan(1e-6);
  });

  it('takes a direction computed before, keeps zero vectors zero, and checks the dimension', () => {
    const withZero = new VectorSet([...set.words, 'zero'], Float32Array.from([...set.vectors, ...new Array<number>(set.dim).fill(0)]), set.dim);
    const direction = biasDirection(set, planted.definitional, { method: 'mean' });
    const r = hardDebias(withZero, { ...options, direction });
    expect(r.direction).toBe(direction);
    expect(Array.from(r.vectors.get('zero')!).every((x) => x === 0)).toBe(true);
    expect(() => hardDebias(withZero, { direction: { ...direction, vector: new Float64Array(3) } })).toThrow(
      'the bias direction has 3 values but the vectors have dimension 24',
    );
  });
});
