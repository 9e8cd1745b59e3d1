/**
 * A saved classifier loads back with identical predictions, and its model.json loads in plain
 * @tensorflow/tfjs (a child process that registers no wordloom layer) and gives the same
 * probabilities for a sentence on its own.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, trainClassifier, type Classifier } from '../../../src/seq/classify/index.js';
import { encodeTexts } from '../../../src/seq/classify/word-table.js';
import { averagedInputs, featureRows } from '../../../src/seq/classify/averaged.js';
import { useCpuBackend } from '../layers/harness.js';
import { predictWithPlainTfjs, type IntInput } from '../plain-tfjs.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

const texts = ['good film', 'the plot was awful', 'it was a fine nice film', 'dull'];

async function roundTrip(c: Classifier): Promise<{ dir: string; loaded: Classifier }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'wordloom-classifier-')), 'model');
  await c.save(dir);
  return { dir, loaded: await loadClassifier(dir) };
}

describe('saving and loading a classifier', () => {
  const vectors = randomVectors(SENTIMENT_VOCAB, 6, 7);

  it('identical predictions after loading; plain tfjs loads model.json and agrees (avg with n-grams; bidirectional GRU with max pooling; 2-layer LSTM with the last state)', async () => {
    const avg = await trainClassifier(sentimentTask(200, 1), vectors, { model: 'avg', wordNgrams: 2, buckets: 50, epochs: 4, valFraction: 0 });
    const saved = await roundTrip(avg);
    expect(readdirSync(saved.dir).sort()).toEqual(['classifier.json', 'features.bin', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(saved.loaded.probabilities(texts).probabilities).toEqual(avg.probabilities(texts).probabilities);
    expect(saved.loaded.config.averaged).toEqual({ words: avg.vocabulary.size, buckets: 50, wordNgrams: 2, dim: 6, classes: 2 });
    const means = averagedInputs(saved.loaded.table!, 6, featureRows(encodeTexts(texts.map((t) => saved.loaded.tokenize(t)), saved.loaded.vocabulary), saved.loaded.config.averaged!));
    const avgPlain = predictWithPlainTfjs({ avg: saved.dir }, [{ values: Array.from(means), shape: [texts.length, 6], dtype: 'float32' }])['avg']!;
    expect(avgPlain.classes).toEqual(['Dense']);
    const avgProbabilities = avg.probabilities(texts).probabilities;
    avgPlain.results[0]!.values.forEach((p, i) => expect(p).toBeCloseTo(avgProbabilities[i]!, 5));
    avg.dispose();
    saved.loaded.dispose();

    // Both recurrent models read the same task, so they share a vocabulary and the same id inputs.
    const dirs: Record<string, string> = {};
    const expected: Record<string, Float32Array> = {};
    let inputs: IntInput[] = [];
    for (const settings of [{ cell: 'gru', bidirectional: true, pooling: 'max' }, { cell: 'lstm', bidirectional: false, pooling: 'last', layers: 2 }] as const) {
      const c = await trainClassifier(sentimentTask(120, 2), vectors, { model: 'rnn', units: 6, epochs: 2, valFraction: 0, threads: 1, ...settings });
      const { dir, loaded } = await roundTrip(c);
      expect(loaded.probabilities(texts).probabilities).toEqual(c.probabilities(texts).probabilities);
      expect(loaded.predict(texts).map((p) => p.label)).toEqual(c.predict(texts).map((p) => p.label));
      inputs = texts.map((t) => {
        const e = encodeTexts([c.tokenize(t)], c.vocabulary);
        return { values: Array.from(e.ids), shape: [1, e.ids.length] };
      });
      dirs[settings.cell] = dir;
      expected[settings.cell] = c.probabilities(texts).probabilities;
      c.dispose();
      loaded.dispose();
    }
    const plain = predictWithPlainTfjs(dirs, inputs);
    for (const [name, result] of Object.entries(plain)) {
      expect(result.classes[result.classes.length - 1], name).toBe('Activation');
      result.results.flatMap((r) => r.values).forEach((p, i) => expect(p, `${name} ${i}`).toBeCloseTo(expected[name]![i]!, 5));
    }
  });

  it('refuses to replace a folder that is not a classifier, and to load one that is not', async () => {
    const c = await trainClassifier(sentimentTask(50, 2), vectors, { epochs: 1, valFraction: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'wordloom-classifier-'));
    await expect(c.save(dir)).resolves.toBeUndefined(); // an empty folder is fine
    await expect(c.save(join(dir, 'features.bin'))).rejects.toThrow(/not a folder/);
    await expect(loadClassifier(tmpdir())).rejects.toThrow(/is not a wordloom classifier/);
    c.dispose();
  });
});
