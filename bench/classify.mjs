#!/usr/bin/env node
// Text classification on SST-2 (train on train, select on dev, report test) with the shared GloVe
// 100d vectors: wordloom's averaged model (defaults, and with word bigrams), its recurrent model and
// its autotune, next to Debian's `fasttext supervised` on the same split in the same run (defaults,
// with -pretrainedVectors, and with -autotune-validation on dev), each with the same time budget for
// the two searches. Reports test accuracy and training time (wall clock; the load average is printed,
// since timings on a shared machine are only comparable within one run).
//
//   node bench/classify.mjs                      # everything (about 15-40 minutes on 2 free cores)
//   node bench/classify.mjs --quick              # 1,000 training lines, 20 s budgets, 1 rnn epoch
//   node bench/classify.mjs --only ft,wl-avg     # some systems: ft, ft-pre, ft-auto, wl-avg, wl-avg2, wl-rnn, wl-auto
//   node bench/classify.mjs --budget 120         # autotune budget in seconds (default 300, fastText's default)
//   node bench/classify.mjs --rnn "--units 128"  # extra flags for the recurrent run (later values win; boolean flags cannot be undone)
//   node bench/classify.mjs --only wl-rnn,torch-rnn --seeds 1,2,3   # the recurrent recipe, wordloom's and PyTorch's, per seed
//
// torch-rnn is the recurrent recipe in PyTorch (bench/classify_torch.py: the same word table, network,
// optimisation and selection), run with /usr/bin/python3 (apt-get install -y python3-torch), 2 threads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(root, '..', 'shared', 'data');
const sst = join(data, 'sentiment', 'sst2');
const glove = join(data, 'embeddings', 'glove.6B.100d.top50k.txt.gz');
const cli = join(root, 'dist', 'cli', 'main.js');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const quick = flag('--quick');
const budget = Number(value('--budget', quick ? '20' : '300'));
const only = value('--only', 'ft,ft-pre,ft-auto,wl-avg,wl-avg2,wl-rnn,wl-auto,torch-rnn').split(',');
const seeds = value('--seeds', '1').split(',').map(Number);
const rnnExtra = value('--rnn', '').split(/\s+/).filter(Boolean);
// The recurrent recipe: a BiLSTM max-pooled over time, training words without a GloVe vector
// learned (GloVe's top 50,000 lack `a`, `'s`, `n't`), the vectors fine-tuned at a tenth of the rate,
// the rate halved on a validation plateau. --rnn adds flags (later values win).
const RNN = ['--model', 'rnn', '--bidirectional', '--pooling', 'max', '--dropout', '0.5', '--unknown', 'learn', '--embedding-lr-scale', '0.1', '--lr-decay', '0.5', '--patience', '4', '--epochs', quick ? '1' : '12', ...rnnExtra];

for (const [path, what] of [[sst, 'SST-2'], [glove, 'GloVe 100d vectors'], [cli, 'the built CLI (npm run build)']]) {
  if (!existsSync(path)) {
    console.error(`bench/classify: ${what} not found at ${path}; skipping`);
    process.exit(0);
  }
}
const fasttext = spawnSync('fasttext', [], { encoding: 'utf8' }).error ? null : 'fasttext';
if (fasttext === null && only.some((s) => s.startsWith('ft'))) console.error('bench/classify: fasttext not installed (apt-get install -y fasttext); its rows are skipped');

const work = mkdtempSync(join(tmpdir(), 'wordloom-bench-classify-'));
const lines = (split) => readFileSync(join(sst, `${split}.txt`), 'utf8').split('\n').filter((l) => l.trim() !== '');
const splits = { train: lines('train'), dev: lines('dev'), test: lines('test') };
if (quick) splits.train = splits.train.slice(0, 1000);
for (const [split, rows] of Object.entries(splits)) {
  writeFileSync(join(work, `${split}.txt`), `${rows.join('\n')}\n`);
  writeFileSync(join(work, `${split}.ft`), `${rows.map((l) => l.replace(/^(\S+) /, '__label__$1 ')).join('\n')}\n`);
}
const gloveText = gunzipSync(readFileSync(glove)).toString('utf8');
const gloveVec = join(work, 'glove.vec');
writeFileSync(gloveVec, `${gloveText.split('\n').filter(Boolean).length} 100\n${gloveText}`);

const results = [];
function timed(command, argv) {
  const start = performance.now();
  const r = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { seconds, stdout: r.stdout, stderr: r.stderr };
}

function fastTextRow(name, extra) {
  if (!only.includes(name) || fasttext === null) return;
  const model = join(work, name);
  const load = loadavg()[0];
  const t = timed('fasttext', ['supervised', '-input', join(work, 'train.ft'), '-output', model, '-thread', '2', '-verbose', '0', ...extra]);
  const test = timed('fasttext', ['test', `${model}.bin`, join(work, 'test.ft')]).stdout;
  const accuracy = Number(/P@1\s+([\d.]+)/.exec(test)[1]);
  record(name, `fasttext supervised ${extra.join(' ').replace(work + '/', '')}`.trim(), accuracy, t.seconds, load);
}

function wordloomRow(name, extra) {
  if (!only.includes(name)) return;
  const model = join(work, name);
  const load = loadavg()[0];
  const t = timed(process.execPath, [cli, '--json', '--quiet', 'classify', 'train', join(work, 'train.txt'), '--vectors', glove, '--val-file', join(work, 'dev.txt'), '-o', model, ...extra]);
  const summary = JSON.parse(t.stdout);
  const test = JSON.parse(timed(process.execPath, [cli, '--json', '--quiet', 'classify', 'eval', model, join(work, 'test.txt')]).stdout);
  const note = summary.autotune
    ? `${summary.autotune.trials.length} trials; best ${JSON.stringify(summary.autotune.best)}`
    : summary.model === 'rnn' ? perEpoch(summary.bestEpoch, summary.epochs, summary.seconds) : '';
  record(name, `wordloom classify train ${extra.join(' ')}`.trim(), test.accuracy, t.seconds, load, summary.validation?.accuracy, note);
}

function torchRow(name, seed) {
  if (!only.includes(name)) return;
  const load = loadavg()[0];
  const script = join(root, 'bench', 'classify_torch.py');
  const argv = [script, '--data', work, '--vectors', glove, '--seed', String(seed), '--threads', '2', ...(quick ? ['--epochs', '1'] : [])];
  const start = performance.now();
  const r = spawnSync('/usr/bin/python3', argv, { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
  const seconds = (performance.now() - start) / 1000;
  if (r.error || r.status !== 0) {
    console.error(`bench/classify: ${name} skipped (PyTorch: apt-get install -y python3-torch): ${(r.stderr ?? String(r.error)).trim().split('\n').pop()}`);
    return;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  record(name, `${out.tool} bench/classify_torch.py --seed ${seed} (the rnn recipe)`, out.test, seconds, load, out.dev, perEpoch(out.epoch, out.epochs, out.seconds));
}

/** The kept epoch and the training loop's seconds per epoch (validation included; loading the vectors not). */
function perEpoch(kept, epochs, seconds) {
  return `epoch ${kept} of ${epochs}, ${(seconds / epochs).toFixed(1)} s/epoch`;
}

function record(name, command, accuracy, seconds, load, dev, note = '') {
  const row = { name, command, accuracy, seconds, load, dev, note };
  results.push(row);
  console.log(`${name.padEnd(8)} test ${(accuracy * 100).toFixed(2)}%${dev !== undefined ? `  dev ${(dev * 100).toFixed(2)}%` : ''}  ${seconds.toFixed(1)} s (load ${load.toFixed(1)})  ${command}${note ? `  [${note}]` : ''}`);
}

console.log(`SST-2: ${splits.train.length} train, ${splits.dev.length} dev, ${splits.test.length} test lines; GloVe 6B 100d (50,000 words); autotune budget ${budget} s${quick ? ' (--quick)' : ''}; ${process.env.CI ? '' : 'load average now ' + loadavg()[0].toFixed(1)}`);
fastTextRow('ft', []);
fastTextRow('ft-pre', ['-dim', '100', '-pretrainedVectors', gloveVec]);
fastTextRow('ft-auto', ['-autotune-validation', join(work, 'dev.ft'), '-autotune-duration', String(budget)]);
wordloomRow('wl-avg', []);
wordloomRow('wl-avg2', ['--word-ngrams', '2']);
wordloomRow('wl-auto', ['--autotune', '--budget', String(budget)]);
for (const seed of seeds) {
  wordloomRow('wl-rnn', [...RNN, '--seed', String(seed)]);
  torchRow('torch-rnn', seed);
}

console.log('\n| system | test accuracy | training time (s, wall) | load average at start |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| \`${r.command}\` | ${(r.accuracy * 100).toFixed(2)}% | ${r.seconds.toFixed(1)} | ${r.load.toFixed(1)} |`);
