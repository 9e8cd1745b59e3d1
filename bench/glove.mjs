#!/usr/bin/env node
// GloVe against the Stanford C tool, same corpus and settings for both: dim 100, window 10
// symmetric, min-count 5, x_max 100, alpha 0.75, eta 0.05, 2 threads, 15 iterations. Prints
// counting time, tokens/s, peak memory (RSS), seconds per iteration, and analogy (top 30k),
// WordSim-353 and SimLex-999 from wordloom's own evaluator (src/vectors/evaluate) for both.
//
//   node bench/glove.mjs [--words N] [--iter N] [--threads N] [--memory MB] [--only wordloom,c]
//   node bench/glove.mjs --count-rounds N [--threads N] [--memory MB]   # counting only, N rounds, alternating
//
// --words N: the first N words of the corpus (cut at a line end); default: the whole corpus.
// The C tool is taken from $GLOVE_DIR (default /tmp/glove-src), built there with make when its
// build/ is missing (the source is github.com/stanfordnlp/GloVe; it is never part of wordloom).
// Timing needs a quiet machine: on a shared one, read the quality columns only (the others' CPU
// column says how busy other processes kept the cores; children run through bench/lib/harness.mjs).
import { spawnSync } from 'node:child_process';
import { machine, runTimed, table } from './lib/harness.mjs';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { decompressedCopy } from './decompressed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared/data');
const args = { countRounds: 0, words: 0, iter: 15, threads: 2, memory: 1024, only: ['wordloom', 'c'], corpus: join(shared, 'corpus/gutenberg-100m.txt.gz') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[++i];
  if (a === '--words') args.words = Number(v);
  else if (a === '--iter') args.iter = Number(v);
  else if (a === '--count-rounds') args.countRounds = Number(v);
  else if (a === '--threads') args.threads = Number(v);
  else if (a === '--memory') args.memory = Number(v);
  else if (a === '--only') args.only = v.split(',');
  else if (a === '--corpus') args.corpus = resolve(v);
  else {
    console.error(`bench/glove: unknown argument ${a}`);
    process.exit(2);
  }
}
if (!existsSync(args.corpus)) {
  console.log(`bench/glove: skipped: ${args.corpus} is missing`);
  process.exit(0);
}
const work = join(tmpdir(), 'wordloom-bench-glove');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

/** The first `words` words of the corpus, whole lines. */
function slice(path, words) {
  if (!words) return path;
  const out = join(work, `corpus-${words}.txt`);
  const text = readFileSync(path, 'utf8');
  let count = 0;
  let end = 0;
  for (let i = 0; i < text.length && count < words; ) {
    const nl = text.indexOf('\n', i);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    count += text.slice(i, lineEnd).split(' ').filter((w) => w.trim()).length;
    end = lineEnd;
    i = lineEnd;
  }
  const fd = openSync(out, 'w');
  writeSync(fd, text.slice(0, end));
  closeSync(fd);
  console.error(`slice: ${count} words -> ${out}`);
  return out;
}

const timed = runTimed;

async function judge(vectors) {
  const { loadVectors } = await import(join(root, 'dist/vectors/formats/index.js'));
  const { KeyedVectors } = await import(join(root, 'dist/vectors/keyed-vectors.js'));
  const ev = await import(join(root, 'dist/vectors/evaluate/index.js'));
  const kv = new KeyedVectors(await loadVectors(vectors));
  const analogy = ev.evaluateAnalogies(kv, await ev.readAnalogyQuestions(join(shared, 'eval/questions-words.txt')), { restrictVocab: 30000 });
  const ws = ev.evaluateWordPairs(kv, await ev.readWordPairs(join(shared, 'eval/wordsim353.txt')));
  const sl = ev.evaluateWordPairs(kv, await ev.readWordPairs(join(shared, 'eval/simlex999.txt')));
  return { analogy: analogy.total.accuracy, ws353: ws.spearman, simlex: sl.spearman };
}

const text = slice(await decompressedCopy(args.corpus), args.words);
const rows = [];
const cBuild = join(process.env.GLOVE_DIR ?? '/tmp/glove-src', 'build');

if (args.countRounds > 0) {
  // Counting only, the C tool's cooccur and `wordloom glove cooccur` taking turns, each round
  // both tools once: wall seconds of cooccur against wordloom's own counting seconds (as in the
  // full run: its vocabulary pass is left out, as vocab_count is for the C tool), peak RSS.
  const input = { input: readFileSync(text) };
  const vocab = join(work, 'c.vocab');
  writeFileSync(vocab, timed(join(cBuild, 'vocab_count'), ['-min-count', '5', '-verbose', '0'], input).stdout);
  const countRows = [];
  for (let round = 1; round <= args.countRounds; round++) {
    const co = timed(join(cBuild, 'cooccur'), ['-memory', String(args.memory / 1024), '-vocab-file', vocab, '-verbose', '0', '-window-size', '10', '-symmetric', '1', '-overflow-file', join(work, 'overflow')], input);
    countRows.push(['GloVe C cooccur', round, co.seconds.toFixed(1), '-', co.peakMb.toFixed(0), String(co.stdout.length / 16), `${(co.othersCpu * 100).toFixed(0)}%`]);
    const w = timed(process.execPath, [join(root, 'dist/cli/main.js'), '--json', '--quiet', 'glove', 'cooccur', text, '-o', join(work, 'w.bin'), '--window', '10', '--min-count', '5', '--threads', String(args.threads), '--memory', String(args.memory), '--tmp-dir', work]);
    const s = JSON.parse(w.stdout.toString('utf8'));
    countRows.push([`wordloom (${args.threads} threads)`, round, s.seconds.toFixed(1), `${(s.tokensPerSecond / 1e6).toFixed(2)}M`, w.peakMb.toFixed(0), String(s.records), `${(w.othersCpu * 100).toFixed(0)}%`]);
    rmSync(join(work, 'w.bin'), { force: true });
  }
  const m = machine();
  console.log(`\nGloVe counting, ${args.corpus}: window 10 symmetric, min-count 5, memory ${args.memory} MB; wordloom ${m.commit}, ${m.nproc} cores, ${m.cpu}`);
  console.log(table(['tool', 'round', 'count s', 'tokens/s', 'peak RSS MB', 'records', "others' CPU"], countRows, 1));
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

if (args.only.includes('wordloom')) {
  const out = join(work, 'wordloom.txt');
  const r = timed(process.execPath, [
    join(root, 'dist/cli/main.js'), '--json', '--quiet', 'train', 'glove', text, '-o', out, '--dim', '100', '--window', '10', '--min-count', '5',
    '--x-max', '100', '--alpha', '0.75', '--eta', '0.05', '--iter', String(args.iter), '--threads', String(args.threads), '--memory', String(args.memory), '--tmp-dir', work,
  ]);
  const s = JSON.parse(r.stdout.toString('utf8'));
  rows.push({ tool: 'wordloom', countSeconds: s.countingSeconds, tokensPerSecond: s.tokens / s.countingSeconds, peakMb: r.peakMb, othersCount: r.othersCpu, othersTrain: r.othersCpu, secondsPerIteration: s.secondsPerIteration, records: s.records, finalCost: s.costs.at(-1), ...(await judge(out)) });
}

if (args.only.includes('c')) {
  const dir = process.env.GLOVE_DIR ?? '/tmp/glove-src';
  const build = join(dir, 'build');
  if (!existsSync(join(build, 'glove'))) {
    if (!existsSync(join(dir, 'Makefile'))) {
      console.log(`bench/glove: C tool skipped: no GloVe source at ${dir} (check out github.com/stanfordnlp/GloVe there, or set GLOVE_DIR)`);
      args.only = args.only.filter((t) => t !== 'c');
    } else spawnSync('make', ['-C', dir], { stdio: 'inherit' });
  }
  if (args.only.includes('c')) {
    const input = { input: readFileSync(text) };
    const vocab = join(work, 'c.vocab');
    const v = timed(join(build, 'vocab_count'), ['-min-count', '5', '-verbose', '0'], input);
    const vfd = openSync(vocab, 'w');
    writeSync(vfd, v.stdout);
    closeSync(vfd);
    const co = timed(join(build, 'cooccur'), ['-memory', String(args.memory / 1024), '-vocab-file', vocab, '-verbose', '0', '-window-size', '10', '-symmetric', '1', '-overflow-file', join(work, 'overflow')], input);
    const cooc = join(work, 'c.cooccur.bin');
    const fd = openSync(cooc, 'w');
    writeSync(fd, co.stdout);
    closeSync(fd);
    const sh = timed(join(build, 'shuffle'), ['-memory', String(args.memory / 1024), '-verbose', '0', '-temp-file', join(work, 'shuf'), '-seed', '1'], { input: readFileSync(cooc) });
    const shuf = join(work, 'c.shuf.bin');
    const fd2 = openSync(shuf, 'w');
    writeSync(fd2, sh.stdout);
    closeSync(fd2);
    const save = join(work, 'c-vectors');
    const g = timed(join(build, 'glove'), ['-save-file', save, '-threads', String(args.threads), '-input-file', shuf, '-x-max', '100', '-alpha', '0.75', '-eta', '0.05', '-iter', String(args.iter), '-vector-size', '100', '-binary', '0', '-model', '2', '-vocab-file', vocab, '-verbose', '0', '-seed', '1']);
    const tokens = text === args.corpus ? null : readFileSync(text, 'utf8').split(/\s+/).filter(Boolean).length;
    const costs = [...g.stderr.matchAll(/cost: ([\d.]+)/g)].map((m) => Number(m[1]));
    rows.push({ tool: 'GloVe C', countSeconds: co.seconds, tokensPerSecond: tokens ? tokens / co.seconds : null, peakMb: Math.max(co.peakMb ?? 0, g.peakMb ?? 0) || null, othersCount: co.othersCpu, othersTrain: g.othersCpu, secondsPerIteration: g.seconds / args.iter, records: readFileSync(cooc).length / 16, finalCost: costs.at(-1), ...(await judge(`${save}.txt`)) });
  }
}

const f = (x, d) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const m = machine();
console.log(`\nGloVe, ${args.words ? `first ${args.words} words of ` : ''}${args.corpus}: dim 100, window 10, min-count 5, x_max 100, ${args.iter} iterations, ${args.threads} threads, memory ${args.memory} MB`);
console.log(`wordloom ${m.commit}, Node ${m.node}, ${m.nproc} cores, ${m.cpu}; others' CPU = share of all cores other processes used during the row`);
console.log(
  table(
    ['tool', 'count s', 'tokens/s', 'peak RSS MB', 's/iter', 'records', 'final cost', 'analogy %', 'WS353', 'SimLex', "others' CPU count / train"],
    rows.map((r) => [
      r.tool, f(r.countSeconds, 1), `${f(r.tokensPerSecond / 1e6, 2)}M`, f(r.peakMb, 0), f(r.secondsPerIteration, 2), String(r.records), f(r.finalCost, 5),
      f(r.analogy * 100, 2), f(r.ws353, 3), f(r.simlex, 3), `${f(r.othersCount * 100, 0)}% / ${f(r.othersTrain * 100, 0)}%`,
    ]),
    1,
  ),
);
if (rows.length === 2) {
  const [w, c] = rows;
  console.log(`ratios (C / wordloom, >= 1.0 means wordloom is as fast): counting ${f(c.countSeconds / w.countSeconds, 2)}, iteration ${f(c.secondsPerIteration / w.secondsPerIteration, 2)}`);
}
rmSync(work, { recursive: true, force: true });
