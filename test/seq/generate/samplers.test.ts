/** The seeded generator and the samplers: reference outputs, empirical frequencies, determinism. */
import { describe, expect, it } from 'vitest';
import { GreedySampler, MultinomialSampler, Xoshiro128, argmax, createSampler } from '../../../src/seq/generate/index.js';

describe('Xoshiro128 (xoshiro128**)', () => {
  it('gives the reference outputs from state 1, 2, 3, 4', () => {
    const rng = new Xoshiro128(0);
    rng.setState(1, 2, 3, 4);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });
  it('same seed and stream, same numbers; another seed or stream, others', () => {
    const draw = (seed: number, stream = 0) => {
      const r = new Xoshiro128(seed, stream);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7, 0)).not.toEqual(draw(7, 1));
    expect(draw(0)).not.toEqual(draw(0, 1));
    const r = new Xoshiro128(7);
    r.nextUint32();
    r.reseed(7);
    expect(Array.from({ length: 8 }, () => r.nextUint32())).toEqual(draw(7));
  });
  it('nextFloat is uniform in [0, 1)', () => {
    const r = new Xoshiro128(3);
    const bins = new Array(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.nextFloat();
      min = Math.min(min, u);
      max = Math.max(max, u);
      bins[Math.floor(u * 10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500); // 5 sigma
  });
});

describe('argmax and GreedySampler', () => {
  it('picks the highest logit, the lowest id on ties, and skips -Infinity and NaN', () => {
    expect(argmax(Float32Array.from([0, 3, 1, 3]))).toBe(1);
    expect(argmax(Float32Array.from([NaN, -Infinity, -5]))).toBe(2);
    expect(argmax(Float32Array.from([-Infinity, -Infinity]))).toBe(-1);
    expect(new GreedySampler().sample(Float32Array.from([1, 9, 2]))).toBe(1);
    expect(() => new GreedySampler().sample(Float32Array.from([-Infinity]))).toThrow(/nothing left to sample/);
  });
});

describe('MultinomialSampler', () => {
  const N = 20_000;
  const frequencies = (logits: number[], seed: number, n = N): number[] => {
    const s = new MultinomialSampler(new Xoshiro128(seed));
    const l = Float32Array.from(logits);
    const counts = new Array(logits.length).fill(0);
    for (let i = 0; i < n; i++) counts[s.sample(l)]++;
    return counts.map((c) => c / n);
  };

  it('draws each token with its softmax probability (20,000 draws, within 4.5 standard errors)', () => {
    const probs = [0.1, 0.2, 0.3, 0.35, 0.05];
    const freq = frequencies([...probs.map(Math.log), -Infinity], 2024);
    expect(freq[5]).toBe(0); // a suppressed token never comes
    probs.forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / N)));
    // And a chi-square test over the 5 outcomes: 4 degrees of freedom, p < 0.001 at 18.47.
    const chi2 = probs.reduce((sum, p, i) => sum + (freq[i]! * N - p * N) ** 2 / (p * N), 0);
    expect(chi2).toBeLessThan(18.47);
  });

  it('large logits neither overflow nor underflow: 1e4 and 1e4 − ln 3 give 3 : 1', () => {
    const freq = frequencies([1e4, 1e4 - Math.log(3), -1e4], 5);
    expect(Math.abs(freq[0]! - 0.75)).toBeLessThan(4.5 * Math.sqrt((0.75 * 0.25) / N));
    expect(freq[2]).toBe(0);
  });

  it('same seed, same draws; another seed, other draws', () => {
    const draws = (seed: number) => {
      const s = new MultinomialSampler(new Xoshiro128(seed));
      const l = Float32Array.from([0, 0.5, 1, 0.2, -0.3, 0.8]);
      return Array.from({ length: 50 }, () => s.sample(l));
    };
    expect(draws(1)).toEqual(draws(1));
    expect(draws(1)).not.toEqual(draws(2));
  });

  it('an infinite logit takes all the mass; nothing to sample is an error', () => {
    const s = new MultinomialSampler(new Xoshiro128(1));
    expect(s.sample(Float32Array.from([0, Infinity, 3]))).toBe(1);
    expect(() => s.sample(Float32Array.from([-Infinity, NaN]))).toThrow(/nothing left to sample/);
  });

  it('createSampler: temperature 0 is greedy, anything else multinomial', () => {
    expect(createSampler(0, 1)).toBeInstanceOf(GreedySampler);
    expect(createSampler(0.5, 1)).toBeInstanceOf(MultinomialSampler);
  });
});
