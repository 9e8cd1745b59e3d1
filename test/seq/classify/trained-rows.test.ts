/**
 * The recurrent trainer's word table, on the cpu and wasm backends: only the rows the training
 * texts read train (a compact table), so rows of vectors no training text has come out exactly as
 * they went in and their presence changes nothing; the pretrained rows learn at
 * --embedding-lr-scale x the rate, <UNK> and the learned words at the full rate.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { trainClassifier } from '../../../src/seq/classify/index.js';
import { VectorSet } from '../../../src/vectors/vector-set.js';
import { useEngineAcrossBackends } from '../engine-session.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

useEngineAcrossBackends();
const BACKENDS = ['cpu', 'wasm'] as const;

describe('the rows training reads', () => {
  it.each(BACKENDS)('%s: vectors of words no training text has stay as they were and change nothing else', async (backend) => {
    await tf.setBackend(backend);
    const dim = 6;
    const known = randomVectors(SENTIMENT_VOCAB, dim, 3);
    const extra = randomVectors(Array.from({ length: 300 }, (_, i) => `x${i}`), dim, 4);
    // The extra words first, so every training word has another id in the bigger table.
    const padded = new VectorSet([...extra.words, ...known.words], Float32Array.from([...extra.vectors, ...known.vectors]), dim);
    const train = sentimentTask(120, 6);
    const options = { model: 'rnn', units: 6, bidirectional: true, pooling: 'max', epochs: 3, batch: 16, lr: 0.02, embeddingLrScale: 0.5, valFraction: 0.2, threads: 1, seed: 2, unknown: 'skip' } as const;
    const small = await trainClassifier(train, known, options);
    const big = await trainClassifier(train, padded, options);
    const texts = ['a good film', 'the plot was dull', 'it was great', 'nice'];
    const expected = small.probabilities(texts).probabilities;
    const actual = big.probabilities(texts).probabilities;
    actual.forEach((p, i) => expect(p, `probability ${i}`).toBeCloseTo(expected[i]!, 5));
    expect(big.history.map((h) => h.valAccuracy)).toEqual(small.history.map((h) => h.valAccuracy));
    const table = big.model.getLayer('embedding').getWeights()[0]!.dataSync() as Float32Array;
    const row = (w: string): number[] => Array.from(table.subarray(big.vocabulary.id(w) * dim, (big.vocabulary.id(w) + 1) * dim));
    for (const w of ['x0', 'x7', 'x299']) expect(row(w), w).toEqual(Array.from(extra.get(w)!));
    expect(row('good')).not.toEqual(Array.from(known.get('good')!)); // the trained rows did train
    small.dispose();
    big.dispose();
  });
});

describe('the word vectors\' learning rates', () => {
  // 'nice' and 'poor' have no vector: --unknown learn gives them rows of their own.
  const vectors = randomVectors(SENTIMENT_VOCAB.filter((w) => w !== 'nice' && w !== 'poor'), 6, 11);
  const train = sentimentTask(160, 21);
  // One step (one batch of the whole set), so both runs see the same gradients and Adam's first moments.
  const oneStep = async (embeddingLrScale: number): Promise<{ rows: Map<string, Float32Array>; original: Map<string, Float32Array> }> => {
    const c = await trainClassifier(train, vectors, {
      model: 'rnn', units: 6, epochs: 1, batch: 1000, lr: 0.05, valFraction: 0, threads: 1, seed: 5, unknown: 'learn', minCount: 1, embeddingLrScale,
    });
    const table = c.model.getLayer('embedding').getWeights()[0]!.dataSync() as Float32Array;
    const dim = 6;
    const rows = new Map(['good', 'film', 'nice', 'poor', '<UNK>'].map((w) => [w, table.slice(c.vocabulary.id(w) * dim, (c.vocabulary.id(w) + 1) * dim)]));
    c.dispose();
    return { rows, original: new Map(['good', 'film'].map((w) => [w, vectors.get(w)!])) };
  };

  it.each(BACKENDS)('%s: --embedding-lr-scale slows the pretrained rows only; <UNK> and the learned words train at --lr', async (backend) => {
    await tf.setBackend(backend);
    const full = await oneStep(1);
    const frozen = await oneStep(0);
    const slow = await oneStep(0.25);
    for (const w of ['good', 'film']) {
      expect(Array.from(frozen.rows.get(w)!), w).toEqual(Array.from(frozen.original.get(w)!));
      const fullChange = full.rows.get(w)!.map((v, i) => v - full.original.get(w)![i]!);
      const slowChange = slow.rows.get(w)!.map((v, i) => v - slow.original.get(w)![i]!);
      expect(fullChange.some((d) => Math.abs(d) > 1e-3), w).toBe(true);
      slowChange.forEach((d, i) => expect(d, `${w}[${i}]`).toBeCloseTo(0.25 * fullChange[i]!, 6));
    }
    for (const w of ['nice', 'poor', '<UNK>']) {
      expect(Array.from(frozen.rows.get(w)!), w).toEqual(Array.from(full.rows.get(w)!));
      expect(Array.from(slow.rows.get(w)!), w).toEqual(Array.from(full.rows.get(w)!));
    }
  });
});
