/** Each logits processor against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import {
  LogitsProcessorList, RepetitionPenaltyLogitsProcessor, SuppressTokensLogitsProcessor, TemperatureLogitsWarper,
  TopKLogitsWarper, TopPLogitsWarper, argmax, createLogitsProcessors, type TokenHistory,
} from '../../../src/seq/generate/index.js';

const NEG = -Infinity;
const f32 = (values: number[]): Float32Array => Float32Array.from(values);
const run = (p: { process(l: Float32Array, h?: TokenHistory): void }, values: number[], h?: TokenHistory): number[] => {
  const l = f32(values);
  p.process(l, h);
  return Array.from(l);
};
const kept = (values: number[]): number[] => values.flatMap((v, i) => (v === NEG ? [] : [i]));
const history = (ids: number[]): TokenHistory => ({ ids: Int32Array.from([...ids, 0, 0, 0]), length: ids.length });

describe('TemperatureLogitsWarper', () => {
  it('divides every logit by the temperature; -Infinity stays', () => {
    expect(run(new TemperatureLogitsWarper(2), [1, 2, -4, NEG])).toEqual([0.5, 1, -2, NEG]);
    expect(run(new TemperatureLogitsWarper(0.5), [1, -3])).toEqual([2, -6]);
    expect(run(new TemperatureLogitsWarper(1), [0.1, 0.2])).toEqual(Array.from(f32([0.1, 0.2])));
  });
  it('scales the softmax as expected: T=2 turns probabilities proportional to e^l into ones proportional to e^(l/2)', () => {
    const l = run(new TemperatureLogitsWarper(2), [Math.log(16), Math.log(4), 0]);
    const e = l.map(Math.exp);
    const sum = e.reduce((a, b) => a + b);
    expect(e.map((x) => x / sum).map((p) => +p.toFixed(6))).toEqual([4 / 7, 2 / 7, 1 / 7].map((p) => +p.toFixed(6)));
  });
  it('rejects 0, negative and non-finite temperatures', () => {
    for (const t of [0, -1, NaN, Infinity]) expect(() => new TemperatureLogitsWarper(t)).toThrow(RangeError);
  });
});

describe('TopKLogitsWarper', () => {
  it('keeps the k highest logits', () => {
    expect(run(new TopKLogitsWarper(2), [1, 3, 2, 5, 4])).toEqual([NEG, NEG, NEG, 5, 4]);
    expect(run(new TopKLogitsWarper(3), [1, 3, 2, 5, 4])).toEqual([NEG, 3, NEG, 5, 4]);
  });
  it('k 1 is greedy: only the argmax survives', () => {
    const values = [0.3, -1, 2.5, 2.4, 0];
    const out = run(new TopKLogitsWarper(1), values);
    expect(kept(out)).toEqual([argmax(f32(values))]);
  });
  it('keeps ties with the k-th value (as Hugging Face does)', () => {
    expect(kept(run(new TopKLogitsWarper(1), [1, 2, 2, 0]))).toEqual([1, 2]);
    expect(kept(run(new TopKLogitsWarper(2), [3, 2, 2, 0]))).toEqual([0, 1, 2]);
  });
  it('k 0 and k >= vocabulary change nothing; already-suppressed tokens stay suppressed', () => {
    expect(run(new TopKLogitsWarper(0), [1, 2, 3])).toEqual([1, 2, 3]);
    expect(run(new TopKLogitsWarper(3), [1, 2, 3])).toEqual([1, 2, 3]);
    expect(run(new TopKLogitsWarper(2), [NEG, 1, NEG, 0])).toEqual([NEG, 1, NEG, 0]);
    expect(run(new TopKLogitsWarper(3), [NEG, 1, NEG, 0])).toEqual([NEG, 1, NEG, 0]);
  });
  it('agrees with sorting on random vectors', () => {
    let x = 12345;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 50; trial++) {
      const n = 5 + Math.floor(rand() * 60);
      const k = 1 + Math.floor(rand() * n);
      const values = Array.from({ length: n }, () => Math.fround(rand() * 10 - 5));
      const threshold = [...values].sort((a, b) => b - a)[k - 1]!;
      expect(kept(run(new TopKLogitsWarper(k), values))).toEqual(kept(values.map((v) => (v >= threshold ? v : NEG))));
    }
  });
});

describe('TopPLogitsWarper', () => {
  // Probabilities 0.5, 0.25, 0.125, 0.125 in scrambled order: ids 2, 0, 3, 1.
  const probs = [0.25, 0.125, 0.5, 0.125];
  const logits = probs.map(Math.log);
  it('keeps the smallest set of most probable tokens whose mass reaches p', () => {
    expect(kept(run(new TopPLogitsWarper(0.5), logits))).toEqual([2]);
    expect(kept(run(new TopPLogitsWarper(0.6), logits))).toEqual([0, 2]);
    expect(kept(run(new TopPLogitsWarper(0.75), logits))).toEqual([0, 2]);
    expect(kept(run(new TopPLogitsWarper(0.8), logits))).toEqual([0, 1, 2]); // the tie goes to the lower id
    expect(kept(run(new TopPLogitsWarper(0.9), logits))).toEqual([0, 1, 2, 3]);
  });
  it('always keeps at least one token (minKeep more when asked), and p 1 changes nothing', () => {
    expect(kept(run(new TopPLogitsWarper(0), logits))).toEqual([2]);
    expect(kept(run(new TopPLogitsWarper(0.1, 3), logits))).toEqual([0, 1, 2]);
    expect(run(new TopPLogitsWarper(1), logits)).toEqual(Array.from(f32(logits)));
  });
  it('kept logits are unchanged; it works the same on shifted logits and with suppressed tokens', () => {
    const out = run(new TopPLogitsWarper(0.75), logits);
    expect(out[2]).toBe(Math.fround(logits[2]!));
    expect(kept(run(new TopPLogitsWarper(0.75), logits.map((l) => l + 1000)))).toEqual([0, 2]);
    // With id 2 suppressed the rest is 0.5, 0.25, 0.25 of the remaining mass.
    expect(kept(run(new TopPLogitsWarper(0.5), [logits[0]!, logits[1]!, NEG, logits[3]!]))).toEqual([0]);
    expect(kept(run(new TopPLogitsWarper(0.7), [logits[0]!, logits[1]!, NEG, logits[3]!]))).toEqual([0, 1]);
  });
  it('rejects p outside [0, 1]', () => {
    for (const p of [-0.1, 1.5, NaN]) expect(() => new TopPLogitsWarper(p)).toThrow(RangeError);
  });
});

describe('SuppressTokensLogitsProcessor', () => {
  it('sets the listed ids to -Infinity, even huge ones, and ignores ids past the vocabulary', () => {
    expect(run(new SuppressTokensLogitsProcessor([0, 1, 2]), [1e30, 5, 3.4e38, 1, 2])).toEqual([NEG, NEG, NEG, 1, 2]);
    expect(run(new SuppressTokensLogitsProcessor([3, 99]), [1, 2, 3, 4])).toEqual([1, 2, 3, NEG]);
  });
});

describe('RepetitionPenaltyLogitsProcessor', () => {
  it('divides positive and multiplies negative logits of tokens in the history, once each', () => {
    expect(run(new RepetitionPenaltyLogitsProcessor(2), [2, -2, 1, 0.5], history([0, 1, 0, 0]))).toEqual([1, -4, 1, 0.5]);
  });
  it('looks only at the last `window` tokens', () => {
    expect(run(new RepetitionPenaltyLogitsProcessor(2, 1), [2, -2, 1, 0.5], history([0, 1, 0]))).toEqual([1, -2, 1, 0.5]);
    expect(run(new RepetitionPenaltyLogitsProcessor(2, 2), [2, -2, 1, 0.5], history([3, 1, 0]))).toEqual([1, -4, 1, 0.5]);
  });
  it('penalty 1, or no history, changes nothing; repeated calls start clean', () => {
    expect(run(new RepetitionPenaltyLogitsProcessor(1), [2, -2], history([0, 1]))).toEqual([2, -2]);
    expect(run(new RepetitionPenaltyLogitsProcessor(2), [2, -2])).toEqual([2, -2]);
    const p = new RepetitionPenaltyLogitsProcessor(2);
    run(p, [2, -2, 1], history([0]));
    expect(run(p, [2, -2, 1], history([2]))).toEqual([2, -2, 0.5]);
  });
});

describe('LogitsProcessorList and createLogitsProcessors', () => {
  it('applies processors in order', () => {
    const list = new LogitsProcessorList([new SuppressTokensLogitsProcessor([0]), new TemperatureLogitsWarper(2)]).push(new TopKLogitsWarper(1));
    expect(list.length).toBe(3);
    expect(run(list, [9, 4, 2])).toEqual([NEG, 2, NEG]);
  });
  it('generation\'s chain: suppression, repetition, temperature, top-k, top-p; greedy (temperature 0) needs only suppression and repetition', () => {
    const names = (o: Parameters<typeof createLogitsProcessors>[0]) => createLogitsProcessors(o).processors.map((p) => p.constructor.name);
    expect(names({ temperature: 0.7, topK: 5, topP: 0.9, repetitionPenalty: 1.2, repetitionWindow: 0 })).toEqual([
      'SuppressTokensLogitsProcessor', 'RepetitionPenaltyLogitsProcessor', 'TemperatureLogitsWarper', 'TopKLogitsWarper', 'TopPLogitsWarper',
    ]);
    expect(names({ temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, repetitionWindow: 0 })).toEqual(['SuppressTokensLogitsProcessor']);
    expect(names({ temperature: 0, topK: 5, topP: 0.5, repetitionPenalty: 1.5, repetitionWindow: 0 })).toEqual([
      'SuppressTokensLogitsProcessor', 'RepetitionPenaltyLogitsProcessor',
    ]);
    // <PAD>, <UNK>, <BOS> by default.
    expect(run(createLogitsProcessors({ temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, repetitionWindow: 0 }), [5, 5, 5, 1, 2])).toEqual([NEG, NEG, NEG, 1, 2]);
  });
});
