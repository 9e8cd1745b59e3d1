import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Word2Vec, loadVectors } from '../../../src/index.js';
import { writePlantedCorpus } from './planted-corpus.js';

describe('Word2Vec (library front door)', () => {
  const corpus = writePlantedCorpus({ lines: 1500, seed: 7 });
  afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));

  it('trains, answers neighbour queries from its own group, and saves what it trained', async () => {
    const model = await Word2Vec.train(corpus.path, { dim: 24, epochs: 4, minCount: 1, threads: 1, seed: 3, sample: 0 });
    expect(model.wv.set.size).toBe(50);
    expect(model.options.dim).toBe(24);
    expect(model.stats.loss).toBeGreaterThan(0);
    const neighbours = model.wv.mostSimilar({ positive: ['g2w4'], topn: 5 });
    expect(neighbours.length).toBe(5);
    const sameGroup = neighbours.filter((n) => n.word.startsWith('g2w')).length;
    expect(sameGroup).toBeGreaterThanOrEqual(4);

    const out = join(corpus.dir, 'model.bin');
    await model.save(out);
    const loaded = await loadVectors(out);
    expect(loaded.words).toEqual(model.wv.set.words);
    expect(Array.from(loaded.vectors)).toEqual(Array.from(model.wv.set.vectors));
  });
});
