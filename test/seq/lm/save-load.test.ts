/**
 * Saved language models: a folder with model.json + weights.bin in the plain tfjs layers format
 * (a separate Node process importing only @tensorflow/tfjs loads it and predicts the same logits,
 * on any batch and length), vocab.tsv and lm.json; written atomically; loadLanguageModel() gives
 * the same model back and refuses folders that are not models with one clear line.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLanguageModel, runLanguageModel, disposeStates, trainLanguageModel, type LanguageModel } from '../../../src/seq/lm/index.js';
import { assertClose, useCpuBackend } from '../layers/harness.js';
import { cyclicText, wordText } from './fixtures.js';
import { predictWithPlainTfjs } from '../plain-tfjs.js';

const dir = mkdtempSync(join(tmpdir(), 'wordloom-lm-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INPUTS = [
  { shape: [2, 7], values: [4, 5, 6, 7, 3, 4, 5, 6, 6, 5, 4, 3, 7, 7] },
  { shape: [1, 3], values: [5, 3, 4] },
];

function predict(lm: LanguageModel, x: { shape: number[]; values: number[] }): Float32Array {
  return tf.tidy(() => (lm.model.predict(tf.tensor2d(x.values, x.shape as [number, number], 'int32')) as tf.Tensor).dataSync() as Float32Array);
}

describe('saving and loading a language model', () => {
  let char: LanguageModel;
  let tied: LanguageModel;

  beforeAll(async () => {
    await useCpuBackend();
    char = await trainLanguageModel(cyclicText(31, { lines: 80 }), { layers: 2, units: 10, embedding: 5, batch: 4, seqLen: 8, epochs: 1, threads: 2 });
    tied = await trainLanguageModel(wordText(32, 120), { level: 'word', cell: 'gru', layers: 1, units: 8, embedding: 8, tieWeights: true, batch: 4, seqLen: 8, epochs: 1, threads: 2 });
    await char.save(join(dir, 'char'));
    await tied.save(join(dir, 'tied'));
  });
  afterAll(() => {
    char?.dispose();
    tied?.dispose();
  });

  it('writes model.json, weights.bin, vocab.tsv and lm.json, and no temporary folder', () => {
    expect(readdirSync(join(dir, 'char')).sort()).toEqual(['lm.json', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(readdirSync(dir).sort()).toEqual(['char', 'tied']);
    const config = JSON.parse(readFileSync(join(dir, 'char', 'lm.json'), 'utf8'));
    expect(config).toMatchObject({
      format: 'wordloom-lm',
      version: 1,
      level: 'char',
      tokenizer: 'characters',
      lowercase: false,
      architecture: { vocabularySize: 8, cell: 'lstm', layers: 2, units: 10, embedding: 5, tieWeights: false },
      training: { settings: { batch: 4, seqLen: 8, epochs: 1 }, stopped: 'epochs', steps: char.config.training!.steps, bestEpoch: 1 },
    });
    expect(config.validation).toEqual(char.config.validation);
    const model = JSON.parse(readFileSync(join(dir, 'char', 'model.json'), 'utf8'));
    const layers = model.modelTopology.config.layers as Array<{ class_name: string; config: Record<string, unknown> }>;
    expect(layers.map((l) => l.class_name)).toEqual(['Embedding', 'LSTM', 'LSTM', 'Dense']);
    expect(layers[0]!.config['batch_input_shape']).toEqual([null, null]);
    expect(layers[3]!.config['activation']).toBe('linear');
    expect(model.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(readFileSync(join(dir, 'char', 'vocab.tsv'), 'utf8').split('\n').slice(0, 5)).toEqual(['<PAD>\t0', '<UNK>\t0', '<BOS>\t0', '<EOS>\t80', expect.stringMatching(/^[abcd]\t\d+$/)]);
  });

  it('a Node process with only @tensorflow/tfjs loads both models and predicts the same logits on any batch and length', () => {
    const result = predictWithPlainTfjs({ char: join(dir, 'char'), tied: join(dir, 'tied') }, INPUTS);
    expect(result['char']!.classes).toEqual(['Embedding', 'LSTM', 'LSTM', 'Dense']);
    expect(result['tied']!.classes).toEqual(['Embedding', 'GRU', 'Dense']);
    for (const [name, lm] of [['char', char], ['tied', tied]] as const) {
      INPUTS.forEach((x, i) => {
        expect(result[name]!.results[i]!.shape).toEqual([...x.shape, lm.vocabulary.size]);
        assertClose(result[name]!.results[i]!.values, predict(lm, x), `${name} model, input ${i}: plain tfjs vs wordloom`, 1e-5);
      });
    }
  });

  it('loadLanguageModel gives the same model, vocabulary and description back', async () => {
    const loaded = await loadLanguageModel(join(dir, 'tied'));
    expect(loaded.config).toEqual(JSON.parse(JSON.stringify(tied.config)));
    expect(loaded.vocabulary.wordList()).toEqual(tied.vocabulary.wordList());
    for (const x of INPUTS) assertClose(predict(loaded, x), predict(tied, x), 'reloaded tied model', 1e-6);
    expect(loaded.decode(loaded.encode('the cat sat\non a mat'))).toBe('the cat sat\non a mat\n');
    loaded.dispose();
  });

  it('runLanguageModel carries the state: a sequence in pieces gives the logits of the whole', () => {
    const x = INPUTS[0]!;
    const whole = predict(char, x);
    const pieces: Float32Array[] = [];
    let states = null;
    for (const [from, to] of [[0, 3], [3, 4], [4, 7]] as const) {
      const ids = tf.tensor2d(x.values, [2, 7], 'int32').slice([0, from], [2, to - from]);
      const r = runLanguageModel(char.model, ids, states);
      disposeStates(states);
      states = r.states;
      pieces.push(r.logits.dataSync() as Float32Array);
      tf.dispose([ids, r.logits]);
    }
    disposeStates(states);
    const V = char.vocabulary.size;
    const joined = new Float32Array(2 * 7 * V);
    const offsets = [0, 3, 4];
    pieces.forEach((p, k) => {
      const len = [3, 1, 3][k]!;
      for (let b = 0; b < 2; b++) joined.set(p.subarray(b * len * V, (b + 1) * len * V), (b * 7 + offsets[k]!) * V);
    });
    assertClose(joined, whole, 'stateful pieces vs whole sequence', 1e-5);
  });

  it('saving again replaces the folder; a folder that is not a model is refused', async () => {
    await char.save(join(dir, 'char'));
    expect(readdirSync(dir).sort()).toEqual(['char', 'tied']);
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(char.save(other)).rejects.toThrow(`${other} is a folder with other files (no lm.json); refusing to replace it with a model, choose another output path`);
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');
    rmSync(other, { recursive: true });
  });

  it('loading something that is not a model gives one clear line', async () => {
    await expect(loadLanguageModel(join(dir, 'missing'))).rejects.toThrow(`${join(dir, 'missing')}: no such file or directory`);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(loadLanguageModel(empty)).rejects.toThrow(`${empty} is not a wordloom language model folder (it has no lm.json)`);
    writeFileSync(join(empty, 'lm.json'), '{"format": "something-else"}');
    await expect(loadLanguageModel(empty)).rejects.toThrow(`${join(empty, 'lm.json')} does not describe a wordloom language model (format "something-else", expected "wordloom-lm")`);
    writeFileSync(join(empty, 'lm.json'), readFileSync(join(dir, 'char', 'lm.json')));
    await expect(loadLanguageModel(empty)).rejects.toThrow(`${empty}: the model folder is incomplete (model.json is missing)`);
    rmSync(empty, { recursive: true });
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    await expect(loadLanguageModel(file)).rejects.toMatchObject({ code: 'EFORMAT' });
    rmSync(file);
    expect(existsSync(join(dir, 'char', 'lm.json'))).toBe(true);
  });
});
