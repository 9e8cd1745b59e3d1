import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFastTextOptions, saveFastTextModel, trainFastText, type FastTextOptions } from '../../../src/embeddings/fasttext/index.js';
import { trainWord2Vec } from '../../../src/embeddings/word2vec/index.js';
import { readFastTextModel } from '../../../src/vectors/fasttext/read-bin.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { WordloomError } from '../../../src/errors.js';
import { neighbourPurity, writePlantedCorpus } from '../word2vec/planted-corpus.js';

const corpus = writePlantedCorpus({ lines: 3000 }); // 30,000 words, 5 groups g0..g4 of words g<g>w<i>
const out = mkdtempSync(join(tmpdir(), 'wordloom-fasttext-test-'));
afterAll(() => {
  rmSync(corpus.dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const small: Partial<FastTextOptions> = { dim: 16, epochs: 4, minCount: 1, sample: 0, threads: 2, bucket: 5000, minn: 2, maxn: 4 };
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('trainFastText', () => {
  it('with --minn 0 --maxn 0 is word2vec: the same vectors, bit for bit, from the same seed', async () => {
    for (const cbow of [false, true]) {
      const opts = { ...small, cbow, threads: 1, alpha: 0.05, sample: 1e-2, seed: 3 };
      const plain = await trainFastText(corpus.path, { ...opts, minn: 0, maxn: 0 });
      const w2v = await trainWord2Vec(corpus.path, opts);
      expect(bytes(plain.vectors.vectors).equals(bytes(w2v.vectors.vectors))).toBe(true);
      expect(plain.subwords.vectorFor('g1w999')).toBeNull(); // no n-grams: an unseen word has no vector
    }
  });

  for (const cbow of [false, true]) {
    it(`${cbow ? 'CBOW' : 'skip-gram'}: words of a group are neighbours, and an unseen word lands in its group through its n-grams`, async () => {
      const result = await trainFastText(corpus.path, { ...small, cbow });
      expect(result.vectors.size).toBe(50);
      expect(neighbourPurity(result.vectors.words, result.vectors.vectors, 16)).toBeGreaterThan(0.9);
      const kv = new KeyedVectors(result.vectors, { subwords: result.subwords });
      for (const group of [0, 3]) {
        const unseen = `g${group}w77`;
        expect(kv.has(unseen)).toBe(false);
        const neighbours = kv.mostSimilar({ positive: [unseen], topn: 5 });
        expect(neighbours.filter((n) => n.word.startsWith(`g${group}w`)).length).toBeGreaterThanOrEqual(4);
      }
    });
  }

  it('gives bit-identical models with one thread and the same seed', async () => {
    const opts = { ...small, threads: 1, epochs: 2 };
    const a = await trainFastText(corpus.path, opts);
    const b = await trainFastText(corpus.path, opts);
    expect(bytes(a.model.ngramRows).equals(bytes(b.model.ngramRows))).toBe(true);
    expect(bytes(a.vectors.vectors).equals(bytes(b.vectors.vectors))).toBe(true);
  });

  it('the wasm and JS kernels train the same model (up to float rounding)', async () => {
    const opts = { ...small, threads: 1, epochs: 1 };
    const wasm = await trainFastText(corpus.path, { ...opts, kernel: 'wasm' });
    const js = await trainFastText(corpus.path, { ...opts, kernel: 'js' });
    expect(wasm.kernel).toBe('wasm');
    expect(js.kernel).toBe('js');
    let worst = 0;
    for (let i = 0; i < wasm.vectors.vectors.length; i++) worst = Math.max(worst, Math.abs(wasm.vectors.vectors[i]! - js.vectors.vectors[i]!));
    expect(worst).toBeLessThan(1e-3);
  });

  it('saves a .bin that loads back to the same word vectors and the same unseen-word vectors', async () => {
    const result = await trainFastText(corpus.path, { ...small, epochs: 1 });
    const path = join(out, 'model.bin');
    await saveFastTextModel(path, result);
    const loaded = readFastTextModel(path);
    expect(loaded.words).toEqual(result.vectors.words);
    expect(loaded.args).toMatchObject({ dim: 16, minn: 2, maxn: 4, bucket: 5000, model: 2, loss: 2 });
    let worst = 0;
    for (let i = 0; i < result.vectors.vectors.length; i++) worst = Math.max(worst, Math.abs(loaded.vectors.set.vectors[i]! - result.vectors.vectors[i]!));
    expect(worst).toBeLessThan(1e-6);
    expect(Array.from(loaded.vectors.vectorFor('g2w1234')!)).toEqual(Array.from(result.subwords.vectorFor('g2w1234')!));
  });

  it('resumes an interrupted run to the same model, bit for bit', async () => {
    const checkpoint = join(out, 'run.ckpt');
    const opts = { ...small, threads: 1, epochs: 2, checkpoint };
    const whole = await trainFastText(corpus.path, opts);
    const controller = new AbortController();
    let reports = 0;
    await expect(
      trainFastText(corpus.path, { ...opts, signal: controller.signal, onProgress: () => ++reports === 3 && controller.abort() }),
    ).rejects.toMatchObject({ code: 'EINTERRUPTED' });
    const resumed = await trainFastText(corpus.path, { ...opts, resume: true });
    expect(bytes(resumed.vectors.vectors).equals(bytes(whole.vectors.vectors))).toBe(true);
    expect(bytes(resumed.model.ngramRows).equals(bytes(whole.model.ngramRows))).toBe(true);
  });

  it('rejects impossible n-gram settings naming the flag', () => {
    expect(() => resolveFastTextOptions({ minn: 5, maxn: 3 })).toThrow(/--minn \(5\) must be at most --maxn \(3\)/);
    expect(() => resolveFastTextOptions({ bucket: 0 })).toThrow(WordloomError);
    expect(() => resolveFastTextOptions({ maxn: -1 })).toThrow(/--maxn/);
    expect(resolveFastTextOptions({}).alpha).toBe(0.05);
  });
});
