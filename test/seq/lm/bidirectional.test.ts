/**
 * Bidirectional language models (ELMo): a forward and a backward model trained together; the
 * backward one really reads right to left; the saved folder keeps the forward model where a
 * forward-only one is (generate, evaluate and plain tfjs use it) and the backward one in
 * backward/; contextual embeddings have the right shape, are deterministic and each half sees
 * only its side of the sentence; an interrupted bidirectional run resumes exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextualEmbeddings, disposeStates, evaluateLanguageModel, loadLanguageModel, runLanguageModel, trainLanguageModel,
  type ContextualEmbeddings, type EpochReport, type LanguageModel, type LanguageModelOptions, type LanguageModelProgress,
} from '../../../src/seq/lm/index.js';
import { generateText } from '../../../src/seq/generate/index.js';
import { Vocabulary } from '../../../src/text/vocabulary.js';
import { seededRandom } from '../../seeded-random.js';
import { assertClose, useCpuBackend } from '../layers/harness.js';
import { cyclicText } from './fixtures.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'wordloom-lm-bi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(useCpuBackend);

const tiny = { layers: 2, units: 12, embedding: 6, batch: 4, seqLen: 10, threads: 2, bidirectional: true } as const;

/** Softmax probabilities of the last position's logits of one row of ids. */
function nextProbabilities(model: tf.LayersModel, ids: number[]): Float32Array {
  return tf.tidy(() => {
    const r = runLanguageModel(model, tf.tensor2d(ids, [1, ids.length], 'int32'), null);
    const last = r.logits.slice([0, ids.length - 1, 0], [1, 1, -1]).reshape([-1]);
    return tf.softmax(last).dataSync() as Float32Array;
  });
}

/** Token t's vector (at the k-th included layer), and its forward and backward halves. */
function vectorOf(e: ContextualEmbeddings, t: number, k = 0): { all: Float32Array; forward: Float32Array; backward: Float32Array } {
  const d = e.dimension;
  const all = e.vectors.subarray((k * e.tokens.length + t) * d, (k * e.tokens.length + t + 1) * d);
  return { all, forward: all.subarray(0, d / 2), backward: all.subarray(d / 2) };
}

describe('bidirectional language models', () => {
  let lm: LanguageModel & { history: EpochReport[] };
  const progress: LanguageModelProgress[] = [];
  const text = cyclicText(41, { lines: 60, lineLength: 9, period: 9 });
  const valFile = join(dir, 'val.txt');
  const folder = join(dir, 'bi');

  beforeAll(async () => {
    writeFileSync(valFile, cyclicText(41, { lines: 8, lineLength: 9, period: 9 }));
    lm = await trainLanguageModel(text, { ...tiny, epochs: 4, lr: 0.02, valFile, onProgress: (p) => progress.push(p) });
    await lm.save(folder);
  });
  afterAll(() => lm?.dispose());

  it('trains a forward and a backward model, with separate weights, whose validation losses both fall', () => {
    expect(lm.bidirectional).toBe(true);
    expect(lm.backward).not.toBeNull();
    expect(lm.backward!.layers.map((l) => l.getClassName())).toEqual(lm.model.layers.map((l) => l.getClassName()));
    const f = lm.model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = lm.backward!.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b.map((w) => w.length)).toEqual(f.map((w) => w.length));
    expect(b[1]).not.toEqual(f[1]);
    const h = lm.history;
    expect(h).toHaveLength(4);
    for (const r of h) {
      expect(r.backward, 'every epoch reports the backward direction').toBeDefined();
      expect(r.backward!.validation!.tokens).toBe(r.validation!.tokens);
    }
    const first = h[0]!;
    const last = h[h.length - 1]!;
    const curve = JSON.stringify(h.map((r) => [r.validation!.loss, r.backward!.validation!.loss]));
    expect(last.validation!.loss, curve).toBeLessThan(first.validation!.loss * 0.7);
    expect(last.backward!.validation!.loss, curve).toBeLessThan(first.backward!.validation!.loss * 0.7);
    expect(last.backward!.trainLoss).toBeLessThan(first.backward!.trainLoss);
    expect(lm.config.backward).toEqual({ folder: 'backward', validation: h[lm.config.training!.bestEpoch! - 1]!.backward!.validation });
    expect(lm.config.training!.settings.bidirectional).toBe(true);
    expect(progress.every((p) => p.backward !== undefined && Number.isFinite(p.backward.loss))).toBe(true);
  });

  it('saves the forward model at the top of the folder and the backward one in backward/', async () => {
    expect(readdirSync(folder).sort()).toEqual(['backward', 'lm.json', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(readdirSync(join(folder, 'backward')).sort()).toEqual(['model.json', 'weights.bin']);
    const config = JSON.parse(readFileSync(join(folder, 'lm.json'), 'utf8'));
    expect(config).toMatchObject({ format: 'wordloom-lm', version: 1, backward: { folder: 'backward' } });
    const loaded = await loadLanguageModel(folder);
    expect(loaded.bidirectional).toBe(true);
    expect(loaded.config).toEqual(JSON.parse(JSON.stringify(lm.config)));
    for (const [a, b] of [[loaded.model, lm.model], [loaded.backward!, lm.backward!]] as const) {
      assertClose(nextProbabilities(a, [3, 4, 5, 6, 4]), nextProbabilities(b, [3, 4, 5, 6, 4]), 'reloaded direction', 1e-6);
    }
    // The forward model generates and evaluates as a forward-only one does.
    const sample = await generateText(loaded.model, loaded.vocabulary, { seed: 3, maxLength: 20 });
    expect(sample.length).toBeGreaterThan(0);
    const evaluation = await evaluateLanguageModel(folder, [valFile]);
    expect(evaluation.loss).toBeCloseTo(lm.config.validation!.loss, 5);
    loaded.dispose();
  });

  it('a Node process with only @tensorflow/tfjs loads both model.json files and predicts the same', () => {
    const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
await tf.setBackend('cpu');
const out = {};
for (const sub of ['', 'backward']) {
  const dir = join(process.env.WORDLOOM_DIR, sub);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const model = await tf.loadLayersModel({
    load: () => tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
      return [manifest.flatMap((g) => g.weights), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
    }),
  });
  out[sub || 'forward'] = Array.from(model.predict(tf.tensor2d([[3, 4, 5, 6, 4]], [1, 5], 'int32')).dataSync());
}
process.stdout.write('RESULT ' + JSON.stringify(out) + '\\n');
`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, WORDLOOM_DIR: folder } });
    const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, `child exited ${child.status}; stderr:\n${child.stderr}`).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length)) as Record<string, number[]>;
    const predict = (m: tf.LayersModel): Float32Array => tf.tidy(() => (m.predict(tf.tensor2d([[3, 4, 5, 6, 4]], [1, 5], 'int32')) as tf.Tensor).dataSync() as Float32Array);
    assertClose(result['forward']!, predict(lm.model), 'plain tfjs, forward', 1e-5);
    assertClose(result['backward']!, predict(lm.backward!), 'plain tfjs, backward', 1e-5);
  });

  it('contextual embeddings: shape, determinism, and each half sees only its side', async () => {
    const letters = lm.vocabulary.wordList().slice(Vocabulary.FIRST_WORD);
    const sentence = [0, 1, 2, 0, 1].map((i) => letters[i % letters.length]!).join('');
    const e = await contextualEmbeddings(lm, sentence);
    expect(e.tokens).toEqual([...sentence]);
    expect(e.layers).toEqual([2]);
    expect(e.dimension).toBe(24);
    expect(e.vectors).toBeInstanceOf(Float32Array);
    expect(e.vectors.length).toBe(5 * 24);
    expect(Array.from((await contextualEmbeddings(lm, sentence)).vectors)).toEqual(Array.from(e.vectors));
    expect(Array.from((await contextualEmbeddings(folder, sentence)).vectors)).toEqual(Array.from(e.vectors)); // the saved folder

    const all = await contextualEmbeddings(lm, sentence, { layer: 'all' });
    expect(all.layers).toEqual([1, 2]);
    expect(all.vectors.length).toBe(2 * 5 * 24);
    expect(Array.from(all.vectors.subarray(5 * 24))).toEqual(Array.from(e.vectors));
    const first = await contextualEmbeddings(lm, sentence, { layer: 1 });
    expect(Array.from(first.vectors)).toEqual(Array.from(all.vectors.subarray(0, 5 * 24)));

    // The halves are the two models' hidden states: the last token's forward half is the forward
    // model's top state after the whole line, the first token's backward half the backward one's.
    const ids = [...sentence].map((c) => lm.vocabulary.id(c));
    for (const [model, row, t, half] of [[lm.model, [3, ...ids], 4, 'forward'], [lm.backward!, [3, ...ids.slice().reverse()], 0, 'backward']] as const) {
      const r = runLanguageModel(model, tf.tensor2d([...row], [1, row.length], 'int32'), null);
      assertClose(vectorOf(e, t)[half], r.states[1]![0]!.dataSync() as Float32Array, `${half} half vs the ${half} model's state`, 1e-6);
      r.logits.dispose();
      disposeStates(r.states);
    }

    // Change a token on the left of token 2: its backward half (and those to the right) stays, its forward half changes.
    const swap = (s: string, i: number): string => s.slice(0, i) + letters[(letters.indexOf(s[i]!) + 1) % letters.length] + s.slice(i + 1);
    const left = await contextualEmbeddings(lm, swap(sentence, 0));
    for (let t = 1; t < 5; t++) expect(Array.from(vectorOf(left, t).backward), `token ${t}, backward half`).toEqual(Array.from(vectorOf(e, t).backward));
    expect(Array.from(vectorOf(left, 2).forward)).not.toEqual(Array.from(vectorOf(e, 2).forward));
    // Change a token on the right of token 2: its forward half (and those to the left) stays, its backward half changes.
    const right = await contextualEmbeddings(lm, swap(sentence, 4));
    for (let t = 0; t < 4; t++) expect(Array.from(vectorOf(right, t).forward), `token ${t}, forward half`).toEqual(Array.from(vectorOf(e, t).forward));
    expect(Array.from(vectorOf(right, 2).backward)).not.toEqual(Array.from(vectorOf(e, 2).backward));
  });

  it('contextual embeddings refuse a forward-only model, an unknown token, an empty sentence and a bad layer with one line', async () => {
    const forwardOnly = join(dir, 'forward-only');
    const uni = await trainLanguageModel(text, { ...tiny, bidirectional: false, layers: 1, epochs: 1 });
    await uni.save(forwardOnly);
    expect(readdirSync(forwardOnly).sort()).toEqual(['lm.json', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(uni.config.backward).toBeUndefined();
    await expect(contextualEmbeddings(uni, 'ab')).rejects.toMatchObject({
      code: 'EOPTION',
      message: 'the language model is not bidirectional (it has no backward model); contextual embeddings need one trained with bidirectional (wordloom lm train --bidirectional)',
    });
    uni.dispose();
    // A folder from before bidirectional models (no such setting recorded) still loads, forward-only.
    const config = JSON.parse(readFileSync(join(forwardOnly, 'lm.json'), 'utf8'));
    delete config.training.settings.bidirectional;
    writeFileSync(join(forwardOnly, 'lm.json'), JSON.stringify(config));
    const old = await loadLanguageModel(forwardOnly);
    expect(old.bidirectional).toBe(false);
    old.dispose();

    const letter = lm.vocabulary.wordList()[Vocabulary.FIRST_WORD]!;
    await expect(contextualEmbeddings(lm, `${letter}Z${letter}`)).rejects.toMatchObject({
      code: 'EVOCAB',
      message: `character "Z" (character 2 of 3) is not in the model's vocabulary; leave it out, or pass onUnknown 'unk' to read it as <UNK>`,
    });
    expect((await contextualEmbeddings(lm, `${letter}Z${letter}`, { onUnknown: 'unk' })).tokens).toEqual([letter, 'Z', letter]);
    await expect(contextualEmbeddings(lm, '   ')).rejects.toMatchObject({ code: 'EEMPTY' });
    await expect(contextualEmbeddings(lm, letter, { layer: 3 })).rejects.toThrow("option layer must be a recurrent layer between 1 and 2, 'top' or 'all', got 3");
    // A damaged folder: lm.json names a backward model that is not there.
    rmSync(join(forwardOnly, 'model.json'));
    const broken = join(dir, 'broken');
    await lm.save(broken);
    rmSync(join(broken, 'backward', 'weights.bin'));
    await expect(loadLanguageModel(broken)).rejects.toThrow(`${broken}: the bidirectional model folder is incomplete (${join('backward', 'weights.bin')} is missing)`);
  });
});

describe('the backward model reads right to left', () => {
  it('learns the previous token where it is determined by the next one; the forward model cannot', async () => {
    // Lines of two characters "XY": Y is random among c, d, e, f and X is a for c, d and b for e, f.
    // Read right to left, X follows from Y; read left to right, X comes first and is a coin flip.
    const next = seededRandom(8);
    const lines = Array.from({ length: 500 }, () => {
      const y = 'cdef'[Math.floor(next() * 4)]!;
      return `${y < 'e' ? 'a' : 'b'}${y}`;
    });
    const lm = await trainLanguageModel(`${lines.join('\n')}\n`, { ...tiny, layers: 1, units: 16, batch: 5, seqLen: 15, epochs: 5, lr: 0.03 });
    const id = (c: string): number => lm.vocabulary.id(c);
    for (const y of 'cdef') {
      const x = y < 'e' ? 'a' : 'b';
      // Backward: after the line end and Y (the line read from its end), the previous token X.
      const p = nextProbabilities(lm.backward!, [Vocabulary.EOS, id(y)]);
      expect(p[id(x)], `backward P(${x} before ${y})`).toBeGreaterThan(0.9);
    }
    // Forward: at the start of a line, X is a or b with even odds whatever follows.
    const p = nextProbabilities(lm.model, [Vocabulary.EOS]);
    expect(p[id('a')]).toBeGreaterThan(0.3);
    expect(p[id('a')]).toBeLessThan(0.7);
    expect(p[id('b')]).toBeGreaterThan(0.3);
    expect(p[id('b')]).toBeLessThan(0.7);
    lm.dispose();
  });
});

describe('bidirectional resume', () => {
  it('an interrupted and resumed bidirectional run ends with the weights of an uninterrupted one', async () => {
    const text = cyclicText(21, { lines: 40, lineLength: 17 });
    const options: Partial<LanguageModelOptions> = { ...tiny, epochs: 2, lr: 0.01, dropout: 0.25, lrDecay: 0.5 };
    const weights = (m: LanguageModel): number[][] => [...m.model.getWeights(), ...m.backward!.getWeights()].map((t) => Array.from(t.dataSync()));
    const whole = await trainLanguageModel(text, options);
    const expected = weights(whole);
    const history = whole.history;
    whole.dispose();

    const checkpoint = join(dir, 'bi.ckpt');
    const controller = new AbortController();
    await expect(
      trainLanguageModel(text, { ...options, checkpoint, signal: controller.signal, onProgress: (p) => p.step === 20 && controller.abort() }),
    ).rejects.toMatchObject({ code: 'EINTERRUPTED' });
    expect(existsSync(checkpoint)).toBe(true);
    const logs: string[] = [];
    const resumed = await trainLanguageModel(text, { checkpoint, resume: true, threads: 2, onLog: (m) => logs.push(m) });
    expect(logs.some((m) => /^resuming from .*: epoch 2\/2, window \d+\/\d+, step 20$/.test(m)), logs.join('\n')).toBe(true);
    expect(resumed.bidirectional).toBe(true);
    const actual = weights(resumed);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < actual.length; i++) expect(actual[i], `weight ${i}`).toEqual(expected[i]);
    expect(resumed.history.map((h) => [h.validation?.loss, h.backward?.validation?.loss])).toEqual(history.map((h) => [h.validation?.loss, h.backward?.validation?.loss]));
    resumed.dispose();
  });

  it('divergence of either direction stops the run naming --lr', async () => {
    await expect(trainLanguageModel(cyclicText(3, { lines: 40 }), { ...tiny, epochs: 2, lr: 100, optimizer: 'sgd', clip: 0 })).rejects.toMatchObject({
      code: 'EDIVERGED',
      message: expect.stringMatching(/^training diverged at epoch \d+, step \d+: .*; lower --lr \(currently 100\) or set --clip$/),
    });
  });
});
