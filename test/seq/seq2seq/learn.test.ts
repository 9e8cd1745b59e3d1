/**
 * Training: a small model learns to reverse short digit strings to near 100% exact match; the
 * stepped decoders (Bahdanau, Luong with input feeding and scheduled sampling) learn too; no
 * tensor leaks over a run; options are checked.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WordloomError } from '../../../src/errors.js';
import { resolveSeq2seqOptions, trainSeq2seq } from '../../../src/seq/seq2seq/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { reversedDigits } from './fixtures.js';

beforeAll(useCpuBackend);

describe('trainSeq2seq', () => {
  it('learns to reverse digit strings to near 100% exact match (luong-dot, whole-sequence decoder)', async () => {
    const before = tf.memory().numTensors;
    const model = await trainSeq2seq(reversedDigits(1, 2200, 2, 5), { units: 48, embedding: 16, batch: 32, epochs: 3, lr: 0.01, valDecode: 200, threads: 1 });
    const v = model.config.validation!;
    expect(v.exactMatch, JSON.stringify(model.history)).toBeGreaterThanOrEqual(0.97);
    expect(v.tokenAccuracy).toBeGreaterThanOrEqual(0.99);
    // fresh strings, beam search too
    const fresh = reversedDigits(99, 50, 2, 5);
    for (const beam of [1, 3]) {
      const out = model.translate(fresh.map((p) => p.source), { beam });
      const right = out.filter((t, i) => t.text === fresh[i]!.target).length;
      expect(right / fresh.length, `beam ${beam}`).toBeGreaterThanOrEqual(0.94);
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('the stepped decoders learn too: bahdanau; luong with input feeding and scheduled sampling', async () => {
    const pairs = reversedDigits(2, 400, 2, 4);
    for (const options of [{ attention: 'bahdanau' as const }, { attention: 'luong-general' as const, inputFeeding: true, samplingRatio: 0.2 }]) {
      const model = await trainSeq2seq(pairs, { ...options, units: 32, embedding: 12, batch: 32, epochs: 2, lr: 0.01, valDecode: 0, threads: 1 });
      const [first, last] = [model.history[0]!, model.history[model.history.length - 1]!];
      expect(last.validation!.loss, JSON.stringify(options)).toBeLessThan(first.trainLoss * 0.8);
      model.dispose();
    }
  }, 300_000);

  it('takes a training set of 200,000 pairs (no per-pair function arguments: 180k of them overflowed the stack)', async () => {
    const few = reversedDigits(4, 50, 2, 4);
    const pairs = Array.from({ length: 200_000 }, (_, i) => few[i % few.length]!);
    const model = await trainSeq2seq(pairs, { units: 8, embedding: 4, batch: 64, epochs: 1, maxSteps: 1, valFraction: 0, valDecode: 0, threads: 1 });
    expect(model.history.length).toBe(1);
    model.dispose();
  }, 120_000);

  it('rejects impossible options with the flag named', () => {
    expect(() => resolveSeq2seqOptions({ bidirectional: true, units: 33 })).toThrow(/--bidirectional needs an even --units/);
    expect(() => resolveSeq2seqOptions({ attention: 'bahdanau', inputFeeding: true })).toThrow(/--input-feeding is for Luong/);
    expect(() => resolveSeq2seqOptions({ samplingRatio: 2 })).toThrow(/--sampling-ratio/);
    expect(() => resolveSeq2seqOptions({ attention: 'nope' as never })).toThrow(WordloomError);
  });
});
