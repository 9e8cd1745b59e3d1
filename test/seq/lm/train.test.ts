/**
 * Training: a tiny model learns a deterministic sequence to near-zero loss; the epoch reports and
 * progress figures are consistent; no tensor leaks over an epoch; divergence stops with a message
 * naming --lr; bad text gives one clear line.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLanguageModel } from '../../../src/seq/lm/index.js';
import type { EpochReport, LanguageModelProgress } from '../../../src/seq/lm/index.js';
import { WordloomError } from '../../../src/errors.js';
import { useCpuBackend } from '../layers/harness.js';
import { cyclicText, wordText } from './fixtures.js';

beforeAll(useCpuBackend);

const tiny = { layers: 1, units: 24, embedding: 8, batch: 4, seqLen: 16, threads: 2 } as const;

describe('trainLanguageModel', () => {
  it('a tiny LSTM learns a deterministic sequence to near-zero validation loss', async () => {
    const reports: EpochReport[] = [];
    const lm = await trainLanguageModel(cyclicText(5), { ...tiny, epochs: 12, lr: 0.02, onEpoch: (r) => reports.push(r) });
    const last = reports[reports.length - 1]!;
    expect(lm.config.validation!.loss, JSON.stringify(reports.map((r) => [r.trainLoss, r.validation?.loss]))).toBeLessThan(0.05);
    expect(lm.config.validation!.bitsPerChar).toBeCloseTo(lm.config.validation!.loss / Math.LN2, 12);
    expect(lm.config.validation!.perplexity).toBeCloseTo(Math.exp(lm.config.validation!.loss), 12);
    expect(reports[0]!.trainLoss).toBeGreaterThan(last.trainLoss);
    expect(lm.history).toEqual(reports);
    expect(lm.config.training!.stopped === 'epochs' || lm.config.training!.stopped === 'early-stop').toBe(true);
    lm.dispose();
  });

  it('GRU and SimpleRNN cells and a word-level model with tied weights train too', async () => {
    for (const cell of ['gru', 'rnn'] as const) {
      const lm = await trainLanguageModel(cyclicText(6), { ...tiny, cell, epochs: 3, lr: 0.02 });
      expect(lm.history[2]!.trainLoss).toBeLessThan(lm.history[0]!.trainLoss);
      expect(lm.model.layers.map((l) => l.getClassName())).toEqual(['Embedding', cell === 'gru' ? 'GRU' : 'SimpleRNN', 'Dense']);
      lm.dispose();
    }
    const lm = await trainLanguageModel(wordText(3, 200), { ...tiny, level: 'word', embedding: 24, tieWeights: true, epochs: 3, lr: 0.01, dropout: 0.2 });
    expect(lm.vocabulary.size).toBe(14);
    expect(lm.config.validation!.bitsPerChar).toBeNull();
    expect(lm.history[2]!.trainLoss).toBeLessThan(lm.history[0]!.trainLoss);
    // The saved Dense kernel is the embedding table transposed.
    const table = lm.model.layers[0]!.getWeights()[0]!;
    const kernel = lm.model.layers[2]!.getWeights()[0]!;
    expect(Array.from(kernel.dataSync())).toEqual(Array.from(tf.tidy(() => tf.transpose(table).dataSync())));
    lm.dispose();
  });

  it('reports progress every step with consistent counts', async () => {
    const progress: LanguageModelProgress[] = [];
    const text = cyclicText(7, { lines: 40 });
    const lm = await trainLanguageModel(text, { ...tiny, epochs: 2, onProgress: (p) => progress.push(p) });
    // 40 lines x 13 tokens = 520 ids; 90% train = 468 -> 4 streams of 116 -> 8 windows of 16 (the last of 4).
    expect(progress.length).toBe(16);
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(progress[15]!.totalSteps).toBe(16);
    expect(progress[15]!.tokensDone).toBe(2 * 4 * 116);
    expect(progress[15]!.fraction).toBe(1);
    expect(progress[7]!.epoch).toBe(1);
    expect(progress[8]!.epoch).toBe(2);
    expect(lm.config.training!.trainTokens).toBe(468);
    expect(lm.config.training!.valTokens).toBe(52);
    lm.dispose();
  });

  it('maxSteps stops the run and still validates', async () => {
    const lm = await trainLanguageModel(cyclicText(7), { ...tiny, epochs: 50, maxSteps: 5 });
    expect(lm.config.training!.steps).toBe(5);
    expect(lm.config.training!.stopped).toBe('max-steps');
    expect(lm.config.validation).not.toBeNull();
    lm.dispose();
  });

  it('leaves tf.memory().numTensors flat across an epoch', async () => {
    const counts: number[] = [];
    let before = 0;
    const lm = await trainLanguageModel(cyclicText(8, { lines: 60 }), {
      ...tiny,
      layers: 2,
      dropout: 0.3,
      epochs: 2,
      onProgress: () => counts.push(tf.memory().numTensors),
      onEpoch: (r) => {
        if (r.epoch === 1) before = tf.memory().numTensors;
      },
    });
    const perEpoch = counts.length / 2;
    // From the second step on (the optimizer's slots exist), every step leaves the same count.
    expect(new Set(counts.slice(1, perEpoch)).size).toBe(1);
    expect(new Set(counts.slice(perEpoch)).size).toBe(1);
    expect(counts[perEpoch]).toBe(counts[perEpoch - 1]);
    expect(before).toBeGreaterThan(0);
    lm.dispose();
  });

  it('stops with EDIVERGED naming --lr when the loss explodes', async () => {
    const run = trainLanguageModel(cyclicText(9), { ...tiny, cell: 'rnn', optimizer: 'sgd', lr: 100, clip: 0, epochs: 3 });
    await expect(run).rejects.toThrow(WordloomError);
    await expect(run).rejects.toMatchObject({ code: 'EDIVERGED' });
    await expect(run).rejects.toThrow(
      /^training diverged at epoch 1, step \d+: (the (loss|gradient norm) became (NaN|Infinity)|the loss averaged [\d.e+]+ nats per token over the last 10 steps \(an untrained model has 2\.08\)); lower --lr \(currently 100\) or set --clip$/,
    );
  });

  it('bad text gives one clear line', async () => {
    await expect(trainLanguageModel('')).rejects.toThrow(/^the text is empty: no characters to learn from$/);
    await expect(trainLanguageModel('  \n \n')).rejects.toMatchObject({ code: 'EEMPTY' });
    await expect(trainLanguageModel('hello world\n', { valFraction: 0 })).rejects.toThrow(
      'the text has 12 training tokens; --batch 32 x --seq-len 64 needs at least 2049: give a longer text or lower --batch or --seq-len (a string is the text itself; pass an array of paths to read files)',
    );
    await expect(trainLanguageModel(cyclicText(1, { lines: 10 }), { batch: 8, seqLen: 32 })).rejects.toThrow(
      /^the text has 117 training tokens after holding out 13 for validation \(--val 0\.1\); --batch 8 x --seq-len 32 needs at least 257: give a longer text or lower --batch or --seq-len/,
    );
    await expect(trainLanguageModel(['/nonexistent/corpus.txt'])).rejects.toThrow('/nonexistent/corpus.txt: no such file or directory');
  });
});
