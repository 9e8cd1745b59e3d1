/**
 * Saved seq2seq models: a folder whose encoder and decoder load with plain tf.loadLayersModel (no
 * wordloom classes) and compute what wordloom computes; wordloom's loader gives the same
 * translations; bad folders are refused with one line; resume continues from a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WordloomError } from '../../../src/errors.js';
import { BrowserSeq2seq } from '../../../src/report/browser-seq2seq.js';
import { loadSeq2seqModel, saveSeq2seqModel, trainSeq2seq } from '../../../src/seq/seq2seq/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { modelWeights, reversedDigits, trainAndInterrupt } from './fixtures.js';

beforeAll(useCpuBackend);

const tiny = { units: 16, embedding: 8, batch: 16, lr: 0.01, valDecode: 20, threads: 1 } as const;

const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
await tf.setBackend('cpu');
const dir = process.env.WORDLOOM_DIR;
const load = (name) => {
  const json = JSON.parse(readFileSync(join(dir, name + '.json'), 'utf8'));
  return tf.loadLayersModel({ load: () => tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
    return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
  }) });
};
const encoder = await load('encoder');
const decoder = await load('decoder');
const src = tf.tensor2d(JSON.parse(process.env.WORDLOOM_SOURCE), [1, JSON.parse(process.env.WORDLOOM_SOURCE).length], 'int32');
const [memory, ...states] = encoder.predict(src);
const maskBias = tf.zeros([1, 1, memory.shape[1]]);
// a local-p decoder also takes the source positions 0..S-1
const positions = decoder.inputNames.includes('source_positions') ? [tf.range(0, memory.shape[1]).reshape([1, 1, memory.shape[1]])] : [];
// greedy decoding with the plain models
const out = [];
let prev = 2;
for (let t = 0; t < 20; t++) {
  const [logits, weights, attentional, ...next] = decoder.predict([tf.tensor2d([[prev]], [1, 1], 'int32'), ...states, memory, maskBias, ...positions]);
  prev = logits.argMax(-1).dataSync()[0];
  states.splice(0, states.length, ...next);
  if (prev === 3) break;
  out.push(prev);
}
process.stdout.write('RESULT ' + JSON.stringify({ classes: [...encoder.layers, ...decoder.layers].map((l) => l.getClassName()), out }) + '\\n');
`;

/** Greedy decoding of `source` ids with the saved folder's encoder and decoder, in a process that imports nothing but tfjs. */
function plainTfjsDecode(dir: string, source: number[]): { classes: string[]; out: number[] } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, WORDLOOM_DIR: dir, WORDLOOM_SOURCE: JSON.stringify(source) } });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, r.stderr).toBeDefined();
  return JSON.parse(line!.slice(7)) as { classes: string[]; out: number[] };
}

describe('seq2seq model folders', () => {
  it('local-p attention: save and load round trip, and plain tfjs decodes the same tokens', async () => {
    const model = await trainSeq2seq(reversedDigits(6, 300, 2, 6), { ...tiny, epochs: 2, attention: 'luong-dot', localP: true, window: 2 });
    const dir = join(mkdtempSync(join(tmpdir(), 'wl-s2s-local-')), 'model');
    await saveSeq2seqModel(model, dir);
    const loaded = await loadSeq2seqModel(dir);
    expect(loaded.config.architecture).toMatchObject({ localP: true, window: 2 });
    const texts = ['123', '456789', '90'];
    for (const beam of [1, 3]) {
      const a = model.translate(texts, { beam });
      const b = loaded.translate(texts, { beam });
      expect(b.map((t) => t.text)).toEqual(a.map((t) => t.text));
      b.forEach((t, i) => expect(t.logProb).toBeCloseTo(a[i]!.logProb, 5));
    }
    const result = plainTfjsDecode(dir, Array.from(model.codec.sourceIds('456789')));
    expect(result.classes).toContain('Rescaling');
    expect(result.out).toEqual(model.decode(['456789'])[0]!.ids);
    // the playground's browser-side decoder feeds the positions too
    const browser = new BrowserSeq2seq(loaded.network.encoder, loaded.network.decoder, loaded.codec.source.wordList(), loaded.codec.target.wordList(), loaded.config);
    const [expected] = model.translate(['456789']);
    const got = browser.translate('456789');
    expect(got.text).toBe(expected!.text);
    got.attention.forEach((row, t) => row.forEach((w, j) => expect(w).toBeCloseTo(expected!.attention[t]![j]!, 5)));
    model.dispose();
    loaded.dispose();
  }, 300_000);

  it('save and load round trip: same translations, and plain tfjs decodes the same tokens', async () => {
    const model = await trainSeq2seq(reversedDigits(3, 300, 2, 4), { ...tiny, epochs: 2, bidirectional: true, attention: 'luong-general' });
    const dir = join(mkdtempSync(join(tmpdir(), 'wl-s2s-')), 'model');
    await saveSeq2seqModel(model, dir);
    const loaded = await loadSeq2seqModel(dir);
    const texts = ['123', '4567', '90'];
    for (const beam of [1, 2]) {
      const a = model.translate(texts, { beam });
      const b = loaded.translate(texts, { beam });
      expect(b.map((t) => t.text)).toEqual(a.map((t) => t.text));
      b.forEach((t, i) => expect(t.logProb).toBeCloseTo(a[i]!.logProb, 5));
    }
    expect(loaded.config).toEqual(JSON.parse(JSON.stringify(model.config)));
    const source = Array.from(model.codec.sourceIds('4567'));
    const result = plainTfjsDecode(dir, source);
    expect(result.classes).toContain('Bidirectional');
    expect(result.out).toEqual(model.decode(['4567'])[0]!.ids);
    model.dispose();
    loaded.dispose();
  }, 300_000);

  it('refuses folders that are not seq2seq models, and outputs that would overwrite other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-s2s-bad-'));
    await expect(loadSeq2seqModel(join(dir, 'missing'))).rejects.toThrow(/no such file or directory/);
    await expect(loadSeq2seqModel(dir)).rejects.toThrow(/is not a wordloom seq2seq model/);
    writeFileSync(join(dir, 'seq2seq.json'), '{"format":"wordloom-lm"}');
    await expect(loadSeq2seqModel(dir)).rejects.toThrow(/does not describe a wordloom seq2seq model/);
    const other = mkdtempSync(join(tmpdir(), 'wl-s2s-other-'));
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    const model = await trainSeq2seq(reversedDigits(4, 40), { ...tiny, epochs: 1, valFraction: 0 });
    await expect(saveSeq2seqModel(model, other)).rejects.toThrow(WordloomError);
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  }, 120_000);

  it('an aborted run leaves a checkpoint; resuming it ends with the weights of an uninterrupted run', async () => {
    const pairs = reversedDigits(5, 160, 2, 4);
    const dir = mkdtempSync(join(tmpdir(), 'wl-s2s-ckpt-'));
    const checkpoint = join(dir, 'run.ckpt');
    const options = { ...tiny, epochs: 2, checkpoint, samplingRatio: 0.3, inputFeeding: true };
    const whole = await trainSeq2seq(pairs, options);
    await trainAndInterrupt(pairs, options, 11);
    expect(existsSync(checkpoint)).toBe(true);
    const resumed = await trainSeq2seq(pairs, { ...options, resume: true });
    const [a, b] = [modelWeights(whole), modelWeights(resumed)];
    a.forEach((w, i) => w.forEach((x, j) => expect(b[i]![j]).toBeCloseTo(x, 5)));
    expect(existsSync(checkpoint)).toBe(false);
    whole.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBeLessThan(100);
  }, 300_000);
});
