import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HNSW_DEFAULTS, HnswIndex } from '../../src/vectors/hnsw-index.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { measureRecall } from '../../src/vectors/recall.js';
import { randomSet, seededGaussian } from './fixtures.js';
import { useTempFolder } from '../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

describe('HnswIndex', () => {
  // 3,000 Gaussian vectors in 50 dimensions: no structure to exploit, a hard case for HNSW.
  const set = randomSet(3000, 50, 21);
  const kv = new KeyedVectors(set);
  const index = HnswIndex.build(set);
  // Query vectors that are not in the set: the hard case (words of the set are graph nodes).
  const g = seededGaussian(5);
  const queryVectors = Array.from({ length: 200 }, () => Float32Array.from({ length: 50 }, g));

  it(`reaches recall@10 >= 0.95 at the default ef (${HNSW_DEFAULTS.ef})`, () => {
    expect(index.ef).toBe(HNSW_DEFAULTS.ef);
    expect(measureRecall(kv, index, { queryVectors, k: 10 }).recall).toBeGreaterThanOrEqual(0.95);
    expect(measureRecall(kv, index, { queries: 200, k: 10 }).recall).toBeGreaterThanOrEqual(0.95);
  });

  it('has poor recall at hnswlib default ef 10, which is why ef is always set', () => {
    index.ef = 10;
    const low = measureRecall(kv, index, { queryVectors, k: 10 }).recall;
    index.ef = HNSW_DEFAULTS.ef;
    expect(low).toBeLessThan(0.9);
  });

  it('serves mostSimilar when attached, and exact search on request', () => {
    kv.useIndex(index);
    const approx = kv.similarByWord('w10', { topn: 5 });
    const exact = kv.similarByWord('w10', { topn: 5, exact: true });
    kv.useIndex(null);
    expect(approx.map((n) => n.word)).not.toContain('w10');
    expect(approx.length).toBe(5);
    expect(approx[0]!.word).toBe(exact[0]!.word);
    expect(approx[0]!.similarity).toBeCloseTo(exact[0]!.similarity, 5);
  });

  it('saves atomically and loads back with the same answers', async () => {
    const path = tmp.path('sub/index.hnsw');
    await index.save(path);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(tmp.path('sub')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const loaded = await HnswIndex.load(path, set, { ef: 150 });
    expect(loaded.ef).toBe(150);
    loaded.ef = index.ef;
    const q = kv.unit.row(42);
    expect(loaded.search(q, 10).ids).toEqual(index.search(q, 10).ids);
  });

  it('refuses an index built for other vectors', async () => {
    const path = tmp.path('sub/index.hnsw');
    await expect(HnswIndex.load(path, set.slice(100), { vectorsName: 'small.txt' })).rejects.toThrow(
      `index ${path} holds 3000 vectors but small.txt has 100; rebuild the index for these vectors`,
    );
    await expect(HnswIndex.load(tmp.path('none.hnsw'), set)).rejects.toThrow(`index file not found: ${tmp.path('none.hnsw')}`);
  });
});
