/**
 * --autotune on a generated task where the learning rate matters: the vectors are scaled up so
 * that large rates diverge, and with 2 epochs small ones learn too little. The search records its
 * trials (the first one the defaults), keeps the best one's model, and saves the record with it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateClassifier, trainClassifier } from '../../../src/seq/classify/index.js';
import { VectorSet } from '../../../src/vectors/vector-set.js';
import { useCpuBackend } from '../layers/harness.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

describe('classifier autotune', () => {
  it('searches, records every trial and keeps the best model', async () => {
    const base = randomVectors(SENTIMENT_VOCAB, 8, 5);
    const vectors = new VectorSet(base.words, base.vectors.map((v) => v * 20), 8);
    const model = await trainClassifier(sentimentTask(300, 3), vectors, { autotune: true, budget: 3, lr: 1, epochs: 2, valFraction: 0.3, seed: 4 });
    const record = model.config.autotune!;
    expect(record.trials.length).toBeGreaterThan(1);
    // The defaults first: lr 1 on vectors of norm ~30 diverges.
    expect(record.trials[0]!.params['lr']).toBe(1);
    expect(record.trials[0]!.status).toBe('diverged');
    const best = record.trials.find((t) => t.best && t.params['lr'] === record.best['lr'])!;
    expect(best.status).toBe('ok');
    expect(Math.max(...record.trials.map((t) => t.score ?? 0))).toBe(best.score);
    expect(model.config.validation!.accuracy).toBe(best.score);
    expect(model.config.training!.settings.lr).toBe(record.best['lr']);
    expect((await evaluateClassifier(model, sentimentTask(100, 9))).accuracy).toBeGreaterThan(0.6);
    model.dispose();
  });

  it('needs validation data', async () => {
    await expect(trainClassifier(sentimentTask(20, 1), randomVectors(SENTIMENT_VOCAB, 4, 1), { autotune: true, valFraction: 0 })).rejects.toThrow(
      'option --autotune needs validation data: give --val-file or a --val share above 0',
    );
  });
});
