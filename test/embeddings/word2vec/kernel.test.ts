import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { WordloomError } from '../../../src/errors.js';
import {
  allocateModel,
  createThreadKernel,
  type KernelOptions,
  type ModelLayout,
  type ModelMemory,
} from '../../../src/embeddings/word2vec/kernel/index.js';

const KINDS = ['js', 'wasm'] as const;

/** Deterministic fill in (-scale, scale), independent of the kernels' RNG. */
function fill(values: Float32Array, seed: number, scale: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
}

function layoutOf(over: Partial<ModelLayout>): ModelLayout {
  return {
    vocabSize: 6, dim: 8, negative: 1, hs: false, negTableSize: 1, maxCodeLength: 4,
    threads: 1, maxSentence: 64, ...over,
  };
}

async function kernelFor(model: ModelMemory, kind: 'js' | 'wasm', opts: Partial<KernelOptions>) {
  const kernel = await createThreadKernel(model, {
    sg: true, hs: false, negative: 1, window: 1, threadIndex: 0, seed: 7, prefer: kind, ...opts,
  });
  // pretest builds dist/wasm/word2vec.wasm; without it the wasm tests must fail, not silently pass on js.
  expect(kernel.kind).toBe(kind);
  return kernel;
}

// ---- exact reference: the loss of one update step and its finite-difference gradient ----

interface Step {
  /** Input rows of syn0 (skip-gram: the one context word; CBOW: the context words, averaged). */
  inputs: number[];
  /** Output rows (syn1neg or syn1) with their labels. */
  targets: { row: number; label: 0 | 1 }[];
}

const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

function stepLoss(step: Step, inp: Float64Array, out: Float64Array, dim: number): number {
  const h = new Float64Array(dim);
  for (const r of step.inputs) for (let k = 0; k < dim; k++) h[k]! += inp[r * dim + k]! / step.inputs.length;
  let loss = 0;
  for (const { row, label } of step.targets) {
    let score = 0;
    for (let k = 0; k < dim; k++) score += h[k]! * out[row * dim + k]!;
    loss += softplus(label === 1 ? -score : score);
  }
  return loss;
}

/**
 * Replays the steps as exact gradient descent: each parameter moves by -alpha * dLoss/dparam,
 * the derivative taken by central finite differences of the exact loss. CBOW context rows move by
 * the gradient with respect to the MEAN (count times their own gradient), as in word2vec C.
 * Returns the final parameters and the summed loss before each step.
 */
function replay(steps: Step[], inp: Float64Array, out: Float64Array, dim: number, alpha: number) {
  let total = 0;
  const eps = 1e-6;
  for (const step of steps) {
    total += stepLoss(step, inp, out, dim);
    const deltas: [Float64Array, number, number][] = [];
    const rows: [Float64Array, number, number][] = [
      ...[...new Set(step.inputs)].map((r): [Float64Array, number, number] => [inp, r, step.inputs.length]),
      ...[...new Set(step.targets.map((t) => t.row))].map((r): [Float64Array, number, number] => [out, r, 1]),
    ];
    for (const [params, row, scale] of rows) {
      for (let k = 0; k < dim; k++) {
        const i = row * dim + k;
        const keep = params[i]!;
        params[i] = keep + eps;
        const up = stepLoss(step, inp, out, dim);
        params[i] = keep - eps;
        const down = stepLoss(step, inp, out, dim);
        params[i] = keep;
        deltas.push([params, i, -alpha * scale * ((up - down) / (2 * eps))]);
      }
    }
    for (const [params, i, d] of deltas) params[i]! += d;
  }
  return { inp, out, loss: total };
}

function expectClose(actual: Float32Array, expected: Float64Array, before: Float64Array, tol: number): void {
  let worst = 0;
  let moved = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    moved = Math.max(moved, Math.abs(expected[i]! - before[i]!));
  }
  expect(moved).toBeGreaterThan(0.01); // the check below is meaningful: the step really moves weights
  expect(worst).toBeLessThan(tol);
}

describe.each(KINDS)('word2vec %s kernel: one update equals -alpha * gradient of the exact loss', (kind) => {
  const alpha = 0.5;

  it('skip-gram with negative sampling', async () => {
    const model = allocateModel(layoutOf({ negative: 1, negTableSize: 1 }));
    fill(model.syn0, 1, 1);
    fill(model.syn1neg!, 2, 1);
    model.negTable[0] = 3; // every negative is word 3
    const inp0 = Float64Array.from(model.syn0);
    const out0 = Float64Array.from(model.syn1neg!);
    const kernel = await kernelFor(model, kind, { negative: 1 });
    // Sentence [0, 1], window 1: center 0 is predicted from context 1, then center 1 from context 0.
    kernel.trainSentence(Int32Array.from([0, 1]), 2, alpha);
    const steps: Step[] = [
      { inputs: [1], targets: [{ row: 0, label: 1 }, { row: 3, label: 0 }] },
      { inputs: [0], targets: [{ row: 1, label: 1 }, { row: 3, label: 0 }] },
    ];
    const want = replay(steps, Float64Array.from(inp0), Float64Array.from(out0), 8, alpha);
    expectClose(model.syn0, want.inp, inp0, 2e-5);
    expectClose(model.syn1neg!, want.out, out0, 2e-5);
    const stats = kernel.takeStats();
    expect(stats.examples).toBe(4);
    expect(stats.pairs).toBe(2);
    expect(Math.abs(stats.loss - want.loss)).toBeLessThan(1e-5 * want.loss);
    expect(kernel.takeStats()).toEqual({ loss: 0, examples: 0, pairs: 0 }); // takeStats resets
  });

  it('fastText n-grams: the input is the mean of the word row and its n-gram rows, and each of them takes the full gradient', async () => {
    // 6 words, then 4 n-gram rows (6..9); word 1 has n-gram rows 6 and 8, the others none.
    const model = allocateModel(layoutOf({ negative: 1, negTableSize: 1, bucket: 4, subwordCount: 2 }));
    model.subwordStarts.set([0, 0, 2, 2, 2, 2, 2]);
    model.subwordRows.set([6, 8]);
    fill(model.syn0, 11, 1);
    fill(model.syn1neg!, 12, 1);
    model.negTable[0] = 3;
    const inp0 = Float64Array.from(model.syn0);
    const out0 = Float64Array.from(model.syn1neg!);
    const kernel = await kernelFor(model, kind, { negative: 1 });
    kernel.trainSentence(Int32Array.from([0, 1]), 2, alpha);
    // As CBOW's mean: each averaged row moves by the gradient with respect to the mean (fastText).
    const steps: Step[] = [
      { inputs: [1, 6, 8], targets: [{ row: 0, label: 1 }, { row: 3, label: 0 }] },
      { inputs: [0], targets: [{ row: 1, label: 1 }, { row: 3, label: 0 }] },
    ];
    const want = replay(steps, Float64Array.from(inp0), Float64Array.from(out0), 8, alpha);
    expectClose(model.syn0, want.inp, inp0, 2e-5);
    expectClose(model.syn1neg!, want.out, out0, 2e-5);
    for (const untouched of [7, 9]) expect(Array.from(model.syn0.subarray(untouched * 8, untouched * 8 + 8))).toEqual(Array.from(inp0.subarray(untouched * 8, untouched * 8 + 8), Math.fround));
  });

  it('skip-gram with hierarchical softmax', async () => {
    const model = allocateModel(layoutOf({ negative: 0, hs: true }));
    fill(model.syn0, 3, 1);
    fill(model.syn1!, 4, 1);
    const mcl = model.layout.maxCodeLength;
    // Word 0: path nodes 0 then 1, codes 0,1. Word 1: nodes 0 then 2, codes 1,0.
    model.codeLengths.set([2, 2]);
    model.points.set([0, 1], 0 * mcl);
    model.codes.set([0, 1], 0 * mcl);
    model.points.set([0, 2], 1 * mcl);
    model.codes.set([1, 0], 1 * mcl);
    const inp0 = Float64Array.from(model.syn0);
    const out0 = Float64Array.from(model.syn1!);
    const kernel = await kernelFor(model, kind, { hs: true, negative: 0 });
    kernel.trainSentence(Int32Array.from([0, 1]), 2, alpha);
    // label = 1 - code (word2vec C).
    const steps: Step[] = [
      { inputs: [1], targets: [{ row: 0, label: 1 }, { row: 1, label: 0 }] },
      { inputs: [0], targets: [{ row: 0, label: 0 }, { row: 2, label: 1 }] },
    ];
    const want = replay(steps, Float64Array.from(inp0), Float64Array.from(out0), 8, alpha);
    expectClose(model.syn0, want.inp, inp0, 2e-5);
    expectClose(model.syn1!, want.out, out0, 2e-5);
    const stats = kernel.takeStats();
    expect(stats.examples).toBe(4);
    expect(Math.abs(stats.loss - want.loss)).toBeLessThan(1e-5 * want.loss);
  });

  it('CBOW (mean of contexts) with negative sampling', async () => {
    const model = allocateModel(layoutOf({ negative: 1, negTableSize: 1 }));
    fill(model.syn0, 5, 1);
    fill(model.syn1neg!, 6, 1);
    model.negTable[0] = 4;
    const inp0 = Float64Array.from(model.syn0);
    const out0 = Float64Array.from(model.syn1neg!);
    const kernel = await kernelFor(model, kind, { sg: false, negative: 1 });
    kernel.trainSentence(Int32Array.from([0, 1, 2]), 3, alpha);
    const steps: Step[] = [
      { inputs: [1], targets: [{ row: 0, label: 1 }, { row: 4, label: 0 }] },
      { inputs: [0, 2], targets: [{ row: 1, label: 1 }, { row: 4, label: 0 }] },
      { inputs: [1], targets: [{ row: 2, label: 1 }, { row: 4, label: 0 }] },
    ];
    const want = replay(steps, Float64Array.from(inp0), Float64Array.from(out0), 8, alpha);
    expectClose(model.syn0, want.inp, inp0, 2e-5);
    expectClose(model.syn1neg!, want.out, out0, 2e-5);
    const stats = kernel.takeStats();
    expect(stats.examples).toBe(6);
    expect(stats.pairs).toBe(3);
    expect(Math.abs(stats.loss - want.loss)).toBeLessThan(1e-5 * want.loss);
  });

  it('skips a negative equal to the positive word without redrawing', async () => {
    const model = allocateModel(layoutOf({ negative: 3, negTableSize: 1 }));
    fill(model.syn0, 9, 1);
    model.negTable[0] = 0; // every draw hits the center word 0 or differs for center 1
    const kernel = await kernelFor(model, kind, { negative: 3 });
    kernel.trainSentence(Int32Array.from([0, 1]), 2, 0.1);
    // Center 0: positive only (3 skipped draws). Center 1: positive + 3 negatives (word 0).
    expect(kernel.takeStats().examples).toBe(1 + 4);
  });
});

// ---- a random corpus for determinism and wasm/js agreement ----

function zipfCorpus(vocab: number, sentences: number, length: number, seed: number): Int32Array[] {
  let s = seed >>> 0;
  const out: Int32Array[] = [];
  for (let i = 0; i < sentences; i++) {
    const ids = new Int32Array(length);
    for (let j = 0; j < length; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      ids[j] = Math.min(vocab - 1, Math.floor(Math.exp((s / 2 ** 32) * Math.log(vocab + 1))) - 1);
    }
    out.push(ids);
  }
  return out;
}

function unigramTable(vocab: number, size: number): Int32Array {
  const table = new Int32Array(size);
  for (let i = 0; i < size; i++) table[i] = Math.floor(((i / size) ** 2) * vocab);
  return table;
}

/** A balanced Huffman-like tree over `vocab` words (depth = ceil(log2 vocab)). */
function balancedTree(model: ModelMemory): void {
  const { vocabSize, maxCodeLength } = model.layout;
  const depth = Math.ceil(Math.log2(vocabSize));
  for (let w = 0; w < vocabSize; w++) {
    model.codeLengths[w] = depth;
    let node = 0;
    for (let d = 0; d < depth; d++) {
      const bit = (w >> (depth - 1 - d)) & 1;
      model.codes[w * maxCodeLength + d] = bit;
      model.points[w * maxCodeLength + d] = node % (vocabSize - 1);
      node = 2 * node + 1 + bit;
    }
  }
}

const MIXED: ModelLayout = {
  vocabSize: 50, dim: 18, negative: 5, hs: true, negTableSize: 1000, maxCodeLength: 8,
  threads: 1, maxSentence: 200,
};

async function trainMixed(kind: 'js' | 'wasm', sg: boolean, seed: number): Promise<ModelMemory> {
  const model = allocateModel(MIXED);
  fill(model.syn0, 11, 0.5 / MIXED.dim);
  model.negTable.set(unigramTable(MIXED.vocabSize, MIXED.negTableSize));
  balancedTree(model);
  const kernel = await kernelFor(model, kind, { sg, hs: true, negative: 5, window: 5, seed });
  for (const ids of zipfCorpus(MIXED.vocabSize, 6, 200, 3)) kernel.trainSentence(ids, ids.length, 0.05);
  return model;
}

describe.each(KINDS)('word2vec %s kernel: determinism', (kind) => {
  it.each([true, false])('same seed twice gives bit-identical weights (sg=%s, hs + negative, dim 18)', async (sg) => {
    const a = await trainMixed(kind, sg, 42);
    const b = await trainMixed(kind, sg, 42);
    const c = await trainMixed(kind, sg, 43);
    expect(Buffer.from(a.syn0.buffer, a.offsets.syn0, a.syn0.byteLength)
      .equals(Buffer.from(b.syn0.buffer, b.offsets.syn0, b.syn0.byteLength))).toBe(true);
    expect(Array.from(a.syn1neg!)).toEqual(Array.from(b.syn1neg!));
    expect(Array.from(a.syn1!)).toEqual(Array.from(b.syn1!));
    expect(Array.from(a.syn0)).not.toEqual(Array.from(c.syn0)); // the seed matters
  });
});

describe('word2vec kernels: wasm agrees with js', () => {
  it.each([true, false])('same seed gives the same weights to float rounding (sg=%s)', async (sg) => {
    const js = await trainMixed('js', sg, 5);
    const wasm = await trainMixed('wasm', sg, 5);
    for (const key of ['syn0', 'syn1neg', 'syn1'] as const) {
      const a = js[key]!;
      const b = wasm[key]!;
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(a[i]!));
        diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });

  it('reports the same stats', async () => {
    const stats = [];
    for (const kind of KINDS) {
      const model = allocateModel(MIXED);
      fill(model.syn0, 11, 0.5 / MIXED.dim);
      model.negTable.set(unigramTable(MIXED.vocabSize, MIXED.negTableSize));
      balancedTree(model);
      const kernel = await kernelFor(model, kind, { sg: true, hs: true, negative: 5, window: 5, seed: 9 });
      for (const ids of zipfCorpus(MIXED.vocabSize, 3, 200, 4)) kernel.trainSentence(ids, ids.length, 0.05);
      stats.push(kernel.takeStats());
    }
    expect(stats[1]!.examples).toBe(stats[0]!.examples);
    expect(stats[1]!.pairs).toBe(stats[0]!.pairs);
    expect(Math.abs(stats[1]!.loss - stats[0]!.loss)).toBeLessThan(1e-5 * stats[0]!.loss);
  });
});

describe.each(KINDS)('word2vec %s kernel: learning', (kind) => {
  it.each([true, false])('reduces the loss on a planted task (sg=%s)', async (sg) => {
    // 40 words in 10 groups of 4; each sentence stays inside one group, so a context predicts its group.
    const layout = layoutOf({ vocabSize: 40, dim: 16, negative: 5, negTableSize: 400, maxSentence: 64 });
    const model = allocateModel(layout);
    fill(model.syn0, 13, 0.5 / layout.dim);
    for (let i = 0; i < layout.negTableSize; i++) model.negTable[i] = i % layout.vocabSize;
    const kernel = await kernelFor(model, kind, { sg, negative: 5, window: 3, seed: 1 });
    const sentences = zipfCorpus(4, 60, 48, 21).map((members, i) => members.map((m) => (i % 10) * 4 + m));
    const meanLoss = (): number => {
      const { loss, examples } = kernel.takeStats();
      return loss / examples;
    };
    kernel.trainSentence(sentences[0]!, sentences[0]!.length, 0.05);
    const start = meanLoss(); // ~log 2 per example while vectors are near zero
    let end = 0;
    for (let epoch = 0; epoch < 8; epoch++) {
      for (const ids of sentences) kernel.trainSentence(ids, ids.length, 0.05 * (1 - epoch / 8));
      end = meanLoss();
    }
    expect(start).toBeGreaterThan(0.6);
    expect(end).toBeLessThan(0.6 * start);
  });
});

describe('word2vec kernel options', () => {
  it('rejects hs on a layout without syn1 and too many negatives', async () => {
    const model = allocateModel(layoutOf({}));
    await expect(kernelFor(model, 'js', { hs: true })).rejects.toThrow(WordloomError);
    await expect(kernelFor(model, 'js', { negative: 2 })).rejects.toThrow(/negative/);
    await expect(kernelFor(model, 'js', { threadIndex: 1 })).rejects.toThrow(/threadIndex/);
  });
});

describe.each(KINDS)('word2vec %s kernel: sentence guard', (kind) => {
  it('rejects ids outside the vocabulary and sentences longer than maxSentence', async () => {
    const model = allocateModel(layoutOf({ maxSentence: 4 }));
    model.negTable[0] = 3;
    const kernel = await kernelFor(model, kind, {});
    expect(() => kernel.trainSentence(Int32Array.from([0, 6]), 2, 0.1)).toThrow(/word id 6 at 1/);
    expect(() => kernel.trainSentence(Int32Array.from([0, -1]), 2, 0.1)).toThrow(RangeError);
    expect(() => kernel.trainSentence(new Int32Array(5), 5, 0.1)).toThrow(/sentence length 5/);
    expect(kernel.takeStats().examples).toBe(0); // nothing was trained
    kernel.trainSentence(new Int32Array(5), 4, 0.1); // a longer buffer with a valid length is fine
  });
});

describe('word2vec wasm kernel in worker threads', () => {
  it('two workers train the same shared memory (built dist kernel)', async () => {
    const layout: ModelLayout = { ...MIXED, hs: false, threads: 2 };
    const model = allocateModel(layout);
    fill(model.syn0, 17, 0.5 / layout.dim);
    model.negTable.set(unigramTable(layout.vocabSize, layout.negTableSize));
    const before = Float32Array.from(model.syn1neg!);
    const url = new URL('../../../dist/embeddings/word2vec/kernel/index.js', import.meta.url).href;
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(${JSON.stringify(url)}).then(async ({ attachModel, createThreadKernel }) => {
        const model = attachModel(workerData.memory, workerData.layout);
        const kernel = await createThreadKernel(model, { sg: true, hs: false, negative: 5, window: 5,
          threadIndex: workerData.thread, seed: workerData.thread });
        const ids = new Int32Array(200).map((_, i) => (i * 7 + workerData.thread) % 50);
        kernel.trainSentence(ids, ids.length, 0.05);
        parentPort.postMessage({ kind: kernel.kind, stats: kernel.takeStats() });
      });`;
    const results = await Promise.all([0, 1].map((thread) => new Promise<{ kind: string; stats: { examples: number } }>(
      (resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { memory: model.memory, layout, thread } });
        worker.once('message', (m) => { resolve(m); void worker.terminate(); });
        worker.once('error', reject);
      })));
    expect(results.map((r) => r.kind)).toEqual(['wasm', 'wasm']);
    for (const r of results) expect(r.stats.examples).toBeGreaterThan(1000);
    // The workers' updates are visible in this thread's view of the same memory.
    let changed = 0;
    for (let i = 0; i < before.length; i++) if (model.syn1neg![i] !== before[i]) changed++;
    expect(changed).toBeGreaterThan(before.length / 2);
  });
});
