/**
 * Training: the cost falls over iterations; a planted-structure corpus's word groups come out as
 * nearest neighbours; training on a records file equals training from the corpus; Ctrl-C saves
 * a checkpoint that --resume continues; a diverging run names --eta. Needs the build (workers).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainGlove, countCooccurrences, saveGloveVocabulary } from '../../../src/embeddings/glove/index.js';
import { buildVocabulary } from '../../../src/text/corpus.js';
import { neighbourPurity, writePlantedCorpus } from '../word2vec/planted-corpus.js';

const corpus = writePlantedCorpus({ lines: 600 });
const dir = mkdtempSync(join(tmpdir(), 'wordloom-glove-train-test-'));
afterAll(() => {
  rmSync(corpus.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});
const base = { dim: 16, window: 5, minCount: 1, iter: 15, threads: 1, seed: 3, xMax: 10 };

describe('GloVe training', () => {
  it('lowers the cost every iteration and groups planted words as neighbours', async () => {
    const r = await trainGlove({ corpus: corpus.path }, base);
    expect(r.costs).toHaveLength(15);
    // measured: 1.26, 0.019, 0.012, 0.0117, ... 0.0110 (the words within a group are drawn at
    // random, so the cost levels off at that noise); it falls steeply, then keeps falling on the whole
    for (let i = 1; i < 4; i++) expect(r.costs[i]!).toBeLessThan(r.costs[i - 1]!);
    expect(r.costs.at(-1)!).toBeLessThan(Math.min(...r.costs.slice(0, 5)));
    expect(neighbourPurity(r.vectors.words, r.vectors.vectors, r.vectors.dim)).toBeGreaterThan(0.9);
    // the same counts from a records file and its vocabulary train to the same vectors
    const vocabulary = await buildVocabulary(corpus.path, { minCount: 1 });
    await countCooccurrences(corpus.path, vocabulary, join(dir, 'c.bin'), { window: 5, symmetric: true, memory: 4 });
    await saveGloveVocabulary(join(dir, 'c.vocab'), vocabulary);
    const fromFile = await trainGlove({ cooccur: join(dir, 'c.bin'), vocabulary: join(dir, 'c.vocab') }, base);
    expect(fromFile.vectors.vectors).toEqual(r.vectors.vectors);
  });

  it('saves a checkpoint on abort and resumes to the end', async () => {
    const checkpoint = join(dir, 'run.ckpt');
    const controller = new AbortController();
    await expect(
      trainGlove({ corpus: corpus.path }, { ...base, checkpoint, signal: controller.signal, onIteration: (r) => r.iteration === 3 && controller.abort() }),
    ).rejects.toThrow(/training interrupted; checkpoint saved to .*run\.ckpt/);
    expect(existsSync(checkpoint)).toBe(true);
    const logs: string[] = [];
    const r = await trainGlove({ corpus: corpus.path }, { ...base, checkpoint, resume: true, onLog: (m) => logs.push(m) });
    expect(logs.some((l) => /resuming from .*: [34] of 15 iterations done/.test(l))).toBe(true);
    expect(r.costs).toHaveLength(15);
    expect(existsSync(checkpoint)).toBe(false);
  });

  it('stops a diverging run naming --eta', async () => {
    await expect(trainGlove({ corpus: corpus.path }, { ...base, iter: 2, eta: 100, gradClip: 1e30 })).rejects.toThrow(/diverged.*lower --eta \(currently 100\)/);
  });
});
