/**
 * The recurrent trainer trains only the word-table rows the training texts read (a compact table):
 * rows of vectors no training text has must come out exactly as they went in, and their presence
 * must not change what the model learns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { trainClassifier } from '../../../src/seq/classify/index.js';
import { VectorSet } from '../../../src/vectors/vector-set.js';
import { useCpuBackend } from '../layers/harness.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

describe('the rows training reads', () => {
  it('vectors of words no training text has stay as they were and change nothing else', async () => {
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
