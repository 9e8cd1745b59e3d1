/**
 * seq2seq units per layer (`--units 12,8`): decoder layer l starts from encoder layer l's final
 * state, so one list sizes both, layer by layer; the list is checked against --layers, every size
 * must be even for a bidirectional encoder, and a list of equal sizes is one number (so models
 * and checkpoints that recorded one number read the same). Models with 12,8 layers train, save,
 * load (wordloom, plain tfjs's loader and the playground's decoder give the same translations)
 * and resume to the weights of an uninterrupted run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BrowserSeq2seq } from '../../../src/report/browser-seq2seq.js';
import {
  loadSeq2seqModel, resolveSeq2seqOptions, saveSeq2seqModel, trainSeq2seq, type Seq2seqModel, type Seq2seqOptions,
} from '../../../src/seq/seq2seq/index.js';
import { useTempFolder } from '../../helpers/temp-folder.js';
import { useCpuBackend } from '../layers/harness.js';
import { modelWeights, reversedDigits, trainAndInterrupt } from './fixtures.js';

beforeAll(useCpuBackend);
const tmp = useTempFolder('wordloom-s2s-units-');

const shapes = (m: Seq2seqModel): { encoder: number[][]; decoder: number[][] } => ({
  encoder: m.network.encoder.weights.map((w) => w.shape as number[]),
  decoder: m.network.decoder.weights.map((w) => w.shape as number[]),
});

describe('seq2seq units per layer: options', () => {
  it('takes one size or one per layer; a list of equal sizes is one number', () => {
    expect(resolveSeq2seqOptions({ layers: 2, units: [12, 8] }).units).toEqual([12, 8]);
    expect(resolveSeq2seqOptions({ layers: 2, units: [8, 8] }).units).toBe(8);
    expect(resolveSeq2seqOptions({ layers: 1, units: [16] }).units).toBe(16);
    expect(resolveSeq2seqOptions({ layers: 3, units: 32 }).units).toBe(32);
    expect(resolveSeq2seqOptions({ layers: 2, units: [12, 8], bidirectional: true }).units).toEqual([12, 8]);
  });

  it.each([
    [{ layers: 2, units: [12, 8, 4] }, 'option --units lists 3 sizes (12,8,4) but --layers is 2: give one size for every layer or one per layer'],
    [{ units: [12, 8] }, 'option --units lists 2 sizes (12,8) but --layers is 1: give one size for every layer or one per layer'],
    [{ layers: 2, units: [12, 0] }, 'option --units must be an integer between 1 and 8192, got 0 (in 12,0)'],
    [{ units: [] }, 'option --units must be N or N,N,..., got an empty list'],
    [{ layers: 2, units: [12, 7], bidirectional: true }, 'option --bidirectional needs an even size for every layer in --units (each direction gets units/2), got --units 12,7'],
    [{ units: 7, bidirectional: true }, 'option --bidirectional needs an even --units (each direction gets units/2), got --units 7'],
  ])('%j is refused: %s', (partial, message) => {
    expect(() => resolveSeq2seqOptions(partial as Partial<Seq2seqOptions>)).toThrow(message);
  });
});

describe('a 2-layer 12,8 seq2seq model', () => {
  const pairs = reversedDigits(8, 160, 2, 4);
  const tiny = { layers: 2, units: [12, 8], embedding: 6, batch: 16, lr: 0.01, valDecode: 20, threads: 1 } as const;

  it('luong-dot with input feeding: layer l of the encoder and the decoder is units[l] wide; trains, saves and loads the same', async () => {
    const model = await trainSeq2seq(pairs, { ...tiny, epochs: 2, inputFeeding: true });
    const { encoder, decoder } = shapes(model);
    // source embedding, LSTM 1 (6 -> 12), LSTM 2 (12 -> 8)
    expect(encoder).toEqual([[model.codec.source.size, 6], [6, 48], [12, 48], [48], [12, 32], [8, 32], [32]]);
    // target embedding, decoder LSTM 1 (embedding 6 + fed attentional vector 8 -> 12), LSTM 2 (12 -> 8),
    // then the attentional layer over [context 8; top output 8] and the logits
    expect(decoder).toEqual([[model.codec.target.size, 6], [14, 48], [12, 48], [48], [12, 32], [8, 32], [32], [16, 8], [8], [8, model.codec.target.size], [model.codec.target.size]]);
    const history = model.config.training!.history;
    expect(history[1]!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    expect(model.config.architecture.units).toEqual([12, 8]);

    const dir = tmp.path('tapered');
    await saveSeq2seqModel(model, dir);
    const saved = JSON.parse(readFileSync(join(dir, 'seq2seq.json'), 'utf8'));
    expect(saved.architecture).toMatchObject({ layers: 2, units: [12, 8] });
    expect(saved.training.settings.units).toEqual([12, 8]);
    const loaded = await loadSeq2seqModel(dir);
    expect(shapes(loaded)).toEqual(shapes(model));
    const texts = ['123', '4567', '90'];
    const expected = model.translate(texts);
    expect(loaded.translate(texts).map((t) => t.text)).toEqual(expected.map((t) => t.text));
    // the playground's decoder feeds an attentional vector of the top layer's width
    const browser = new BrowserSeq2seq(loaded.network.encoder, loaded.network.decoder, loaded.codec.source.wordList(), loaded.codec.target.wordList(), loaded.config);
    expect(browser.translate('4567').text).toBe(expected[1]!.text);
    model.dispose();
    loaded.dispose();
  }, 300_000);

  it('bidirectional bahdanau: each encoder layer is two halves of units[l]/2; the attention defaults to the top layer\'s size', async () => {
    const model = await trainSeq2seq(pairs.slice(0, 60), { ...tiny, epochs: 1, bidirectional: true, attention: 'bahdanau', valFraction: 0 });
    expect(model.config.architecture.attentionUnits).toBe(8);
    const { encoder } = shapes(model);
    // per layer two LSTMs (forward, backward): 6 -> 6 + 6, then 12 -> 4 + 4
    expect(encoder.slice(1)).toEqual([[6, 24], [6, 24], [24], [6, 24], [6, 24], [24], [12, 16], [4, 16], [16], [12, 16], [4, 16], [16]]);
    const dir = tmp.path('bidirectional');
    await saveSeq2seqModel(model, dir);
    const loaded = await loadSeq2seqModel(dir);
    expect(loaded.translate(['123', '4567']).map((t) => t.text)).toEqual(model.translate(['123', '4567']).map((t) => t.text));
    model.dispose();
    loaded.dispose();
  }, 300_000);

  it('equal sizes are saved as one number, as every model before per-layer sizes was', async () => {
    const model = await trainSeq2seq(pairs.slice(0, 40), { ...tiny, units: [8, 8], epochs: 1, valFraction: 0 });
    const dir = tmp.path('uniform');
    await saveSeq2seqModel(model, dir);
    expect(JSON.parse(readFileSync(join(dir, 'seq2seq.json'), 'utf8')).architecture.units).toBe(8);
    const loaded = await loadSeq2seqModel(dir);
    expect(loaded.config.architecture.units).toBe(8);
    expect(shapes(loaded)).toEqual(shapes(model));
    model.dispose();
    loaded.dispose();
  }, 120_000);

  it('an interrupted 12,8 run resumes to the weights of an uninterrupted one (the list given again is the recorded one: nothing ignored)', async () => {
    const checkpoint = tmp.path('tapered.ckpt');
    const options = { ...tiny, epochs: 2, checkpoint };
    const whole = await trainSeq2seq(pairs, options);
    await trainAndInterrupt(pairs, options, 11);
    const logs: string[] = [];
    const resumed = await trainSeq2seq(pairs, { ...options, resume: true, onLog: (m) => logs.push(m) });
    expect(logs.filter((m) => m.startsWith('resume keeps'))).toEqual([]);
    const [a, b] = [modelWeights(whole), modelWeights(resumed)];
    a.forEach((w, i) => w.forEach((x, j) => expect(b[i]![j]).toBeCloseTo(x, 5)));
    expect(existsSync(checkpoint)).toBe(false);
    whole.dispose();
    resumed.dispose();
  }, 300_000);
});
