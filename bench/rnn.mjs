#!/usr/bin/env node
// Tokens/s of one recurrent training step (forward, backward, Adam update), in one run:
// wordloom's fused layers against PyTorch 1.13 (Debian) and against tfjs's own layers, both on the
// wasm backend. Loss: sparse softmax cross-entropy of the next token at every step (the dense layer
// applied at every time step, mean over batch x steps). Random seeded token ids and targets.
//
//   node bench/rnn.mjs [--config 1,2,3,4a,4b] [--steps N] [--warmup N] [--tfjs-steps N]
//                      [--tfjs-warmup N] [--skip-tfjs] [--skip-torch] [--skip-wordloom]
//                      [--torch-threads 2,1] [--wordloom-layers-only] [--seed N] [--json]
//
// Configurations:
//   1   embedding 32 -> LSTM 128 -> dense 65, batch 64 x 64 steps
//   2   embedding 64 -> 2 x LSTM 256 -> dense 65, batch 64 x 100 steps
//   3   embedding 256 -> 2 x LSTM 256 -> dense 10,000, batch 32 x 35 steps (word level)
//   4a  as 1 with GRU 128;  4b  as 1 with SimpleRNN 128 (tanh).  `--config 4` means both.
//
// Every tool and configuration runs in its own child process (bench/rnn_torch.py,
// bench/rnn_tfjs_step.mjs), one after another, so peak RSS is per row and nothing competes for the
// two cores. Rows report the median of the timed steps after the warm-up steps. tfjs's own layers
// take 1-25 s a step: they get --tfjs-warmup 2 + --tfjs-steps 3 by default; the others 3 + --steps 20.
// PyTorch runs under /usr/bin/python3 with OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(T)
// (--torch-threads, default 2,1: a row for each; ratios use the fastest: with another process busy on
// one of the two cores, 2 threads can collapse to 0.2-1.8 s a step while 1 thread holds).
// Debian's torch calls whatever libblas.so.3 is installed: with only the reference BLAS (libblas3)
// a step is ~10x slower, so the script installs libopenblas0-pthread when torch does not load it.
// The wordloom row uses wordloom's fusedEmbedding, sparseSoftmaxCrossEntropy and fusedAdam too (as its README
// does); --wordloom-layers-only keeps tf.layers.embedding and tfjs's one-hot loss there, so that
// only the recurrent and dense layers differ from the tfjs row.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PY, ensureTorch, failer, fmtInt, log, machine, median, root, runChild, table } from './lib/harness.mjs';

const CONFIGS = {
  1: { label: 'emb 32 > LSTM 128 > dense 65, 64x64', vocab: 65, embed: 32, cell: 'lstm', units: 128, layers: 1, outputs: 65, batch: 64, steps: 64 },
  2: { label: 'emb 64 > 2xLSTM 256 > dense 65, 64x100', vocab: 65, embed: 64, cell: 'lstm', units: 256, layers: 2, outputs: 65, batch: 64, steps: 100 },
  3: { label: 'emb 256 > 2xLSTM 256 > dense 10k, 32x35', vocab: 10000, embed: 256, cell: 'lstm', units: 256, layers: 2, outputs: 10000, batch: 32, steps: 35 },
  '4a': { label: 'emb 32 > GRU 128 > dense 65, 64x64', vocab: 65, embed: 32, cell: 'gru', units: 128, layers: 1, outputs: 65, batch: 64, steps: 64 },
  '4b': { label: 'emb 32 > SimpleRNN 128 > dense 65, 64x64', vocab: 65, embed: 32, cell: 'rnn', units: 128, layers: 1, outputs: 65, batch: 64, steps: 64 },
};
const GATES = { lstm: 4, gru: 3, rnn: 1 };

const fail = failer('rnn');

function parseArgs(argv) {
  const args = { configs: ['1', '2', '3', '4a', '4b'], steps: 20, warmup: 3, tfjsSteps: 3, tfjsWarmup: 2, tools: new Set(['torch', 'tfjs', 'wordloom']), torchThreads: [2, 1], layersOnly: false, seed: 1, json: false };
  const count = (flag, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`${flag} expects an integer >= ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline;
    if (a.startsWith('--') && a.includes('=')) [a, inline] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const next = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--config') {
      args.configs = next().split(',').flatMap((c) => (c === '4' ? ['4a', '4b'] : [c]));
      for (const c of args.configs) if (!(c in CONFIGS)) fail(`--config expects some of ${Object.keys(CONFIGS).join(',')} (4 = 4a,4b), got ${c}`);
    } else if (a === '--steps') args.steps = count(a, next(), 1);
    else if (a === '--warmup') args.warmup = count(a, next(), 0);
    else if (a === '--tfjs-steps') args.tfjsSteps = count(a, next(), 1);
    else if (a === '--tfjs-warmup') args.tfjsWarmup = count(a, next(), 0);
    else if (a === '--torch-threads') args.torchThreads = next().split(',').map((t) => count(a, t, 1));
    else if (a === '--seed') args.seed = count(a, next(), 0);
    else if (a === '--skip-tfjs') args.tools.delete('tfjs');
    else if (a === '--skip-torch') args.tools.delete('torch');
    else if (a === '--skip-wordloom') args.tools.delete('wordloom');
    else if (a === '--json') args.json = true;
    else if (a === '--wordloom-layers-only') args.layersOnly = true;
    else fail(`unknown option ${a}`);
  }
  return args;
}

function measure(tool, key, args, threads) {
  const c = CONFIGS[key];
  const shape = { vocab: c.vocab, embed: c.embed, cell: c.cell, units: c.units, layers: c.layers, outputs: c.outputs, batch: c.batch, steps: c.steps, seed: args.seed };
  const [warmup, timed] = tool === 'tfjs' ? [args.tfjsWarmup, args.tfjsSteps] : [args.warmup, args.steps];
  const name = tool === 'torch' ? `PyTorch ${threads}T` : tool === 'tfjs' ? 'tfjs layers' : 'wordloom';
  process.stderr.write(`config ${key}: ${name}, ${warmup} warm-up + ${timed} timed steps ... `);
  const res = tool === 'torch'
    ? runChild(PY, [join(root, 'bench/rnn_torch.py'), JSON.stringify({ ...shape, warmup, timed, threads })], { OPENBLAS_NUM_THREADS: '1' })
    : runChild(process.execPath, [join(root, 'bench/rnn_tfjs_step.mjs'), JSON.stringify({ ...shape, tool, warmup, timed, layersOnly: args.layersOnly })]);
  const row = { config: key, tool, name, warmup, timed, ...res };
  if (row.ms) {
    row.medianMs = median(row.ms);
    row.tokensPerSecond = (c.batch * c.steps) / (row.medianMs / 1000);
    row.peakRSSMB = row.maxRSSKB / 1024;
  }
  log(row.error ?? row.unavailable ?? `${row.medianMs.toFixed(1)} ms/step (${row.wallSeconds.toFixed(0)} s)`);
  return row;
}

/** PyTorch keeps two bias vectors per recurrent layer (b_ih, b_hh), tfjs one: their counts differ by gates x units x layers. */
function paramCheck(key, torchParams, tfjsParams) {
  const c = CONFIGS[key];
  const expected = GATES[c.cell] * c.units * c.layers;
  return { expected, ok: torchParams - tfjsParams === expected };
}

const fmtMs = (x) => (x >= 100 ? fmtInt(x) : x.toFixed(1));
const fmtRatio = (x) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

function main() {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  if (args.tools.has('torch')) ensureTorch();
  const info = machine();
  log(`machine: ${info.nproc} cores, ${info.cpu} (${info.flags.join(', ')}); load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);

  const rows = [];
  for (const key of args.configs) {
    if (args.tools.has('torch')) for (const t of args.torchThreads) rows.push(measure('torch', key, args, t));
    if (args.tools.has('tfjs')) rows.push(measure('tfjs', key, args));
    if (args.tools.has('wordloom')) rows.push(measure('wordloom', key, args));
  }
  const loadAfter = loadavg();

  // Ratios: tokens/s of each row over the fastest PyTorch row and over the tfjs row of its configuration.
  const goals = [];
  for (const key of args.configs) {
    const mine = rows.filter((r) => r.config === key);
    const torchRows = mine.filter((r) => r.tool === 'torch' && r.medianMs);
    const torch = torchRows.sort((a, b) => a.medianMs - b.medianMs)[0];
    const tfjs = mine.find((r) => r.tool === 'tfjs' && r.medianMs);
    const tfParams = mine.find((r) => r.tool !== 'torch' && r.params)?.params;
    for (const r of mine) {
      if (!r.medianMs) continue;
      if (torch) r.vsTorch = torch.medianMs / r.medianMs;
      if (tfjs) r.vsTfjs = tfjs.medianMs / r.medianMs;
      if (r.tool === 'torch' && tfParams) r.paramCheck = paramCheck(key, r.params, tfParams);
    }
    const wl = mine.find((r) => r.tool === 'wordloom');
    if (wl) goals.push({ config: key, wordloom: wl.medianMs ? { vsTorch: wl.vsTorch, vsTfjs: wl.vsTfjs } : (wl.unavailable ?? wl.error) });
  }

  const versions = {
    node: info.node,
    tfjs: rows.find((r) => r.version && r.tool !== 'torch')?.version,
    tfjsWasm: rows.find((r) => r.wasmVersion)?.wasmVersion,
    torch: rows.find((r) => r.tool === 'torch' && r.version)?.version,
    blas: rows.find((r) => r.tool === 'torch' && r.blas)?.blas,
    wordloom: `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version} @ ${info.commit}`,
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ machine: { ...info, loadBefore, loadAfter }, versions, args: { ...args, tools: [...args.tools] }, rows, goals }, null, 2)}\n`);
    return;
  }

  console.log(`machine: ${info.nproc} cores, ${info.cpu} (${info.flags.join(', ')}); load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`versions: node ${versions.node}; tfjs ${versions.tfjs ?? '-'} + tfjs-backend-wasm ${versions.tfjsWasm ?? '-'}; torch ${versions.torch ?? '-'} (${versions.blas ?? '-'}); wordloom ${versions.wordloom}`);
  console.log('one step = forward + backward + Adam; loss = mean sparse softmax cross-entropy over batch x steps; ms/step = median of the timed steps after warm-up; tokens/s = batch x steps / median.');
  console.log('others CPU = CPU time used by other processes on this machine during the row, as a share of all cores (0% = quiet).');
  console.log('x PyTorch, x tfjs = tokens/s over the fastest PyTorch row, over the tfjs-layers row of the same configuration.');
  console.log("params: PyTorch counts two bias vectors per recurrent layer (b_ih + b_hh), tfjs one: PyTorch's count is larger by gates x units x layers (checked).\n");
  const body = rows.map((r) => {
    const c = CONFIGS[r.config];
    if (!r.medianMs) return [r.config, c.label, r.name, '-', '-', '-', '-', '-', '-', '-', '-', '-', r.unavailable ?? r.error];
    const notes = [];
    if (r.tool === 'torch') {
      notes.push(`${r.threads} thread${r.threads > 1 ? 's' : ''}`);
      if (!/openblas/i.test(r.blas ?? '')) notes.push(`BLAS ${r.blas}`);
      if (r.paramCheck) notes.push(r.paramCheck.ok ? `params = tfjs + ${r.paramCheck.expected} biases` : `PARAMS DIFFER (expected tfjs + ${r.paramCheck.expected})`);
      if (c.cell === 'gru') notes.push('reset gate after the matmul (tfjs: before)');
    } else {
      if (r.backend) notes.push(r.backend);
      if (r.leakedTensorsPerStep) notes.push(`LEAKS ${r.leakedTensorsPerStep} tensors/step`);
    }
    notes.push(`loss ${r.firstLoss.toFixed(3)} > ${r.lastLoss.toFixed(3)}`);
    return [
      r.config, c.label, r.name, fmtInt(r.params), `${r.warmup}+${r.timed}`, fmtMs(r.medianMs), fmtInt(r.tokensPerSecond), fmtInt(r.peakRSSMB),
      r.vsTorch ? fmtRatio(r.vsTorch) : '-', r.vsTfjs ? fmtRatio(r.vsTfjs) : '-', `${r.ms.length > 1 ? `${fmtMs(Math.min(...r.ms))}-${fmtMs(Math.max(...r.ms))}` : '-'}`,
      r.othersCpu === undefined ? '?' : `${Math.round(r.othersCpu * 100)}%`, notes.join('; '),
    ];
  });
  console.log(table(['cfg', 'model, batch x steps', 'tool', 'params', 'steps', 'ms/step', 'tokens/s', 'peak RSS MB', 'x PyTorch', 'x tfjs', 'ms range', 'others CPU', 'notes'], body, 3));

  const busy = rows.filter((r) => r.othersCpu > 0.1);
  if (busy.length) console.log(`\nWARNING: other processes used over 10% of the machine during ${busy.length} of ${rows.length} rows (others CPU column): those times are inflated; re-run on a quiet machine.`);
  console.log('\nGoal: wordloom >= 1.0x PyTorch (floor 0.5x) and >= 20x tfjs layers.');
  if (!args.tools.has('wordloom')) console.log('  wordloom: skipped (--skip-wordloom)');
  for (const g of goals) {
    if (typeof g.wordloom !== 'object') {
      console.log(`  config ${g.config}: wordloom ${g.wordloom}`);
      continue;
    }
    const { vsTorch, vsTfjs } = g.wordloom;
    const t = vsTorch === undefined ? 'PyTorch not measured' : `${fmtRatio(vsTorch)}x PyTorch (${vsTorch >= 1 ? 'met' : vsTorch >= 0.5 ? 'below goal, above floor' : 'BELOW FLOOR'})`;
    const j = vsTfjs === undefined ? 'tfjs not measured' : `${fmtRatio(vsTfjs)}x tfjs (${vsTfjs >= 20 ? 'met' : 'NOT met'})`;
    console.log(`  config ${g.config}: wordloom ${t}, ${j}`);
  }
}

main();
