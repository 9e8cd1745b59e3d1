/**
 * rowLogSumExps (decoding's log-softmax normaliser, on the kernel threads) against a float64
 * reference: small and huge logits (no overflow), one class, rows of a 13k-word vocabulary that
 * take the threaded path, and bit-identical results on 1 and 2 threads.
 */
import { describe, expect, it } from 'vitest';
import { useEngineAcrossBackends } from '../engine-session.js';
import { rowLogSumExps } from '../../../src/seq/engine/index.js';
import { engineReady, setEngineThreads } from '../layers/fused-api.js';
import { Fixtures } from '../layers/harness.js';

useEngineAcrossBackends();

function reference(logits: Float32Array, rows: number, classes: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[r * classes + c]! - max);
    out[r] = max + Math.log(sum);
  }
  return out;
}

function expectClose(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let r = 0; r < expected.length; r++) {
    expect(Math.abs(actual[r]! - expected[r]!)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(expected[r]!)));
  }
}

describe('rowLogSumExps', () => {
  it('matches float64 on small rows, large logits and a single class', () => {
    const fx = new Fixtures(5);
    const small = Float32Array.from(fx.uniform(7 * 11, -4, 4));
    expectClose(rowLogSumExps(small, 7, 11), reference(small, 7, 11));
    const huge = Float32Array.from(fx.uniform(3 * 50, 500, 900));
    const lse = rowLogSumExps(huge, 3, 50);
    expect(lse.every(Number.isFinite)).toBe(true);
    expectClose(lse, reference(huge, 3, 50));
    const single = Float32Array.of(-3.5, 0, 42);
    expect([...rowLogSumExps(single, 3, 1)]).toEqual([-3.5, 0, 42]);
  });

  it('matches float64 over a word vocabulary, identically on 1 and 2 threads', async () => {
    const fx = new Fixtures(6);
    const rows = 20;
    const classes = 13_236;
    const logits = Float32Array.from(fx.uniform(rows * classes, -8, 8));
    setEngineThreads(1);
    await engineReady();
    const one = rowLogSumExps(logits, rows, classes);
    setEngineThreads(2);
    await engineReady();
    const two = rowLogSumExps(logits, rows, classes);
    expectClose(one, reference(logits, rows, classes));
    expect([...two]).toEqual([...one]);
  });
});
