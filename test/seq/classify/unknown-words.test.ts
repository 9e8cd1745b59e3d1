/** Words the vectors do not have: skipped and counted, looked up lowercased, never an error. */
import { beforeAll, describe, expect, it } from 'vitest';
import { trainClassifier } from '../../../src/seq/classify/index.js';
import { buildWordTable, encodeTexts } from '../../../src/seq/classify/word-table.js';
import { useCpuBackend } from '../layers/harness.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

describe('unknown words', () => {
  it('the word table keeps the vectors\' first words and the training words they know, exactly or lowercased', () => {
    const vectors = randomVectors(['the', 'good', 'bad', 'film', 'rare'], 4, 1);
    const table = buildWordTable(vectors, [['The', 'good', 'zork', 'film'], ['GOOD', 'qux']], [], 2);
    expect(table.vocabulary.wordList().slice(4)).toEqual(['the', 'good', 'film']);
    expect(Array.from(table.vectors.subarray(4 * 4, 5 * 4))).toEqual(Array.from(vectors.get('the')!));
    expect(Array.from(table.vectors.subarray(0, 16)).every((v) => v === 0)).toBe(true);
    const encoded = encodeTexts([['The', 'zork', 'film'], ['qux'], ['GOOD', 'rare']], table.vocabulary);
    expect(encoded.tokens).toBe(6);
    expect(encoded.unknown).toBe(3); // zork, qux, and rare (beyond --max-vectors and not in training)
    expect(Array.from(encoded.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(encoded.ids)).toEqual([4, 6, 5]);
  });

  it('vectors with subwords give unseen training words a vector', () => {
    const vectors = Object.assign(randomVectors(['a'], 3, 1), { subwordVector: (w: string) => (w === 'ab' ? Float32Array.of(1, 2, 3) : null) });
    const table = buildWordTable(vectors, [['ab', 'cd']], [], 0);
    expect(table.vocabulary.wordList().slice(4)).toEqual(['a', 'ab']);
    expect(Array.from(table.vectors.subarray(5 * 3, 6 * 3))).toEqual([1, 2, 3]);
  });

  it('predictions skip and count unknown words; a text of unknown words gets the prior, not an error', async () => {
    const vectors = randomVectors(SENTIMENT_VOCAB, 8, 5);
    for (const model of ['avg', 'rnn'] as const) {
      const c = await trainClassifier(sentimentTask(200, 3), vectors, { model, units: 8, epochs: 6, lr: model === 'avg' ? 0.1 : 0.02, valFraction: 0, threads: 1 });
      const [p1, p2, p3] = c.predict(['GREAT film zorblax', 'zorblax quux', 'awful']);
      expect([p1!.tokens, p1!.unknown], model).toEqual([3, 1]);
      expect(p1!.label, model).toBe('pos');
      expect([p2!.tokens, p2!.unknown]).toEqual([2, 2]);
      expect(p2!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(Number.isFinite(p2!.probabilities[0]!)).toBe(true);
      expect(p3!.label, model).toBe('neg');
      expect(c.config.training!.unknownTokens).toBe(0);
      // avg learns rows and reads <UNK> by default, rnn skips: evaluation reports say which.
      expect(c.unknownHandling, model).toBe(model === 'avg' ? 'read as <UNK>' : 'skipped');
      c.dispose();
    }
  });
});
