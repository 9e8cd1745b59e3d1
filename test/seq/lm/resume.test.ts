/**
 * Interrupt and resume: aborting saves a checkpoint and rejects with EINTERRUPTED; resuming from
 * it continues the same run, ending with exactly the weights of a run never interrupted (the
 * optimizer's slots, the carried states, the dropout generator, the learning-rate schedule and the
 * best weights all come back). A checkpoint of another text is refused.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainLanguageModel, type LanguageModel, type LanguageModelOptions } from '../../../src/seq/lm/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { cyclicText } from './fixtures.js';

beforeAll(useCpuBackend);

const dir = mkdtempSync(join(tmpdir(), 'wordloom-lm-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function weightsOf(lm: LanguageModel): Float32Array[] {
  return lm.model.getWeights().map((t) => t.dataSync() as Float32Array);
}

const text = cyclicText(21, { lines: 60, lineLength: 17 });

describe.each([
  ['adam', 'lstm', 0.25],
  ['rmsprop', 'gru', 0],
  ['sgd', 'lstm', 0],
] as const)('resume (%s, %s, dropout %s)', (optimizer, cell, dropout) => {
  const options: Partial<LanguageModelOptions> = { layers: 2, units: 12, embedding: 6, batch: 3, seqLen: 10, epochs: 3, lr: 0.01, optimizer, cell, dropout, lrDecay: 0.5, threads: 2 };

  it('an interrupted and resumed run ends with the weights of an uninterrupted one', async () => {
    const whole = await trainLanguageModel(text, options);
    const expected = weightsOf(whole);
    const history = whole.history;
    whole.dispose();

    const checkpoint = join(dir, `${optimizer}-${cell}.ckpt`);
    const controller = new AbortController();
    // Stop in the middle of the second epoch (a window boundary with carried states).
    const interrupted = trainLanguageModel(text, {
      ...options,
      checkpoint,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 40) controller.abort();
      },
    });
    await expect(interrupted).rejects.toMatchObject({ code: 'EINTERRUPTED', message: `training interrupted; checkpoint saved to ${checkpoint} (continue with --resume)` });
    expect(existsSync(checkpoint)).toBe(true);

    const logs: string[] = [];
    const resumed = await trainLanguageModel(text, { ...options, lr: 0.5, checkpoint, resume: true, onLog: (m) => logs.push(m) });
    expect(logs.some((m) => /^resuming from .*: epoch 2\/3, window 8\/33, step 40$/.test(m)), logs.join('\n')).toBe(true);
    expect(logs).toContain('resume keeps the checkpoint\'s settings; ignoring lr=0.5');
    const actual = weightsOf(resumed);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < actual.length; i++) expect(Array.from(actual[i]!), `weight ${i}`).toEqual(Array.from(expected[i]!));
    expect(resumed.history.map((h) => h.validation?.loss)).toEqual(history.map((h) => h.validation?.loss));
    expect(existsSync(checkpoint), 'the checkpoint is removed after success').toBe(false);
    resumed.dispose();
  });
});

describe('resume errors', () => {
  it('refuses a checkpoint of another text, and a missing checkpoint', async () => {
    const checkpoint = join(dir, 'other.ckpt');
    const controller = new AbortController();
    const options: Partial<LanguageModelOptions> = { layers: 1, units: 8, embedding: 4, batch: 2, seqLen: 8, epochs: 2, threads: 1, checkpoint };
    await expect(
      trainLanguageModel(text, { ...options, signal: controller.signal, onProgress: (p) => p.step === 3 && controller.abort() }),
    ).rejects.toMatchObject({ code: 'EINTERRUPTED' });
    await expect(trainLanguageModel(`${text}abcabc\n`, { ...options, resume: true })).rejects.toThrow(
      `the text differs from the text the checkpoint ${checkpoint} was trained on (${Math.floor((text.length + 7) * 0.9)} + ${text.length + 7 - Math.floor((text.length + 7) * 0.9)} tokens now, ${Math.floor(text.length * 0.9)} + ${text.length - Math.floor(text.length * 0.9)} then)`,
    );
    await expect(trainLanguageModel(text, { ...options, checkpoint: join(dir, 'none.ckpt'), resume: true })).rejects.toThrow(`no checkpoint at ${join(dir, 'none.ckpt')} (nothing to resume)`);
    await expect(trainLanguageModel(text, { resume: true })).rejects.toThrow('option --resume needs a checkpoint path (library option checkpoint)');
  });

  it('an abort before training starts saves nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(trainLanguageModel(text, { signal: controller.signal })).rejects.toThrow('training interrupted before it started (nothing to save)');
  });
});
