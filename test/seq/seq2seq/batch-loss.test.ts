/**
 * The teacher-forced training loss: the whole-target path (the output layer and the loss as one op,
 * over the real target positions only) gives the loss and gradients of the step-by-step path (full
 * logits at every position, padding masked out), with padding in the batch and without.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchLoss, realTargetPositions } from '../../../src/seq/seq2seq/train.js';
import { buildSeq2seqNetwork, padBatch, type EncodedPair, type Seq2seqNetwork } from '../../../src/seq/seq2seq/index.js';
import { useCpuBackend } from '../layers/harness.js';

beforeAll(useCpuBackend);

function network(): Seq2seqNetwork {
  let s = 11;
  return buildSeq2seqNetwork(
    { sourceVocabularySize: 12, targetVocabularySize: 9, cell: 'lstm', layers: 1, units: 8, embedding: 6, bidirectional: false, attention: 'luong-dot', inputFeeding: false, attentionUnits: 8, localP: false, window: 3 },
    () => s++,
  );
}

const pair = (source: number[], target: number[]): EncodedPair => ({ source: Int32Array.from(source), target: Int32Array.from(target) });

/** The loss and every variable's gradient, flattened, through one path. */
function lossAndGradients(net: Seq2seqNetwork, pairs: EncodedPair[], stepwise: boolean): { loss: number; grads: Map<string, Float32Array> } {
  const variables = [...net.encoder.trainableWeights, ...net.decoder.trainableWeights].map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => batchLoss(net, padBatch(pairs), stepwise, null, true), variables);
  const out = new Map(Object.entries(grads).map(([name, g]) => [name, g.dataSync() as Float32Array]));
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

describe('seq2seq batch loss', () => {
  const cases: [string, EncodedPair[]][] = [
    ['targets of different lengths (padding)', [pair([4, 5, 6, 3], [4, 5]), pair([7, 8, 3], [6, 7, 8, 3, 4]), pair([9, 3], [5])]],
    ['targets of one length (no padding)', [pair([4, 5, 6, 3], [4, 5, 6]), pair([7, 8, 3], [6, 7, 8])]],
  ];
  it.each(cases)('%s: the whole-target loss and gradients equal the step-by-step ones', (_, pairs) => {
    const net = network();
    const whole = lossAndGradients(net, pairs, false);
    const stepped = lossAndGradients(net, pairs, true);
    expect(whole.loss).toBeGreaterThan(0);
    expect(whole.loss).toBeCloseTo(stepped.loss, 5);
    expect([...whole.grads.keys()].sort()).toEqual([...stepped.grads.keys()].sort());
    for (const [name, g] of whole.grads) {
      const reference = stepped.grads.get(name)!;
      const scale = Math.max(1e-3, ...reference.map(Math.abs));
      for (let i = 0; i < g.length; i++) expect(Math.abs(g[i]! - reference[i]!) / scale, `${name}[${i}]`).toBeLessThan(1e-4);
    }
    net.encoder.dispose();
    net.decoder.dispose();
  });

  it('real target positions: flat indices and labels of the unpadded tokens, <EOS> included', () => {
    const batch = padBatch([pair([4, 3], [4, 5]), pair([7, 3], [6])]);
    // T = 3: row 0 is `4 5 <EOS>`, row 1 is `6 <EOS> <PAD>`.
    const { positions, labels } = realTargetPositions(batch);
    expect(Array.from(positions)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(labels)).toEqual([4, 5, batch.targetOut[2]!, 6, batch.targetOut[4]!]);
    expect(batch.targetOut[2]).toBe(batch.targetOut[4]);
  });
});
