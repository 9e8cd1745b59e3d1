/** `lm train --autotune`: the shared random search over a language model, scored by validation loss. */
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLanguageModel } from '../../../src/seq/lm/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { cyclicText } from './fixtures.js';

beforeAll(useCpuBackend);

describe('language-model autotune', () => {
  it('runs trials within the budget, keeps the one with the lowest validation loss and records them in lm.json', async () => {
    const trials: number[] = [];
    const lm = await trainLanguageModel(cyclicText(5, { lines: 60 }), {
      layers: 1, units: 8, embedding: 8, batch: 4, seqLen: 16, epochs: 2, threads: 1, autotune: true, budget: 15, checkpoint: '/nonexistent/never-written.ckpt',
      onTrial: (t) => trials.push(t.index),
    });
    const record = lm.config.autotune!;
    expect(record.trials.map((t) => t.index)).toEqual(trials);
    expect(record.trials[0]!.params).toEqual({ lr: 2e-3, dropout: 0, units: 8, epochs: 2 });
    const finished = record.trials.filter((t) => t.status === 'ok');
    const best = Math.max(...finished.map((t) => t.score!));
    expect(-lm.config.validation!.loss).toBe(best);
    expect(lm.config.architecture.units).toBe(record.best['units']);
    expect(lm.config.training!.settings.lr).toBe(record.best['lr']);
    lm.dispose();
  });

  it('needs validation text and cannot resume', async () => {
    await expect(trainLanguageModel(cyclicText(3), { autotune: true, valFraction: 0 })).rejects.toThrow(/--autotune needs validation text/);
    await expect(trainLanguageModel(cyclicText(3), { autotune: true, resume: true, checkpoint: 'x.ckpt' })).rejects.toThrow(/--autotune cannot --resume/);
  });
});
