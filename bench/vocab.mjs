#!/usr/bin/env node
/**
 * Vocabulary build speed against `wc -w` on the 100 MB Gutenberg corpus, in the same run.
 * Goal: within 3x of `wc -w`, peak RSS under 300 MB. Also times encodeCorpus (MB/s).
 *
 *   npx tsc -p tsconfig.json && node bench/vocab.mjs [--runs 3] [--corpus path]
 *
 * Each measurement runs in a child process so its peak RSS is its own. Machines shared with
 * other jobs are noisy: runs are interleaved and best and median are both printed.
 */
import { spawnSync } from 'node:child_process';
import { decompressedCopy } from './decompressed.mjs';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};


async function child(task, path, rest) {
  const { buildVocabulary, encodeCorpus } = await import(join(root, 'dist/text/corpus.js'));
  const lowercase = rest.includes('--lowercase');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result;
  if (task === 'build') {
    const vocab = await buildVocabulary(path, { lowercase });
    result = { types: vocab.size - 4, tokens: vocab.totalTokens, sentences: vocab.count(3) };
  } else {
    const vocab = await buildVocabulary(path, { minCount: 5 });
    const t1 = performance.now();
    let ids = 0;
    for await (const chunk of encodeCorpus(path, vocab, { unknown: 'skip' })) ids += chunk.length;
    const seconds = (performance.now() - t1) / 1000;
    result = { ids, encodeSeconds: seconds, mbPerSecond: statSync(path).size / 1e6 / seconds };
  }
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      ...result,
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

async function corpusFile() {
  const explicit = flag('--corpus');
  if (explicit) return explicit;
  const gz = join(root, '../shared/data/corpus/gutenberg-100m.txt.gz');
  if (!existsSync(gz)) {
    console.error(`corpus not found: ${gz} (pass --corpus <file>)`);
    process.exit(1);
  }
  return decompressedCopy(gz);
}

function runChild(task, path, extra = []) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', task, path, ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${task} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function timeWc(path) {
  const t0 = performance.now();
  const r = spawnSync('wc', ['-w', path], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`wc failed: ${r.stderr}`);
  return { seconds, words: Number(r.stdout.trim().split(/\s+/)[0]) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 2) => x.toFixed(d);

async function parent() {
  if (!existsSync(join(root, 'dist/text/corpus.js'))) {
    console.error('build first: npx tsc -p tsconfig.json');
    process.exit(1);
  }
  const path = await corpusFile();
  const runs = Number(flag('--runs', '3'));
  console.log(`corpus: ${path} (${fmt(statSync(path).size / 1e6, 1)} MB), ${runs} interleaved runs`);
  const wc = [];
  const build = [];
  const lower = [];
  for (let r = 0; r < runs; r++) {
    wc.push(timeWc(path));
    build.push(runChild('build', path));
    lower.push(runChild('build', path, ['--lowercase']));
  }
  const encode = runChild('encode', path);
  const wcBest = Math.min(...wc.map((x) => x.seconds));
  const buildBest = Math.min(...build.map((x) => x.seconds));
  const lowerBest = Math.min(...lower.map((x) => x.seconds));
  console.log(`wc -w:                ${wc[0].words} words; best ${fmt(wcBest)} s, median ${fmt(median(wc.map((x) => x.seconds)))} s`);
  console.log(
    `buildVocabulary:      ${build[0].tokens} tokens, ${build[0].types} types, ${build[0].sentences} lines; ` +
      `best ${fmt(buildBest)} s, median ${fmt(median(build.map((x) => x.seconds)))} s, ` +
      `cpu best ${fmt(Math.min(...build.map((x) => x.cpuSeconds)))} s, peak RSS ${fmt(Math.max(...build.map((x) => x.maxRssMB)), 0)} MB`,
  );
  console.log(
    `  --lowercase:        ${lower[0].types} types; best ${fmt(lowerBest)} s, median ${fmt(median(lower.map((x) => x.seconds)))} s, ` +
      `peak RSS ${fmt(Math.max(...lower.map((x) => x.maxRssMB)), 0)} MB`,
  );
  console.log(`ratio build / wc -w:  best ${fmt(buildBest / wcBest)}x, median ${fmt(median(build.map((x) => x.seconds)) / median(wc.map((x) => x.seconds)))}x (goal <= 3x)`);
  console.log(
    `encodeCorpus:         ${encode.ids} ids (min-count 5, unknown skipped) in ${fmt(encode.encodeSeconds)} s = ${fmt(encode.mbPerSecond, 0)} MB/s, peak RSS ${fmt(encode.maxRssMB, 0)} MB`,
  );
}

if (args[0] === '--child') await child(args[1], args[2], args.slice(3));
else await parent();
