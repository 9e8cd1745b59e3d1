/**
 * The playground server on an ephemeral port: its JSON API for vectors (exact and through an
 * HNSW index next to the vectors file), the files of a language model and nothing else, the
 * browser modules, and clear JSON errors for bad requests, after which it still answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/report-page.js';
import { startPlayground, type Playground } from '../../src/report/server.js';
import { HnswIndex } from '../../src/vectors/hnsw-index.js';
import { useCpuBackend } from '../seq/layers/harness.js';
import { writePlantedVectors, writeTinyLanguageModel } from './fixtures.js';
import { wellFormedProblems } from './well-formed.js';

let dir: string;
let playground: Playground;

beforeAll(async () => {
  await useCpuBackend();
  dir = mkdtempSync(join(tmpdir(), 'wordloom-serve-'));
  const vectors = await writePlantedVectors(join(dir, 'planted.vec'));
  // A second copy with an HNSW index next to it (<stem>.hnsw): its queries go through the index.
  await writePlantedVectors(join(dir, 'indexed.vec'));
  await HnswIndex.build(vectors.set, { m: 8, efConstruction: 50 }).save(join(dir, 'indexed.hnsw'));
  await writeTinyLanguageModel(join(dir, 'tiny-lm'));
  playground = await startPlayground({ models: [join(dir, 'planted.vec'), join(dir, 'indexed.vec'), join(dir, 'tiny-lm')], port: 0 });
}, 120_000);

afterAll(async () => {
  await playground?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(`${playground.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

const json = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const r = await get(path);
  expect(r.type).toMatch(/^application\/json/);
  return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
};

describe('wordloom serve', () => {
  it('listens on 127.0.0.1 and lists its models', async () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await json('/api/models');
    expect(status).toBe(200);
    expect(body).toEqual([
      { id: 'planted.vec', kind: 'vectors', name: 'planted.vec', info: { words: 25, dim: 16, index: null } },
      { id: 'indexed.vec', kind: 'vectors', name: 'indexed.vec', info: { words: 25, dim: 16, index: 'indexed.hnsw' } },
      expect.objectContaining({ id: 'tiny-lm', kind: 'lm', name: 'tiny-lm', info: expect.objectContaining({ level: 'char', files: ['model.json', 'weights.bin', 'vocab.tsv', 'lm.json'] }) }),
    ]);
  });

  it('answers neighbours and analogies, exactly and through the HNSW index', async () => {
    for (const id of ['planted.vec', 'indexed.vec']) {
      const n = await json(`/api/vectors/${id}/neighbours?q=apple&topn=5`);
      expect(n.status).toBe(200);
      expect(n.body.search).toBe(id === 'indexed.vec' ? 'hnsw' : 'exact');
      expect((n.body.neighbours as { word: string }[]).map((x) => x.word).sort()).toEqual(['cherry', 'grape', 'peach', 'pear', 'plum']);
      const a = await json(`/api/vectors/${id}/analogy?positive=king,woman&negative=man&topn=3`);
      expect(a.status).toBe(200);
      expect((a.body.neighbours as { word: string }[])[0]!.word).toBe('queen');
    }
    const two = await json('/api/vectors/planted.vec/neighbours?q=red%20blue&topn=2');
    expect((two.body.neighbours as { word: string }[]).every((x) => ['green', 'yellow', 'purple', 'orange'].includes(x.word))).toBe(true);
  });

  it('serves the page, tfjs, the generation modules and the model files, and nothing else', async () => {
    const page = await get('/');
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('<script src="/vendor/tf.min.js"></script>');
    expect((await get('/vendor/tf.min.js')).body.length).toBeGreaterThan(500_000);
    expect((await get('/vendor/tfjs-module.js')).body).toMatch(/export const \{[^}]*\bloadLayersModel\b/);
    const generate = await get('/lib/seq/generate/index.js');
    expect(generate.status).toBe(200);
    expect(generate.type).toMatch(/^text\/javascript/);
    expect((await get('/lib/text/vocabulary-file.js')).status).toBe(200);
    expect((await get('/lib/errors.js')).status).toBe(200); // imported by both
    expect((await get('/lib/cli/main.js')).status).toBe(404); // not reachable from the page's modules
    expect((await get('/lib/../package.json')).status).toBe(404);
    const modelJson = await get('/models/tiny-lm/model.json');
    expect(modelJson.status).toBe(200);
    expect(JSON.parse(modelJson.body).modelTopology).toBeDefined();
    expect((await get('/models/tiny-lm/weights.bin')).status).toBe(200);
    expect((await get('/models/tiny-lm/vocab.tsv')).body).toMatch(/^<PAD>\t0\n/);
    for (const path of ['/models/tiny-lm/..%2F..%2Fplanted.vec', '/models/tiny-lm/checkpoint', '/models/planted.vec/model.json', '/models/nosuch/model.json', '/etc/passwd']) {
      const r = await json(path);
      expect(r.status, path).toBe(404);
      expect(typeof r.body.error).toBe('string');
    }
  });

  it('bad requests get a clear JSON error and the server keeps answering', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/vectors/planted.vec/neighbours?q=nosuchword', 404, /nosuchword/],
      ['/api/vectors/planted.vec/neighbours', 400, /missing parameter q/],
      ['/api/vectors/planted.vec/neighbours?q=apple&topn=abc', 400, /topn must be an integer from 1 to 100, got "abc"/],
      ['/api/vectors/planted.vec/neighbours?q=apple&topn=100000', 400, /topn must be an integer/],
      ['/api/vectors/planted.vec/neighbours?q=apple&q=pear', 400, /parameter q must be given once/],
      [`/api/vectors/planted.vec/neighbours?q=${'x'.repeat(300)}`, 400, /longer than 200 characters/],
      ['/api/vectors/planted.vec/analogy?positive=king&negative=nosuch', 404, /nosuch/],
      ['/api/vectors/nosuch/neighbours?q=apple', 404, /no vectors called "nosuch"/],
      ['/api/vectors/tiny-lm/neighbours?q=apple', 404, /no vectors called "tiny-lm"/],
      ['/api/vectors/planted.vec/neighbours?q=%E0%A4%A', 404, /./], // a broken escape is read leniently: an unknown word
    ];
    for (const [path, status, message] of cases) {
      const r = await json(path);
      expect(r.status, path).toBe(status);
      expect(r.body.error, path).toMatch(message);
    }
    expect((await json('/api/vectors/planted.vec/neighbours?q=pear&topn=1')).status).toBe(200);
  });

  it('refuses to start on a path that is no model, naming it', async () => {
    await expect(startPlayground({ models: [join(dir, 'nothing-here')], port: 0 })).rejects.toThrow(/nothing-here: no such file or directory/);
    await expect(startPlayground({ models: [], port: 0 })).rejects.toThrow(/at least one/);
  });

  it("a language model's report: settings and figures from lm.json, seeded samples", async () => {
    const warnings: string[] = [];
    const a = await buildReport(join(dir, 'tiny-lm'), { seed: 3, onWarning: (m) => warnings.push(m) });
    expect(a.kind).toBe('lm');
    expect(a.sections).toEqual(['Final figures', 'Settings', 'Samples (seed 3, temperature 0.8)']);
    expect(warnings).toEqual([`no metrics log ${join(dir, 'tiny-lm.metrics.jsonl')}: the report has no training curves`]);
    expect(wellFormedProblems(a.html, 'html')).toEqual([]);
    expect(a.html).toContain('<th>units</th><td>8</td>');
    expect(a.html.match(/<pre class="sample">/g)!.length).toBe(3);
    const b = await buildReport(join(dir, 'tiny-lm'), { seed: 3 });
    expect(b.html.replace(/trained [^<·]*/, '')).toBe(a.html.replace(/trained [^<·]*/, ''));
  }, 60_000);
});
