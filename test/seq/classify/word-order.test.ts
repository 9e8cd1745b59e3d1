/**
 * The two models on a task whose label depends only on word order: the averaged model sees the
 * same bag of words for both labels and stays near chance; the recurrent model reads the order and
 * solves it. And both solve a bag-of-words task.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateClassifier, trainClassifier } from '../../../src/seq/classify/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { ORDER_WORDS, orderTask, randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

const vectors = randomVectors(ORDER_WORDS, 8, 3);
const train = orderTask(400, 1);
const test = orderTask(200, 2);

describe('a label that depends on word order', () => {
  it('the averaged model cannot learn it', async () => {
    const model = await trainClassifier(train, vectors, { model: 'avg', epochs: 20, patience: 0, valFraction: 0 });
    const r = await evaluateClassifier(model, test);
    expect(r.accuracy).toBeLessThan(0.65);
    model.dispose();
  });

  it('the recurrent model learns it', async () => {
    const model = await trainClassifier(train, vectors, { model: 'rnn', units: 16, epochs: 4, lr: 0.03, batch: 32, valFraction: 0, threads: 1, seed: 2 });
    const r = await evaluateClassifier(model, test);
    expect(r.accuracy, JSON.stringify(model.history.map((h) => h.trainLoss))).toBeGreaterThan(0.95);
    model.dispose();
  });
});

describe('a bag-of-words task', () => {
  it('both models learn it, with validation, early stopping and string labels', async () => {
    const vectors = randomVectors(SENTIMENT_VOCAB, 8, 5);
    for (const model of ['avg', 'rnn'] as const) {
      const c = await trainClassifier(sentimentTask(300, 3), vectors, { model, units: 8, epochs: 15, lr: model === 'avg' ? 0.1 : 0.02, threads: 1, valFraction: 0.2 });
      expect(c.labels).toEqual(['neg', 'pos']);
      const r = await evaluateClassifier(c, sentimentTask(100, 4));
      expect(r.accuracy, model).toBeGreaterThan(0.95);
      expect(c.config.validation!.examples).toBe(60);
      expect(c.config.training!.bestEpoch).toBeGreaterThan(0);
      c.dispose();
    }
  });
});
