import { existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainWord2Vec, type Word2VecOptions } from '../../../src/embeddings/word2vec/index.js';
import type { TrainingProgress } from '../../../src/embeddings/shared/progress.js';
import { loadVectors, saveVectors } from '../../../src/vectors/formats/index.js';
import { WordloomError } from '../../../src/errors.js';
import { saveCheckpoint } from '../../../src/embeddings/shared/checkpoint.js';
import { neighbourPurity, writePlantedCorpus } from './planted-corpus.js';

const corpus = writePlantedCorpus({ lines: 4000 }); // 40,000 words, 50 types
afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));

const small: Partial<Word2VecOptions> = { dim: 20, epochs: 5, minCount: 1, sample: 0, threads: 2 };

describe('trainWord2Vec on a corpus with 5 planted groups of 10 words', () => {
  const configs: [string, Partial<Word2VecOptions>][] = [
    ['skip-gram, negative sampling', {}],
    ['CBOW, negative sampling', { cbow: true }],
    ['skip-gram, hierarchical softmax', { hs: true, negative: 0 }],
    ['CBOW, hierarchical softmax', { cbow: true, hs: true, negative: 0 }],
  ];
  for (const [name, extra] of configs) {
    it(`${name}: top-5 neighbours recover the groups`, async () => {
      const result = await trainWord2Vec(corpus.path, { ...small, ...extra });
      expect(result.vectors.size).toBe(50);
      expect(result.vectors.words.some((w) => w.startsWith('<'))).toBe(false);
      expect(result.wordsPerEpoch).toBe(40_000);
      expect(neighbourPurity(result.vectors.words, result.vectors.vectors, 20)).toBeGreaterThan(0.9);
      expect(result.loss).toBeLessThan(Math.LN2);
    });
  }

  it('reports progress with a decaying learning rate and a finite loss', async () => {
    const events: TrainingProgress[] = [];
    await trainWord2Vec(corpus.path, { ...small, threads: 1, onProgress: (p) => events.push(p) });
    expect(events.length).toBeGreaterThan(5);
    const last = events[events.length - 1]!;
    expect(last.wordsDone).toBe(200_000);
    expect(last.totalWords).toBe(200_000);
    expect(last.fraction).toBe(1);
    expect(last.epoch).toBe(5);
    expect(events[0]!.learningRate).toBeGreaterThan(last.learningRate);
    expect(last.learningRate).toBeCloseTo(0.025 * 1e-4, 8);
    expect(Number.isFinite(last.loss) && last.loss > 0).toBe(true);
    expect(last.wordsPerSecondPerThread).toBeGreaterThan(0);
  });
});

describe('reproducibility', () => {
  it('gives bit-identical vectors with one thread and the same seed, different ones with another seed', async () => {
    const opts = { ...small, threads: 1, sample: 1e-2, seed: 42 };
    const a = await trainWord2Vec(corpus.path, opts);
    const b = await trainWord2Vec(corpus.path, opts);
    const c = await trainWord2Vec(corpus.path, { ...opts, seed: 43 });
    expect(Buffer.from(a.vectors.vectors.buffer).equals(Buffer.from(b.vectors.vectors.buffer))).toBe(true);
    expect(Buffer.from(a.vectors.vectors.buffer).equals(Buffer.from(c.vectors.vectors.buffer))).toBe(false);
  });
});

describe('options', () => {
  const rejects = async (opts: Partial<Word2VecOptions>, message: string) => {
    await expect(trainWord2Vec(corpus.path, { ...small, ...opts })).rejects.toThrow(message);
  };
  it('rejects impossible hyperparameters with a message naming the option', async () => {
    await rejects({ dim: 0 }, 'option --dim must be an integer between 1 and 10000, got 0');
    await rejects({ window: 0 }, 'option --window must be an integer between 1 and 1000, got 0');
    await rejects({ negative: 0 }, 'option --negative must be at least 1 when hierarchical softmax is off (add --hs to use negative 0)');
    await rejects({ alpha: 0 }, 'option --alpha must be a number greater than 0, got 0');
    await rejects({ alpha: -0.1 }, 'option --alpha must be a number greater than 0, got -0.1');
    await rejects({ epochs: 0 }, 'option --epochs must be an integer between 1 and 100000, got 0');
    await rejects({ minAlpha: 1 }, 'option --min-alpha must be a number between 0 and --alpha (0.025), got 1');
  });

  it('rejects a corpus with too few words above minCount', async () => {
    await expect(trainWord2Vec(corpus.path, { ...small, minCount: 1_000_000 })).rejects.toThrow(
      /only 0 word\(s\) occur at least 1000000 times \(option --min-count\); nothing to train/,
    );
  });
});

describe('saving', () => {
  it('round-trips the trained vectors through word2vec text and binary', async () => {
    const { vectors } = await trainWord2Vec(corpus.path, { ...small, epochs: 1 });
    for (const name of ['model.vec', 'model.bin']) {
      const path = join(corpus.dir, name);
      await saveVectors(path, vectors);
      const loaded = await loadVectors(path);
      expect(loaded.words).toEqual(vectors.words);
      expect(loaded.dim).toBe(20);
      if (name.endsWith('.bin')) expect(loaded.vectors).toEqual(vectors.vectors);
      else for (let i = 0; i < vectors.vectors.length; i++) expect(loaded.vectors[i]).toBeCloseTo(vectors.vectors[i]!, 5);
    }
  });
});

describe('checkpoints', () => {
  it('stops on abort with a checkpoint, resumes from it and finishes', async () => {
    const checkpoint = join(corpus.dir, 'resume.vec.ckpt');
    const controller = new AbortController();
    let stoppedAt = 0;
    const first = trainWord2Vec(corpus.path, {
      ...small,
      threads: 2,
      checkpoint,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.wordsDone >= 70_000 && !controller.signal.aborted) {
          stoppedAt = p.wordsDone;
          controller.abort();
        }
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'EINTERRUPTED', message: expect.stringContaining(checkpoint) });
    expect(existsSync(checkpoint)).toBe(true);

    const events: TrainingProgress[] = [];
    const resumed = await trainWord2Vec(corpus.path, { threads: 1, checkpoint, resume: true, onProgress: (p) => events.push(p) });
    // The schedule continues: the resumed run starts where the first one stopped, not at 0.
    expect(events[0]!.wordsDone).toBeGreaterThanOrEqual(stoppedAt);
    expect(events[0]!.epoch).toBeGreaterThanOrEqual(2);
    expect(events[events.length - 1]!.wordsDone).toBe(200_000);
    expect(resumed.options.dim).toBe(20); // options come from the checkpoint
    expect(resumed.vectors.size).toBe(50);
    expect(neighbourPurity(resumed.vectors.words, resumed.vectors.vectors, 20)).toBeGreaterThan(0.9);
    expect(existsSync(checkpoint)).toBe(false); // removed after success
  });

  it('writes a checkpoint after each epoch but the last', async () => {
    const checkpoint = join(corpus.dir, 'epochs.vec.ckpt');
    const seen: boolean[] = [];
    await trainWord2Vec(corpus.path, {
      ...small,
      threads: 1,
      checkpoint,
      onLog: (m) => {
        if (m.startsWith('epoch')) seen.push(existsSync(checkpoint));
      },
    });
    expect(seen).toEqual([true, true, true, true]);
    expect(existsSync(checkpoint)).toBe(false);
  });

  it('pauses for periodic checkpoints within epochs without changing the result', async () => {
    const checkpoint = join(corpus.dir, 'periodic.vec.ckpt');
    const opts = { ...small, threads: 1, sample: 1e-2, seed: 7 };
    const logs: string[] = [];
    const paused = await trainWord2Vec(corpus.path, { ...opts, checkpoint, checkpointEvery: 0.001, onLog: (m) => logs.push(m) });
    const plain = await trainWord2Vec(corpus.path, opts);
    expect(logs.filter((m) => /^checkpoint .*% done\)$/.test(m)).length).toBeGreaterThan(0);
    expect(Buffer.from(paused.vectors.vectors.buffer).equals(Buffer.from(plain.vectors.vectors.buffer))).toBe(true);
    expect(existsSync(checkpoint)).toBe(false);
  });

  for (const kernel of ['wasm', 'js'] as const) {
    it(`${kernel} kernel: an interrupted and resumed run gives the same vectors, bit for bit, as an uninterrupted one`, async () => {
      const checkpoint = join(corpus.dir, `identical-${kernel}.vec.ckpt`);
      // Subsampling on and negatives drawn ahead: every random stream must continue exactly.
      const opts = { ...small, epochs: 3, threads: 1, sample: 1e-3, seed: 11, kernel };
      const uninterrupted = await trainWord2Vec(corpus.path, opts);
      const controller = new AbortController();
      const first = trainWord2Vec(corpus.path, {
        ...opts,
        checkpoint,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.wordsDone >= 50_000) controller.abort(); // mid-epoch 2
        },
      });
      await expect(first).rejects.toMatchObject({ code: 'EINTERRUPTED' });
      const events: TrainingProgress[] = [];
      const resumed = await trainWord2Vec(corpus.path, { threads: 1, kernel, checkpoint, resume: true, onProgress: (p) => events.push(p) });
      expect(resumed.kernel).toBe(uninterrupted.kernel);
      expect(events[0]!.wordsDone).toBeGreaterThan(50_000);
      expect(events[0]!.wordsDone).toBeLessThan(120_000);
      expect(Buffer.from(resumed.vectors.vectors.buffer).equals(Buffer.from(uninterrupted.vectors.vectors.buffer))).toBe(true);
    });
  }

  it('logs that a resume with another thread count cannot be identical', async () => {
    const checkpoint = join(corpus.dir, 'threads.vec.ckpt');
    const controller = new AbortController();
    const first = trainWord2Vec(corpus.path, {
      ...small,
      epochs: 2,
      threads: 1,
      checkpoint,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.wordsDone >= 20_000) controller.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'EINTERRUPTED' });
    const logs: string[] = [];
    await trainWord2Vec(corpus.path, { threads: 2, checkpoint, resume: true, onLog: (m) => logs.push(m) });
    expect(logs.filter((m) => m.includes('fresh random streams'))).toHaveLength(1);
  });

  it('refuses a checkpoint of the previous format with a message saying so', async () => {
    const checkpoint = join(corpus.dir, 'old.vec.ckpt');
    await saveCheckpoint(checkpoint, { kind: 'wordloom-word2vec', version: 1 }, { syn0: new Float32Array(4) });
    await expect(trainWord2Vec(corpus.path, { checkpoint, resume: true })).rejects.toThrow(/older wordloom \(v1.*delete it and train again/);
  });

  it('refuses to resume without a checkpoint file', async () => {
    await expect(trainWord2Vec(corpus.path, { checkpoint: join(corpus.dir, 'none.ckpt'), resume: true })).rejects.toThrow(/no checkpoint at .*none\.ckpt/);
  });
});

describe('divergence and cleanup', () => {
  it('stops a diverging run with EDIVERGED naming the fix, and removes its temporary files', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'wordloom-w2v-tmp-'));
    try {
      const run = trainWord2Vec(corpus.path, { ...small, alpha: 50, tmpDir });
      await expect(run).rejects.toBeInstanceOf(WordloomError);
      await expect(run).rejects.toMatchObject({ code: 'EDIVERGED', message: expect.stringContaining('lower --alpha (currently 50)') });
      expect(readdirSync(tmpDir)).toEqual([]);
      await trainWord2Vec(corpus.path, { ...small, epochs: 1, tmpDir });
      expect(readdirSync(tmpDir)).toEqual([]);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });
});
