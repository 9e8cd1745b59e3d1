/**
 * Units per layer (`--units 12,8`): the list is checked against --layers with one line naming
 * both, a list of equal sizes is one number (so models and checkpoints that recorded a single
 * number, as every one before per-layer sizes did, read the same), a 2-layer 12,8 model trains,
 * saves in the plain tfjs format, loads, resumes to the weights of an uninterrupted run, and
 * ties its output to the embedding when the top layer matches it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLanguageModel, resolveLanguageModelOptions, trainLanguageModel, type LanguageModel, type LanguageModelOptions } from '../../../src/seq/lm/index.js';
import { scaledUnits } from '../../../src/seq/lm/autotune.js';
import { predictWithPlainTfjs } from '../plain-tfjs.js';
import { assertClose, useCpuBackend } from '../layers/harness.js';
import { cyclicText, wordText } from './fixtures.js';
import { predict } from './predict.js';

beforeAll(useCpuBackend);

const dir = mkdtempSync(join(tmpdir(), 'wordloom-lm-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weightsOf = (lm: LanguageModel): number[][] => lm.model.getWeights().map((t) => Array.from(t.dataSync()));

describe('units per layer: options', () => {
  it('takes one size or one per layer; a list of equal sizes is one number', () => {
    expect(resolveLanguageModelOptions({ layers: 2, units: [12, 8] }).units).toEqual([12, 8]);
    expect(resolveLanguageModelOptions({ layers: 2, units: [8, 8] }).units).toBe(8);
    expect(resolveLanguageModelOptions({ layers: 1, units: [16] }).units).toBe(16);
    expect(resolveLanguageModelOptions({ layers: 3, units: 32 }).units).toBe(32);
  });

  it.each([
    [{ layers: 2, units: [12, 8, 4] }, 'option --units lists 3 sizes (12,8,4) but --layers is 2: give one size for every layer or one per layer'],
    [{ units: [12] }, 'option --units lists 1 size (12) but --layers is 2: give one size for every layer or one per layer'],
    [{ units: [12, 0] }, 'option --units must be an integer between 1 and 8192, got 0 (in 12,0)'],
    [{ units: [] }, 'option --units must be N or N,N,..., got an empty list'],
    [{ level: 'word', embedding: 12, tieWeights: true, units: [12, 8] }, "option --tie-weights needs --embedding equal to the top layer's --units (the output layer reuses the embedding table), got --embedding 12 and --units 12,8"],
  ])('%j is refused: %s', (partial, message) => {
    expect(() => resolveLanguageModelOptions(partial as Partial<LanguageModelOptions>)).toThrow(message);
  });

  it('autotune scales a list in its proportions', () => {
    expect(scaledUnits([512, 256], 128)).toEqual([128, 64]);
    expect(scaledUnits([64, 64], 100)).toBe(100);
    expect(scaledUnits(256, 100)).toBe(100);
  });
});

describe('a 2-layer 12,8 model', () => {
  const text = cyclicText(41, { lines: 60, lineLength: 17 });
  const options: Partial<LanguageModelOptions> = { layers: 2, units: [12, 8], embedding: 6, batch: 3, seqLen: 10, epochs: 2, lr: 0.01, dropout: 0.1, threads: 1 };

  it('trains, saves, loads with plain tf.loadLayersModel and with loadLanguageModel', async () => {
    const lm = await trainLanguageModel(text, options);
    const shapes = lm.model.weights.map((w) => w.shape);
    // embedding, LSTM 1 (6 -> 12), LSTM 2 (12 -> 8), Dense (8 -> vocabulary)
    expect(shapes.slice(0, 7)).toEqual([[lm.vocabulary.size, 6], [6, 48], [12, 48], [48], [12, 32], [8, 32], [32]]);
    expect(shapes[7]).toEqual([8, lm.vocabulary.size]);
    expect(lm.history[1]!.trainLoss).toBeLessThan(lm.history[0]!.trainLoss);
    const folder = join(dir, 'tapered');
    await lm.save(folder);
    const config = JSON.parse(readFileSync(join(folder, 'lm.json'), 'utf8'));
    expect(config.architecture).toMatchObject({ layers: 2, units: [12, 8] });
    expect(config.training.settings.units).toEqual([12, 8]);

    const input = { shape: [2, 5], values: [4, 5, 6, 7, 3, 3, 7, 6, 5, 4] };
    const plain = predictWithPlainTfjs({ tapered: folder }, [input]);
    expect(plain['tapered']!.classes).toEqual(['Embedding', 'LSTM', 'LSTM', 'Dense']);
    const loaded = await loadLanguageModel(folder);
    assertClose(plain['tapered']!.results[0]!.values, predict(lm, input), 'plain tfjs vs the trained model', 1e-5);
    assertClose(predict(loaded, input), predict(lm, input), 'loadLanguageModel vs the trained model', 1e-6);
    expect(loaded.config.architecture.units).toEqual([12, 8]);
    loaded.dispose();
    lm.dispose();
  });

  it('an interrupted and resumed run ends with the weights of an uninterrupted one', async () => {
    const whole = await trainLanguageModel(text, options);
    const expected = weightsOf(whole);
    whole.dispose();
    const checkpoint = join(dir, 'tapered.ckpt');
    const controller = new AbortController();
    const interrupted = trainLanguageModel(text, { ...options, checkpoint, signal: controller.signal, onProgress: (p) => p.step === 25 && controller.abort() });
    await expect(interrupted).rejects.toMatchObject({ code: 'EINTERRUPTED' });
    const logs: string[] = [];
    // the list given again is the recorded one: nothing to ignore; another size is named and ignored
    const resumed = await trainLanguageModel(text, { ...options, units: [12, 8], checkpoint, resume: true, onLog: (m) => logs.push(m) });
    expect(logs.filter((m) => m.startsWith('resume keeps'))).toEqual([]);
    expect(weightsOf(resumed)).toEqual(expected);
    expect(existsSync(checkpoint)).toBe(false);
    resumed.dispose();
  });

  it('a checkpoint that recorded one number resumes, and a different list given is ignored by name', async () => {
    const uniform = { ...options, units: 8 };
    const whole = await trainLanguageModel(text, uniform);
    const expected = weightsOf(whole);
    whole.dispose();
    const checkpoint = join(dir, 'uniform.ckpt');
    const controller = new AbortController();
    await expect(trainLanguageModel(text, { ...uniform, checkpoint, signal: controller.signal, onProgress: (p) => p.step === 25 && controller.abort() })).rejects.toMatchObject({ code: 'EINTERRUPTED' });
    const logs: string[] = [];
    const resumed = await trainLanguageModel(text, { ...options, units: [8, 8], checkpoint, resume: true, onLog: (m) => logs.push(m) });
    expect(logs.filter((m) => m.startsWith('resume keeps'))).toEqual([]); // 8,8 is 8
    expect(weightsOf(resumed)).toEqual(expected);
    resumed.dispose();
  });

  it('a model folder whose lm.json records one number (as every older one does) loads', async () => {
    const lm = await trainLanguageModel(text, { ...options, units: [8, 8], epochs: 1 });
    const folder = join(dir, 'single');
    await lm.save(folder);
    expect(JSON.parse(readFileSync(join(folder, 'lm.json'), 'utf8')).architecture.units).toBe(8);
    const loaded = await loadLanguageModel(folder);
    expect(loaded.config.architecture.units).toBe(8);
    expect(loaded.model.weights.map((w) => w.shape)).toEqual(lm.model.weights.map((w) => w.shape));
    loaded.dispose();
    lm.dispose();
  });

  it('ties a word model whose top layer matches the embedding', async () => {
    const lm = await trainLanguageModel(wordText(42, 120), { level: 'word', cell: 'gru', layers: 2, units: [12, 8], embedding: 8, tieWeights: true, batch: 4, seqLen: 8, epochs: 1, threads: 1 });
    const table = lm.model.layers[0]!.getWeights()[0]!.arraySync() as number[][];
    const kernel = lm.model.layers[lm.model.layers.length - 1]!.getWeights()[0]!.arraySync() as number[][];
    expect(kernel[0]![1]).toBeCloseTo(table[1]![0]!, 6); // the Dense kernel is the table's transpose
    lm.dispose();
  });
});
