#!/usr/bin/env node
// `npm run bench [-- name ...]`: runs the benchmark scripts one after another (never in parallel:
// they measure throughput on a 2-core machine). Each script prints its own table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['vocab', 'vectors', 'word2vec-kernel', 'word2vec', 'fasttext', 'glove', 'rnn', 'gemm', 'lm', 'seq2seq', 'classify', 'tsne'];
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-'));
const passThrough = args.filter((a) => a.startsWith('-'));
const chosen = names.length > 0 ? names : all;

if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
  console.error('bench: run `npm run build` first (dist/ is missing)');
  process.exit(1);
}
let failed = 0;
for (const name of chosen) {
  const script = join(here, `${name}.mjs`);
  if (!existsSync(script)) {
    console.error(`bench: no benchmark named ${name} (expected ${script}); known: ${all.join(', ')}`);
    failed++;
    continue;
  }
  console.log(`\n### bench/${name}.mjs ${passThrough.join(' ')}`);
  const r = spawnSync(process.execPath, [script, ...passThrough], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
