/**
 * Generated pairs for the seq2seq tests, from the project's seeded generator.
 */
import { expect } from 'vitest';
import { seededRandom } from '../../seeded-random.js';
import { trainSeq2seq, type Pair, type Seq2seqModel, type Seq2seqOptions } from '../../../src/seq/seq2seq/index.js';

/** `count` random digit strings of minLength..maxLength digits, each paired with its reverse. */
export function reversedDigits(seed: number, count: number, minLength = 3, maxLength = 6): Pair[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const n = minLength + Math.floor(next() * (maxLength - minLength + 1));
    const source = Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
    return { source, target: [...source].reverse().join('') };
  });
}

/** Trains on `pairs` and aborts after `steps` training steps: the run rejects with EINTERRUPTED (leaving its checkpoint, when it has one). */
export async function trainAndInterrupt(pairs: readonly Pair[], options: Partial<Seq2seqOptions>, steps: number): Promise<void> {
  const controller = new AbortController();
  let done = 0;
  const onProgress = (): void => {
    if (++done === steps) controller.abort();
  };
  await expect(trainSeq2seq(pairs, { ...options, signal: controller.signal, onProgress })).rejects.toMatchObject({ code: 'EINTERRUPTED' });
}

/** Every weight of the encoder and the decoder, in order, as plain numbers. */
export function modelWeights(model: Seq2seqModel): number[][] {
  return [model.network.encoder, model.network.decoder].flatMap((n) => n.getWeights().map((w) => Array.from(w.dataSync())));
}
