/**
 * Attention: weights are distributions over the source, padding gets none of them and changes
 * nothing; the whole-sequence Luong decoder computes what stepping it token by token computes;
 * beam width 1 is greedy decoding.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { topLayerUnits } from '../../../src/seq/lm/layer-units.js';
import { ATTENTIONS, beamDecode, buildSeq2seqNetwork, decodeSteps, encode, greedyDecode, padSources, type Seq2seqNetwork } from '../../../src/seq/seq2seq/index.js';
import { useCpuBackend } from '../layers/harness.js';

beforeAll(useCpuBackend);

function network(attention: (typeof ATTENTIONS)[number], extra: { bidirectional?: boolean; inputFeeding?: boolean; cell?: 'lstm' | 'gru'; localP?: boolean } = {}, seed = 7): Seq2seqNetwork {
  let s = seed;
  return buildSeq2seqNetwork(
    { sourceVocabularySize: 12, targetVocabularySize: 9, cell: extra.cell ?? 'lstm', layers: 2, units: 8, embedding: 6, bidirectional: extra.bidirectional ?? false, attention, inputFeeding: extra.inputFeeding ?? false, attentionUnits: 5, localP: extra.localP ?? false, window: 3 },
    () => s++,
  );
}

const SOURCES = [Int32Array.from([4, 5, 6, 7, 3]), Int32Array.from([8, 9, 3]), Int32Array.from([10, 3])];

/** One decoder step from <BOS> for each source, padded to `S` columns (or to the longest). */
function firstStep(net: Seq2seqNetwork, sources: Int32Array[], S?: number): { weights: Float32Array; logits: Float32Array; S: number } {
  return tf.tidy(() => {
    const padded = padSources(sources);
    const width = S ?? padded.sourceLength;
    const ids = new Int32Array(sources.length * width);
    sources.forEach((s, r) => ids.set(s, r * width));
    const encoded = encode(net, tf.tensor2d(ids, [sources.length, width], 'int32'), false);
    const feed = net.arch.inputFeeding ? tf.zeros([sources.length, 1, topLayerUnits(net.arch.units)]) as tf.Tensor3D : null;
    const out = decodeSteps(net, tf.fill([sources.length, 1], 2, 'int32') as tf.Tensor2D, encoded.states, encoded, feed, false);
    return { weights: out.weights.dataSync() as Float32Array, logits: out.logits.dataSync() as Float32Array, S: width };
  });
}

describe('attention', () => {
  for (const attention of ATTENTIONS) {
    it(`${attention}: weights sum to 1 over the real tokens, padding gets 0 and changes nothing`, () => {
      for (const extra of [{}, { bidirectional: true }, { cell: 'gru' as const }]) {
        const net = network(attention, extra);
        const { weights, logits, S } = firstStep(net, SOURCES);
        SOURCES.forEach((src, r) => {
          let sum = 0;
          for (let j = 0; j < S; j++) {
            const w = weights[r * S + j]!;
            if (j >= src.length) expect(w).toBe(0);
            else expect(w).toBeGreaterThan(0);
            sum += w;
          }
          expect(sum).toBeCloseTo(1, 5);
          // the same source alone (no padding) and with more padding: the same weights and logits
          for (const width of [src.length, S + 4]) {
            const alone = firstStep(net, [src], width);
            for (let j = 0; j < src.length; j++) expect(alone.weights[j]).toBeCloseTo(weights[r * S + j]!, 5);
            for (let v = 0; v < 9; v++) expect(alone.logits[v]).toBeCloseTo(logits[r * 9 + v]!, 5);
          }
        });
        net.encoder.dispose();
        net.decoder.dispose();
      }
    });
  }

  it('luong: the decoder over a whole target equals stepping it one token at a time', () => {
    for (const attention of ['luong-dot', 'luong-general'] as const) {
      const net = network(attention);
      tf.tidy(() => {
        const { source, sourceLength } = padSources(SOURCES);
        const encoded = encode(net, tf.tensor2d(source, [3, sourceLength], 'int32'), false);
        const previous = [[2, 4, 5, 6], [2, 7, 7, 8], [2, 5, 3, 3]];
        const whole = decodeSteps(net, tf.tensor2d(previous, [3, 4], 'int32'), encoded.states, encoded, null, false);
        let states = encoded.states;
        for (let t = 0; t < 4; t++) {
          const step = decodeSteps(net, tf.tensor2d(previous.map((p) => [p[t]!]), [3, 1], 'int32'), states, encoded, null, false);
          states = step.states;
          const a = whole.logits.slice([0, t, 0], [3, 1, 9]).dataSync();
          const b = step.logits.dataSync();
          for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
        }
      });
      net.encoder.dispose();
      net.decoder.dispose();
    }
  });
});

describe('decoding', () => {
  it('beam width 1 gives exactly the greedy tokens, log-probabilities and attention', () => {
    for (const [attention, extra] of [['luong-dot', {}], ['luong-general', { inputFeeding: true }], ['bahdanau', { bidirectional: true }], ['luong-dot', { localP: true }], ['luong-general', { localP: true, inputFeeding: true }]] as const) {
      for (const seed of [1, 2, 3]) {
        const net = network(attention, extra, seed);
        const greedy = greedyDecode(net, SOURCES, 12);
        const beam = beamDecode(net, SOURCES, { beam: 1, maxLength: 12, lengthPenalty: 1 });
        expect(beam.map((h) => h.ids)).toEqual(greedy.map((h) => h.ids));
        expect(beam.map((h) => h.ended)).toEqual(greedy.map((h) => h.ended));
        beam.forEach((h, i) => {
          expect(h.logProb).toBeCloseTo(greedy[i]!.logProb, 5);
          expect(h.attention.length).toBe(greedy[i]!.attention.length);
          h.attention.forEach((row, t) => expect(Array.from(row)).toEqual(Array.from(greedy[i]!.attention[t]!)));
          expect(h.attention.every((row) => row.length === SOURCES[i]!.length)).toBe(true);
        });
        net.encoder.dispose();
        net.decoder.dispose();
      }
    }
  });

  it('a wider beam finds a hypothesis at least as probable as greedy (length penalty 0)', () => {
    const net = network('luong-dot', {}, 11);
    const greedy = greedyDecode(net, SOURCES, 6);
    const beam = beamDecode(net, SOURCES, { beam: 4, maxLength: 6, lengthPenalty: 0 });
    beam.forEach((h, i) => {
      if (greedy[i]!.ended && h.ended) expect(h.logProb).toBeGreaterThanOrEqual(greedy[i]!.logProb - 1e-5);
    });
    expect(tf.memory().numTensors).toBeLessThan(200);
    net.encoder.dispose();
    net.decoder.dispose();
  });
});
