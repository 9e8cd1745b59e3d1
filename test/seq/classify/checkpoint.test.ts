/**
 * The recurrent classifier's checkpoints: an interrupted and resumed run ends with the weights and
 * history of a run never interrupted (with every schedule feature on: learned words, a frozen
 * warm-up, a slower embedding rate, dropout on the vectors and on whole words, learning-rate decay); a resumed run
 * refuses other data; a diverging run names the option to lower.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainClassifier, type ClassifierOptions } from '../../../src/seq/classify/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

// 'nice' and 'poor' have no vector: --unknown learn gives them rows of their own.
const vectors = randomVectors(SENTIMENT_VOCAB.filter((w) => w !== 'nice' && w !== 'poor'), 6, 11);
const train = sentimentTask(160, 21);
const texts = ['a nice film', 'the plot was poor', 'good', 'it was dull'];

const SETTINGS: Partial<ClassifierOptions> = {
  model: 'rnn', units: 6, bidirectional: true, pooling: 'max-mean', epochs: 4, batch: 16, lr: 0.02, threads: 1, seed: 3,
  unknown: 'learn', minCount: 1, freezeEpochs: 1, embeddingLrScale: 0.5, embeddingDropout: 0.1, wordDropout: 0.1, dropout: 0.2, lrDecay: 0.5, patience: 0,
};

describe('classifier checkpoints', () => {
  it('resuming an interrupted run gives the weights and history of an uninterrupted one', async () => {
    const whole = await trainClassifier(train, vectors, { ...SETTINGS, valFraction: 0.25 });
    const expected = whole.probabilities(texts).probabilities;
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'wordloom-classify-ckpt-')), 'run.ckpt');
    const controller = new AbortController();
    let steps = 0;
    const interrupted = trainClassifier(train, vectors, {
      ...SETTINGS, valFraction: 0.25, checkpoint, signal: controller.signal,
      onProgress: () => {
        if (++steps === 11) controller.abort(); // in the second epoch (8 batches of 16 an epoch), after the warm-up
      },
    });
    await expect(interrupted).rejects.toThrow(`training interrupted; checkpoint saved to ${checkpoint} (continue with --resume)`);
    expect(existsSync(checkpoint)).toBe(true);
    const logs: string[] = [];
    const resumed = await trainClassifier(train, vectors, { checkpoint, resume: true, valFraction: 0.25, threads: 1, onLog: (m) => logs.push(m) });
    expect(logs.some((m) => m.startsWith(`resuming from ${checkpoint}: epoch 2/4`))).toBe(true);
    expect(resumed.probabilities(texts).probabilities).toEqual(expected);
    expect(resumed.history.map((h) => [h.trainLoss, h.valAccuracy, h.learningRate])).toEqual(whole.history.map((h) => [h.trainLoss, h.valAccuracy, h.learningRate]));
    expect(resumed.config.training!.settings).toEqual(whole.config.training!.settings);
    expect(existsSync(checkpoint)).toBe(false); // removed after success
    whole.dispose();
    resumed.dispose();
  });

  it('a resumed run refuses other data, naming what differs', async () => {
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'wordloom-classify-ckpt-')), 'run.ckpt');
    const controller = new AbortController();
    await expect(
      trainClassifier(train, vectors, { ...SETTINGS, valFraction: 0, checkpoint, signal: controller.signal, onProgress: () => controller.abort() }),
    ).rejects.toThrow(/interrupted/);
    await expect(trainClassifier(sentimentTask(100, 5), vectors, { checkpoint, resume: true, valFraction: 0, threads: 1 })).rejects.toThrow(
      /the data differs from what the checkpoint .* was trained on \(.*trainExamples 100 now, 160 then/,
    );
  });

  it('a diverging run stops with the option to lower', async () => {
    await expect(trainClassifier(train, vectors, { model: 'rnn', units: 6, epochs: 3, lr: 50, clip: 0, valFraction: 0, threads: 1 })).rejects.toThrow(
      /training diverged at epoch \d+, step \d+: .*; lower --lr \(currently 50\) or set --clip/,
    );
  });
});

describe('words without a vector', () => {
  it('--unknown learn gives training words without a vector trained rows; skip leaves the model blind to them', async () => {
    // Only the sentiment words have no vector: skipped, the texts carry nothing.
    const neutral = randomVectors(['film', 'the', 'a', 'plot', 'was', 'it'], 6, 4);
    const task = sentimentTask(300, 8);
    const probe = sentimentTask(100, 9);
    const accuracy = async (unknown: ClassifierOptions['unknown']): Promise<number> => {
      const c = await trainClassifier(task, neutral, { model: 'rnn', units: 8, epochs: 6, lr: 0.02, valFraction: 0, threads: 1, unknown, minCount: 1, pooling: 'max' });
      const p = c.predict(probe.examples.map((e) => e.text));
      c.dispose();
      return p.filter((x, i) => x.label === probe.examples[i]!.label).length / p.length;
    };
    expect(await accuracy('learn')).toBeGreaterThan(0.95);
    expect(await accuracy('skip')).toBeLessThan(0.7);
  });
});
