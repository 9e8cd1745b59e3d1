#!/usr/bin/env node
// Seq2seq on the dates task (the tfjs-examples date-conversion-attention model's shapes): wordloom
// (src/seq/seq2seq, Luong dot attention, whole-sequence decoder on the fused layers) against the
// same model in PyTorch 1.13 (bench/seq2seq_torch.py), on the same generated data, in one run.
//
//   data     corpora/dates (src/corpora/dates.ts): training pairs = `--dates` training-split dates in
//            all 22 styles, subsampled to `--train` pairs (default 9,131 dates -> 182,620 pairs, the
//            example's volume); `--test` held-out pairs (default 20,000) from the test split, whose
//            dates no training pair has
//   model    Embedding 64 + LSTM 64 encoder and decoder, dot attention, tanh(W[c; s]) 64, softmax;
//            Adam lr 1e-3, batch 128, clip 5, `--epochs` (default 2)
//   reports  seconds per epoch for both, wordloom / PyTorch speed, exact match on the held-out pairs
//            (goal 99.9%), greedy decoding strings/s (batches of 256) and one-string latency
//
//   node bench/seq2seq.mjs [--quick] [--dates N] [--train N] [--test N] [--epochs N] [--threads N]
//                          [--torch-threads N] [--backend wasm|cpu] [--skip-torch] [--json]
//
// --quick: 400 dates, 8,000 training pairs, 2,000 test pairs, 2 epochs (a smoke run). The full run,
// `npm run build && node bench/seq2seq.mjs` (defaults),
// takes on the order of 2 x 2 epochs x ~30 s of training on a quiet 2-core machine if wordloom matches
// PyTorch; on a contended machine every timing is meaningless (the exact-match numbers are not).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const quick = argv.includes('--quick');
const opts = {
  dates: Number(flag('dates', quick ? 400 : 9131)),
  train: Number(flag('train', quick ? 8000 : 182620)),
  test: Number(flag('test', quick ? 2000 : 20000)),
  epochs: Number(flag('epochs', 2)),
  threads: flag('threads') === undefined ? undefined : Number(flag('threads')),
  torchThreads: Number(flag('torch-threads', 2)),
  backend: flag('backend', 'wasm'),
  seed: Number(flag('seed', 1)),
};
const MODEL = { embedding: 64, units: 64, batch: 128, lr: 1e-3, clip: 5 };

const { generateDatePairs } = await import(join(root, 'dist/corpora/dates.js'));
const { selectBackend } = await import(join(root, 'dist/seq/backend/index.js'));
const { trainSeq2seq } = await import(join(root, 'dist/seq/seq2seq/index.js'));
const { sequenceAccuracy } = await import(join(root, 'dist/seq/metrics/index.js'));

// Data: every chosen training date in every style, subsampled (seeded) to the asked volume.
const all = generateDatePairs({ count: opts.dates, seed: opts.seed, split: 'train', allStyles: true });
let state = opts.seed >>> 0;
const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
for (let k = all.length - 1; k > 0; k--) {
  const j = Math.floor(rand() * (k + 1));
  [all[k], all[j]] = [all[j], all[k]];
}
const train = all.slice(0, Math.min(opts.train, all.length));
const test = generateDatePairs({ count: opts.test, seed: opts.seed + 1, split: 'test' });
const dir = mkdtempSync(join(tmpdir(), 'wl-bench-seq2seq-'));
const tsv = (pairs) => pairs.map((p) => `${p.source}\t${p.target}\n`).join('');
writeFileSync(join(dir, 'train.tsv'), tsv(train));
writeFileSync(join(dir, 'test.tsv'), tsv(test));
console.log(`dates: ${train.length} training pairs (${opts.dates} dates x 22 styles, subsampled), ${test.length} held-out pairs; ${opts.epochs} epochs, batch ${MODEL.batch}`);

// wordloom
const backend = await selectBackend({ backend: opts.backend });
const t0 = performance.now();
const model = await trainSeq2seq(train, {
  ...MODEL, epochs: opts.epochs, valFraction: 0, attention: 'luong-dot', seed: opts.seed, lrDecay: 1, patience: 0,
  ...(opts.threads ? { threads: opts.threads } : {}),
  onEpoch: (r) => console.error(`wordloom epoch ${r.epoch}: loss ${r.trainLoss.toFixed(4)}, ${r.seconds.toFixed(1)} s`),
});
const trainWall = (performance.now() - t0) / 1000;
let start = performance.now();
const outputs = model.translate(test.map((p) => p.source), { batch: 256 });
const decodeSeconds = (performance.now() - start) / 1000;
const exact = sequenceAccuracy(outputs.map((o) => [o.text]), test.map((p) => [p.target])).exactMatch;
start = performance.now();
const one = test.slice(0, 50);
for (const p of one) model.translate([p.source]);
const oneMs = (performance.now() - start) / one.length;
const params = [model.network.encoder, model.network.decoder].reduce((s, m) => s + m.countParams(), 0);
const wl = { backend, epochSeconds: model.history.map((h) => h.seconds), exactMatch: exact, decodePerSecond: test.length / decodeSeconds, oneStringMs: oneMs, parameters: params, trainWall };
model.dispose();

// PyTorch
let pt = null;
if (!argv.includes('--skip-torch')) {
  const r = spawnSync('/usr/bin/python3', [join(root, 'bench/seq2seq_torch.py'), JSON.stringify({ train: join(dir, 'train.tsv'), test: join(dir, 'test.tsv'), epochs: opts.epochs, threads: opts.torchThreads, seed: opts.seed, ...MODEL })], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, maxBuffer: 1 << 26,
  });
  process.stderr.write(r.stderr);
  if (r.status !== 0) console.error('PyTorch run failed');
  else pt = JSON.parse(r.stdout.trim().split('\n').pop());
}
rmSync(dir, { recursive: true, force: true });

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (name, x) => `| ${name} | ${x.parameters} | ${x.epochSeconds.map((s) => s.toFixed(1)).join(', ')} | ${(100 * x.exactMatch).toFixed(3)}% | ${x.decodePerSecond.toFixed(0)} | ${x.oneStringMs.toFixed(1)} |`;
const lines = [
  '| | parameters | seconds per epoch | exact match (held out) | greedy strings/s (batch 256) | one string, ms |',
  '|---|---|---|---|---|---|',
  row(`wordloom (${wl.backend})`, wl),
  ...(pt ? [row(`PyTorch (${pt.threads} threads)`, pt)] : []),
];
if (pt) lines.push(`\nwordloom / PyTorch speed per epoch: ${(mean(pt.epochSeconds) / mean(wl.epochSeconds)).toFixed(2)}x`);
if (argv.includes('--json')) console.log(JSON.stringify({ options: opts, wordloom: wl, torch: pt }));
else console.log(lines.join('\n'));
