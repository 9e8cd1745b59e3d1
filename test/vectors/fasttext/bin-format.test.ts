import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFastTextModel } from '../../../src/vectors/fasttext/read-bin.js';
import { writeFastTextModel, type FastTextModelContent } from '../../../src/vectors/fasttext/write-bin.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { loadVectors } from '../../../src/vectors/formats/index.js';
import { subwordRows } from '../../../src/text/subwords.js';

const dir = mkdtempSync(join(tmpdir(), 'wordloom-ftbin-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small model with known rows: word i's own row is all (i + 1), n-gram row r is all r / 100. */
function content(over: Partial<FastTextModelContent['args']> = {}): FastTextModelContent {
  const dim = 4;
  const bucket = 50;
  const words = ['</s>', 'cat', 'dog', 'café'];
  const wordRows = new Float32Array(words.length * dim).map((_, k) => Math.floor(k / dim) + 1);
  const ngramRows = new Float32Array(bucket * dim).map((_, k) => Math.floor(k / dim) / 100);
  return {
    args: { dim, ws: 5, epoch: 1, minCount: 1, neg: 5, wordNgrams: 1, loss: 2, model: 2, bucket, minn: 3, maxn: 4, lrUpdateRate: 100, t: 1e-4, ...over },
    words,
    counts: [10, 5, 4, 1],
    ntokens: 20,
    wordRows,
    ngramRows,
    output: new Float32Array(words.length * dim),
  };
}

describe('fastText .bin', () => {
  it('round-trips; word vectors are the mean of the own row and the n-gram rows, </s> keeps its row', async () => {
    const path = join(dir, 'small.bin');
    const c = content();
    await writeFastTextModel(path, c);
    const model = readFastTextModel(path);
    expect(model.words).toEqual(c.words);
    expect(model.counts).toEqual([10, 5, 4, 1]);
    expect(model.ntokens).toBe(20);
    const settings = { minn: 3, maxn: 4, bucket: 50 };
    const mean = (own: number, word: string) => {
      const rows = subwordRows(word, settings);
      return (own + rows.reduce((s, r) => s + Math.fround(r / 100), 0)) * Math.fround(1 / (rows.length + 1));
    };
    expect(model.vectors.set.get('</s>')![0]).toBe(1);
    expect(model.vectors.set.get('cat')![0]).toBeCloseTo(mean(2, 'cat'), 5);
    expect(model.vectors.set.get('café')![3]).toBeCloseTo(mean(4, 'café'), 5);
    const rows = subwordRows('catdog', settings);
    expect(model.vectors.vectorFor('catdog')![0]).toBeCloseTo(rows.reduce((s, r) => s + r / 100, 0) / rows.length, 5);
  });

  it('is read by loadVectors and KeyedVectors whatever its name; unseen words answered, words without n-grams refused', async () => {
    const path = join(dir, 'model.vec.txt');
    await writeFastTextModel(path, content({ minn: 5, maxn: 6 }));
    const set = await loadVectors(path);
    expect(set.words).toEqual(['</s>', 'cat', 'dog', 'café']);
    const kv = await KeyedVectors.fromFile(path);
    expect(kv.canAnswer('category')).toBe(true);
    expect(kv.mostSimilar({ positive: ['category'], topn: 2 })).toHaveLength(2);
    expect(kv.canAnswer('ox')).toBe(false); // "<ox>" is shorter than minn 5
    expect(() => kv.check('ox')).toThrow(/word "ox" is not in the vocabulary of .* none of its character n-grams \(5-6 characters\) is in the model/);
  });

  const refuse = (name: string, edit: (b: Buffer) => void, message: RegExp) =>
    it(`refuses ${name} with one line saying what is supported`, async () => {
      const path = join(dir, `${name.replace(/\W+/g, '-')}.bin`);
      await writeFastTextModel(path, content());
      const b = readFileSync(path);
      edit(b);
      writeFileSync(path, b);
      expect(() => readFastTextModel(path)).toThrow(message);
    });
  // byte offsets: magic 0, version 4, args 8.. (model at 8 + 7*4 = 36), dictionary header at 64
  // (size, nwords, nlabels, ntokens, pruneidx size at 84), entries from 92
  const entriesEnd = 92 + ['</s>', 'cat', 'dog', 'café'].reduce((s, w) => s + Buffer.byteLength(w) + 1 + 8 + 1, 0);
  refuse('a supervised model', (b) => b.writeInt32LE(3, 36), /supervised .*wordloom reads word-vector models \(fasttext skipgram or cbow\)/);
  refuse('a quantized .ftz model', (b) => (b[entriesEnd] = 1), /quantized fastText model \(\.ftz\); wordloom reads unquantized/);
  refuse('a newer file version', (b) => b.writeInt32LE(13, 4), /file version 13; wordloom reads versions 11 and 12/);
  it('refuses a truncated model naming where it ends', async () => {
    const path = join(dir, 'cut.bin');
    await writeFastTextModel(path, content());
    writeFileSync(path, readFileSync(path).subarray(0, 300));
    expect(() => readFastTextModel(path)).toThrow(/cut\.bin: fastText model is truncated \(ends inside the input matrix/);
  });
});
