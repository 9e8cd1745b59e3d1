/**
 * denseRowBest (greedy decoding's output layer: each row's most probable class and its
 * log-probability, on the kernel threads) against a float64 reference of x W + b: the first of
 * tied maxima, a ragged vocabulary (not a multiple of 4 or 8), a row whose best class is the last
 * one, no bias, and bit-identical results on 1 and 2 threads over a word vocabulary.
 */
import { describe, expect, it } from 'vitest';
import { useEngineAcrossBackends } from '../engine-session.js';
import { denseRowBest } from '../../../src/seq/engine/index.js';
import { engineReady, setEngineThreads } from '../layers/fused-api.js';
import { Fixtures } from '../layers/harness.js';

useEngineAcrossBackends();

function reference(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, rows: number, inputs: number, outputs: number): { best: number[]; logProbs: number[] } {
  const best: number[] = [];
  const logProbs: number[] = [];
  for (let r = 0; r < rows; r++) {
    // the logits in float32, as the kernel's products round them, then float64 from there
    const logits = new Float32Array(outputs);
    for (let o = 0; o < outputs; o++) {
      let s = bias ? bias[o]! : 0;
      for (let i = 0; i < inputs; i++) s += x[r * inputs + i]! * kernel[i * outputs + o]!;
      logits[o] = s;
    }
    let b = 0;
    for (let o = 1; o < outputs; o++) if (logits[o]! > logits[b]!) b = o;
    let sum = 0;
    for (let o = 0; o < outputs; o++) sum += Math.exp(logits[o]! - logits[b]!);
    best.push(b);
    logProbs.push(-Math.log(sum));
  }
  return { best, logProbs };
}

describe('denseRowBest', () => {
  it('the most probable class (the first of tied maxima) and its log-probability, ragged sizes, with and without bias', () => {
    const fx = new Fixtures(8);
    const [rows, inputs, outputs] = [6, 13, 517];
    const x = Float32Array.from(fx.uniform(rows * inputs, -1, 1));
    const kernel = Float32Array.from(fx.uniform(inputs * outputs, -1, 1));
    const bias = Float32Array.from(fx.uniform(outputs, -1, 1));
    // row 4 all zeros: every logit is its bias; two classes share the largest bias, the first must win
    x.fill(0, 4 * inputs, 5 * inputs);
    bias[100] = 5;
    bias[300] = 5;
    // row 5's best class is the last one
    x.fill(0, 5 * inputs, 6 * inputs);
    x[5 * inputs] = 1;
    kernel[outputs - 1] = 50;
    for (const b of [bias, null]) {
      const got = denseRowBest({ rows, inputs, outputs }, x, kernel, b);
      const want = reference(x, kernel, b, rows, inputs, outputs);
      expect(Array.from(got.best)).toEqual(want.best);
      got.logProbs.forEach((lp, r) => expect(Math.abs(lp - want.logProbs[r]!), `row ${r}`).toBeLessThan(1e-5));
      expect(got.logProbs.every((lp) => lp <= 0)).toBe(true);
    }
    expect(denseRowBest({ rows, inputs, outputs }, x, kernel, bias).best[4]).toBe(100);
    expect(denseRowBest({ rows, inputs, outputs }, x, kernel, bias).best[5]).toBe(outputs - 1);
  });

  it('over a word vocabulary: the reference\'s classes, identically on 1 and 2 threads', async () => {
    const fx = new Fixtures(9);
    const [rows, inputs, outputs] = [24, 32, 13_236];
    const x = Float32Array.from(fx.uniform(rows * inputs, -1, 1));
    const kernel = Float32Array.from(fx.uniform(inputs * outputs, -1, 1));
    const bias = Float32Array.from(fx.uniform(outputs, -0.5, 0.5));
    const want = reference(x, kernel, bias, rows, inputs, outputs);
    const runs: { best: number[]; logProbs: number[] }[] = [];
    for (const threads of [1, 2]) {
      setEngineThreads(threads);
      await engineReady();
      const got = denseRowBest({ rows, inputs, outputs }, x, kernel, bias);
      runs.push({ best: Array.from(got.best), logProbs: Array.from(got.logProbs) });
    }
    expect(runs[0]!.best).toEqual(want.best);
    runs[0]!.logProbs.forEach((lp, r) => expect(Math.abs(lp - want.logProbs[r]!), `row ${r}`).toBeLessThan(1e-4));
    expect(runs[1]).toEqual(runs[0]);
  });
});
