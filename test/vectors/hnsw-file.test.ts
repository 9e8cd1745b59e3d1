/**
 * hnswlib reads its index files without checks: a damaged one used to crash the process
 * (segmentation fault) at load or at the first search. Damaged files are loaded and searched in a
 * child process, so a crash fails the test instead of killing the runner.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveVectors } from '../../src/vectors/formats/index.js';
import { HnswIndex } from '../../src/vectors/hnsw-index.js';
import { randomSet, seededRandom } from './fixtures.js';
import { useTempFolder } from '../helpers/temp-folder.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = useTempFolder('wordloom-vectors-');
const set = randomSet(60, 8, 3);
const other = randomSet(60, 8, 4);

beforeAll(async () => {
  if (!existsSync(`${ROOT}dist/vectors/hnsw-index.js`)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  await saveVectors(tmp.path('v.bin'), set);
  await HnswIndex.build(set, { m: 4, efConstruction: 20 }).save(tmp.path('good.hnsw'));
}, 120_000);

/** Loads and searches each index file in one child process; one JSON result per file. */
function loadInChild(files: string[]): { status: number | null; signal: string | null; results: { file: string; ok: boolean; name?: string; code?: string; message?: string }[] } {
  const script = `
    import { loadVectors } from '${ROOT}dist/vectors/formats/index.js';
    import { HnswIndex } from '${ROOT}dist/vectors/hnsw-index.js';
    const set = await loadVectors(${JSON.stringify(tmp.path('v.bin'))});
    for (const file of ${JSON.stringify(files)}) {
      process.stdout.write(JSON.stringify({ file, start: true }) + '\\n');
      try {
        const index = await HnswIndex.load(file, set, { ef: 10 });
        for (let r = 0; r < set.size; r += 7) index.search(set.row(r), 5);
        process.stdout.write(JSON.stringify({ file, ok: true }) + '\\n');
      } catch (e) {
        process.stdout.write(JSON.stringify({ file, ok: false, name: e.name, code: e.code, message: e.message }) + '\\n');
      }
    }`;
  writeFileSync(tmp.path('child.mjs'), script);
  const r = spawnSync(process.execPath, [tmp.path('child.mjs')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  return { status: r.status, signal: r.signal, results: lines.filter((l) => l.start !== true) };
}

describe('damaged HNSW index files', () => {
  it('are refused with one line, never loaded into a crash (seeded mutations)', () => {
    const good = readFileSync(tmp.path('good.hnsw'));
    const random = seededRandom(2024);
    const int = (n: number) => Math.floor(random() * n);
    const files: string[] = [];
    for (let i = 0; i < 150; i++) {
      const bytes = Buffer.from(good);
      let out: Buffer = bytes;
      switch (i % 6) {
        case 0: // the header
          for (let k = 0; k < 1 + int(3); k++) bytes[int(96)] = int(256);
          break;
        case 1: // anywhere
          for (let k = 0; k < 1 + int(4); k++) bytes[int(bytes.length)] = int(256);
          break;
        case 2: // a 32-bit field (a count, an id, a length) set to a small or huge value
          bytes.writeUInt32LE(random() < 0.5 ? int(200) : 0xffffffff - int(1000), 4 * int(bytes.length / 4));
          break;
        case 3:
          out = bytes.subarray(0, int(bytes.length));
          break;
        case 4:
          out = Buffer.concat([bytes, Buffer.alloc(1 + int(300), int(256))]);
          break;
        case 5: // a level-0 neighbour id out of range
          bytes.writeUInt32LE(60 + int(1000), 96 + int(60) * (4 * 8 + 4 + 32 + 8) + 4);
          break;
      }
      const path = tmp.path(`bad-${i}.hnsw`);
      writeFileSync(path, out);
      files.push(path);
    }
    const { status, signal, results } = loadInChild(files);
    expect({ status, signal }, `crashed after ${results.length} files`).toEqual({ status: 0, signal: null });
    expect(results.length).toBe(files.length);
    let refused = 0;
    for (const r of results) {
      if (r.ok) continue;
      refused++;
      expect(r.name, `${r.file}: ${r.message}`).toBe('WordloomError');
      expect(r.message).not.toMatch(/[\n\r]/);
    }
    expect(refused).toBeGreaterThan(100);
  }, 60_000);

  it('an index of other vectors of the same size is refused', async () => {
    await expect(HnswIndex.load(tmp.path('good.hnsw'), other, { vectorsName: 'other.bin' })).rejects.toThrow(
      `index ${tmp.path('good.hnsw')} was not built from other.bin: its vector for row 0 differs; rebuild the index for these vectors`,
    );
    await expect(HnswIndex.load(tmp.dir, set)).rejects.toThrow(`${tmp.dir}: is a directory, expected an index file`);
    expect((await HnswIndex.load(tmp.path('good.hnsw'), set)).search(set.row(5), 1).ids).toEqual([5]);
  });
});
