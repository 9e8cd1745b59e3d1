/**
 * Training: the cost falls over iterations; a planted-structure corpus's word groups come out as
 * nearest neighbours; training on a records file equals training from the corpus; Ctrl-C saves
 * a checkpoint that --resume continues; a diverging run names --eta. Needs the build (workers).
 */
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainGlove, countCooccurrences, saveGloveVocabulary } from '../../../src/embeddings/glove/index.js';
import { buildVocabulary } from '../../../src/text/corpus.js';
import { neighbourPurity } from '../word2vec/planted-corpus.js';
import { SeededRandom } from '../../../src/embeddings/shared/rng.js';

/**
 * GloVe learns only from pairs that occur, so the planted groups must differ in their counts:
 * each word of a line is from the line's group with probability 0.75, else from any group.
 */
function writeMixedCorpus(lines: number): { dir: string; path: string } {
  const rng = new SeededRandom(11);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const g = rng.nextUint32() % 5;
    const words: string[] = [];
    for (let j = 0; j < 10; j++) words.push(`g${rng.nextFloat() < 0.75 ? g : rng.nextUint32() % 5}w${rng.nextUint32() % 10}`);
    out.push(words.join(' '));
  }
  const dir = mkdtempSync(join(tmpdir(), 'wordloom-glove-corpus-'));
  writeFileSync(join(dir, 'mixed.txt'), `${out.join('\n')}\n`);
  return { dir, path: join(dir, 'mixed.txt') };
}
const corpus = writeMixedCorpus(1500);
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
    // the words are drawn at random, so the cost levels off at that noise (Hogwild and fresh
    // shuffles make it wobble there): it falls steeply, then keeps falling on the whole
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
