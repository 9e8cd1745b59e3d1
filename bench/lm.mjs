#!/usr/bin/env node
// Language-model quality and speed: wordloom's trainer (src/seq/lm) and generator (src/seq/generate)
// against the same model trained the same way in PyTorch 1.13 (Debian), in one run:
//
//   dinos        character model on ../shared/data/charlm/dinos.txt (all 1,542 names train): 100
//                names sampled from each (temperature 1, seeded), the share not in the training list
//   shakespeare  character model on tiny-shakespeare, its last 10% validation: validation nats per
//                character after the same steps (goal: within 0.03 of PyTorch's), wall time,
//                tokens/s, a 500-character sample
//   words        word model on the Gutenberg corpus, the first 2,000,000 words training, the next
//                200,000 validation, 10,000 most frequent words (+ 4 special ids): validation
//                perplexity after the same steps, time per epoch (measured, or estimated from the
//                step time when the run is capped below an epoch)
//
//   node bench/lm.mjs [--task dinos,shakespeare,words] [--steps N | --steps task=N,...] [--quick]
//                     [--threads N] [--torch-threads auto|N] [--torch-init same|match|default] [--seed N]
//                     [--skip-torch] [--skip-wordloom] [--keep DIR] [--json]
//
// Both tools read the same ids: bench/lm_wordloom.mjs first prepares them (vocabulary and encoding
// exactly as trainLanguageModel does; the training run then checks its vocabulary and token
// counts against them), then trains wordloom; bench/lm_torch.py trains PyTorch on the prepared
// files. Same model (embedding -> LSTM layers -> dense over every step), same parallel-stream
// batching with the state carried between windows and reset each epoch, same Adam, clipping,
// learning-rate decay on a validation plateau, validation computation and step count. Each tool
// runs in its own child process, one after another.
// Steps (windows) by default: dinos 1,000 (16 x 32 tokens, ~26 epochs), shakespeare 1,000 (32 x 64,
// 2.05 epochs), words 600 (32 x 35, a third of an epoch: a whole one is 1,823 steps, ~14-17 min per
// tool on 2 cores); the whole default run takes ~18 min on a quiet machine. --steps N sets every
// chosen task; --steps words=0 trains whole epochs (one) instead of a step count.
// --threads: wordloom's kernel threads (default: all cores). --torch-threads: torch.set_num_threads;
// default auto: PyTorch times a few steps of a throwaway copy of the model at 2 threads and at 1
// and trains with the faster (on a quiet machine 2; with other work on one of the two cores its
// 2-thread steps can be 10x slower than 1-thread ones, as bench/rnn.mjs notes). The choice and the
// probe times are printed.
// --torch-init: same (default): PyTorch starts from wordloom's very initial weights (written by
// bench/lm_wordloom.mjs from wordloom's seeded initializer), so the two runs differ only by float
// rounding and any difference in the math shows; match: its own draw from the same distributions
// (uniform +-sqrt(3) embedding, one LSTM bias per gate, zero dense bias), so the gap includes the
// luck of the draw; default: PyTorch's own initialisation (N(0, 1) embedding, two LSTM biases).
// --quick: a smoke run of about 2 minutes (few steps; the words task validates on 20,000 words).
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { PY, ensureTorch, failer, fmtInt, log, machine, median, root, runChild, table } from './lib/harness.mjs';

const DATA = join(root, '..', 'shared', 'data');
const TASKS = ['dinos', 'shakespeare', 'words'];

const COMMON = { optimizer: 'adam', lr: 2e-3, clip: 5, lrDecay: 0.5, patience: 3, dropout: 0, minCount: 1, maxVocab: 0, cell: 'lstm', tieWeights: false };

/** Model, data and run settings per task; steps: [full run, --quick]. */
const SPECS = {
  dinos: {
    title: 'Dinosaur names',
    source: () => [join(DATA, 'charlm', 'dinos.txt')],
    options: { level: 'char', layers: 1, units: 128, embedding: 32, batch: 16, seqLen: 32, valFraction: 0 },
    steps: [1000, 150],
    samples: (seed) => [{ name: 'names', options: { count: 100, maxLength: 40, temperature: 1, seed } }],
  },
  shakespeare: {
    title: 'tiny-shakespeare',
    source: () => [join(DATA, 'charlm', 'tinyshakespeare.txt')],
    options: { level: 'char', layers: 2, units: 256, embedding: 64, batch: 32, seqLen: 64, valFraction: 0.1 },
    steps: [1000, 30],
    samples: (seed) => [{ name: 'sample', options: { count: 1, maxLength: 500, temperature: 1, seed, stopAtEos: false, eosText: '\n' } }],
  },
  words: {
    title: 'Gutenberg words',
    source: null, // written by prepareWords
    options: { level: 'word', tokenizer: 'whitespace', maxVocab: 10000, layers: 2, units: 256, embedding: 256, batch: 32, seqLen: 35, valFraction: 0 },
    trainWords: 2_000_000,
    valWords: [200_000, 20_000],
    steps: [600, 10],
    samples: (seed) => [{ name: 'sample', options: { count: 3, maxLength: 40, temperature: 1, seed } }],
  },
};

const fail = failer('lm');

function parseArgs(argv) {
  const args = { tasks: [...TASKS], steps: {}, quick: false, threads: availableParallelism(), torchThreads: 'auto', torchInit: 'same', seed: 1, tools: new Set(['wordloom', 'torch']), keep: null, json: false };
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
    if (a === '--task') {
      args.tasks = next().split(',');
      for (const t of args.tasks) if (!TASKS.includes(t)) fail(`--task expects some of ${TASKS.join(',')}, got ${t}`);
    } else if (a === '--steps') {
      for (const part of next().split(',')) {
        if (part.includes('=')) {
          const [t, n] = part.split('=');
          if (!TASKS.includes(t)) fail(`--steps: unknown task ${t} (known: ${TASKS.join(', ')})`);
          args.steps[t] = count('--steps', n, 0);
        } else for (const t of TASKS) args.steps[t] = count('--steps', part, 0);
      }
    } else if (a === '--quick') args.quick = true;
    else if (a === '--threads') args.threads = count(a, next(), 1);
    else if (a === '--torch-threads') {
      const v = next();
      args.torchThreads = v === 'auto' ? v : count(a, v, 1);
    }
    else if (a === '--torch-init') {
      args.torchInit = next();
      if (!['same', 'match', 'default'].includes(args.torchInit)) fail(`--torch-init expects same, match or default, got ${args.torchInit}`);
    } else if (a === '--seed') args.seed = count(a, next(), 0);
    else if (a === '--skip-torch') args.tools.delete('torch');
    else if (a === '--skip-wordloom') args.tools.delete('wordloom');
    else if (a === '--keep') args.keep = next();
    else if (a === '--json') args.json = true;
    else fail(`unknown option ${a}`);
  }
  return args;
}

/** The first trainWords words of the corpus as its lines (the last one cut), then valWords more. */
async function prepareWords(dir, trainWords, valWords) {
  const corpus = join(DATA, 'corpus', 'gutenberg-100m.txt.gz');
  const paths = [join(dir, 'words-train.txt'), join(dir, 'words-val.txt')];
  const outs = paths.map((p) => createWriteStream(p));
  const quotas = [trainWords, valWords];
  let part = 0;
  let taken = 0;
  const input = createReadStream(corpus).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    let words = line.split(' ').filter((x) => x.length > 0);
    while (words.length > 0 && part < 2) {
      const room = quotas[part] - taken;
      const piece = words.slice(0, room);
      if (!outs[part].write(`${piece.join(' ')}\n`)) await new Promise((r) => outs[part].once('drain', r));
      taken += piece.length;
      words = words.slice(piece.length);
      if (taken === quotas[part]) {
        part++;
        taken = 0;
      }
    }
    if (part === 2) break;
  }
  lines.close();
  input.destroy();
  await Promise.all(outs.map((o) => new Promise((r) => o.end(r))));
  if (part < 2) fail(`${corpus} has fewer than ${trainWords + valWords} words`);
  return paths;
}

function trainingNames(path) {
  return new Set(readFileSync(path, 'utf8').split('\n').map((l) => l.replace(/\r$/, '').normalize('NFC')).filter((l) => l.trim().length > 0));
}

async function runTask(name, args, dir) {
  const spec = SPECS[name];
  const q = args.quick ? 1 : 0;
  const dataDir = join(dir, name);
  mkdirSync(dataDir, { recursive: true });
  let paths;
  let valFile;
  if (name === 'words') {
    log(`words: cutting ${spec.trainWords.toLocaleString('en-US')} + ${spec.valWords[q].toLocaleString('en-US')} words from the corpus`);
    [paths, valFile] = await prepareWords(dataDir, spec.trainWords, spec.valWords[q]).then((p) => [[p[0]], p[1]]);
  } else paths = spec.source();
  const options = { ...COMMON, ...spec.options, seed: args.seed, ...(valFile ? { valFile } : {}) };

  log(`${name}: preparing the id streams`);
  const prep = runChild(process.execPath, [join(root, 'bench/lm_wordloom.mjs'), JSON.stringify({ mode: 'prep', paths, valFile, level: options.level, tokenizer: options.tokenizer, valFraction: options.valFraction, maxVocab: options.maxVocab, minCount: options.minCount, outDir: dataDir })]);
  if (prep.error) return { task: name, error: `data preparation failed: ${prep.error}` };
  if (args.tools.has('torch') && args.torchInit === 'same') {
    const init = runChild(process.execPath, [join(root, 'bench/lm_wordloom.mjs'), JSON.stringify({ mode: 'init', options: { ...options, seed: args.seed }, vocabSize: prep.vocabSize, outDir: dataDir })]);
    if (init.error) return { task: name, error: `writing wordloom's initial weights failed: ${init.error}` };
  }

  const streamLength = Math.floor((prep.trainTokens - 1) / options.batch);
  const windows = Math.ceil(streamLength / options.seqLen);
  const steps = args.steps[name] ?? spec.steps[q];
  options.maxSteps = steps;
  options.epochs = steps > 0 ? Math.ceil(steps / windows) : 1;
  const plannedSteps = steps > 0 ? steps : windows;
  const samples = spec.samples(args.seed);
  const rows = [];
  if (args.tools.has('wordloom')) {
    log(`${name}: wordloom, ${plannedSteps} steps (${windows} windows an epoch) ...`);
    const saveDir = join(dir, 'models', `${name}-wordloom`);
    const r = runChild(process.execPath, [join(root, 'bench/lm_wordloom.mjs'), JSON.stringify({ mode: 'train', paths, options: { ...options, threads: args.threads }, dataDir, trainTokens: prep.trainTokens, valTokens: prep.valTokens, samples, saveDir })]);
    log(r.error ?? `  ${r.trainSeconds.toFixed(0)} s training, final validation ${r.finalValidation ? r.finalValidation.loss.toFixed(4) : '-'}`);
    rows.push({ tool: 'wordloom', ...r });
  }
  if (args.tools.has('torch')) {
    log(`${name}: PyTorch (threads ${args.torchThreads}), ${plannedSteps} steps ...`);
    const r = runChild(PY, [join(root, 'bench/lm_torch.py'), JSON.stringify({ options, dataDir, valTokens: prep.valTokens, samples, threads: args.torchThreads, init: args.torchInit, seed: args.seed })], { OPENBLAS_NUM_THREADS: '1' });
    log(r.error ?? `  ${r.trainSeconds.toFixed(0)} s training, final validation ${r.finalValidation ? r.finalValidation.loss.toFixed(4) : '-'}`);
    rows.push({ tool: 'torch', ...r });
  }
  for (const r of rows) {
    if (r.error) continue;
    r.tokensPerSecond = r.stepTokens / r.stepSeconds;
    r.medianStepMs = median(r.ms);
    r.epochSeconds = steps === 0 ? r.trainSeconds : (r.stepSeconds / Math.max(1, r.ms.length)) * windows + (r.valSeconds / Math.max(1, r.epochs.filter((e) => e.validation).length) || 0);
    if (name === 'dinos') {
      const known = trainingNames(paths[0]);
      const names = r.samples[0].texts;
      r.novel = names.filter((n) => n.length > 0 && !known.has(n));
      r.novelShare = r.novel.length / names.length;
      r.distinct = new Set(names).size;
      r.empty = names.filter((n) => n.length === 0).length;
      r.meanLength = names.reduce((a, n) => a + [...n].length, 0) / names.length;
    }
  }
  return { task: name, title: spec.title, options, prep, windows, steps, plannedSteps, rows };
}

const fmtS = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const toolName = (r, args) => (r.tool === 'torch' ? `PyTorch ${r.version ?? ''} (${r.threads ?? args.torchThreads}T${args.torchInit === 'default' ? ', own init' : ''})` : `wordloom (${r.backend ?? 'wasm'}, ${args.threads}T)`);
const pct = (x) => (x === undefined ? '?' : `${Math.round(x * 100)}%`);

function describe(t) {
  const o = t.options;
  const model = `emb ${o.embedding} > ${o.layers > 1 ? `${o.layers} x ` : ''}LSTM ${o.units} > dense ${t.prep.vocabSize}`;
  const val = o.valFile ? `validation ${fmtInt(t.prep.valTokens)} tokens (next words)` : o.valFraction > 0 ? `validation the last ${o.valFraction * 100}% (${fmtInt(t.prep.valTokens)} tokens)` : 'no validation (all names train)';
  const steps = t.steps > 0 ? `${fmtInt(t.steps)} steps = ${(t.steps / t.windows).toFixed(2)} epochs` : `1 epoch = ${fmtInt(t.windows)} steps`;
  const unk = t.prep.trainUnkShare > 0 ? ` (${(t.prep.trainUnkShare * 100).toFixed(2)}% <UNK>)` : '';
  return `${model}; ${fmtInt(t.prep.trainTokens)} training tokens${unk} as ${o.batch} streams, windows of ${o.seqLen} (${fmtInt(t.windows)} an epoch); ${val}; Adam ${o.lr}, clip ${o.clip}; ${steps}`;
}

/** Mean training loss over equal step ranges, side by side. */
function lossCurve(rows, buckets) {
  const ok = rows.filter((r) => !r.error);
  if (ok.length === 0) return '';
  const n = Math.min(...ok.map((r) => r.losses.length));
  const size = Math.max(1, Math.ceil(n / buckets));
  const body = [];
  for (let s = 0; s < n; s += size) {
    const e = Math.min(n, s + size);
    body.push([`${s + 1}-${e}`, ...ok.map((r) => (r.losses.slice(s, e).reduce((a, b) => a + b, 0) / (e - s)).toFixed(3))]);
  }
  return table(['steps', ...ok.map((r) => `${r.tool} train loss`)], body, 1);
}

function print(results, args, info, loadBefore, loadAfter, totalSeconds) {
  console.log(`machine: ${info.nproc} cores, ${info.cpu}; load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  const torchRow = results.flatMap((t) => t.rows ?? []).find((r) => r.tool === 'torch' && r.blas);
  const init = {
    same: "wordloom's very initial weights (--torch-init same)",
    match: "its own draw from wordloom's distributions: uniform +-sqrt 3 embedding, one LSTM bias per gate, zero dense bias (--torch-init match)",
    default: "PyTorch's own initialisation (--torch-init default)",
  }[args.torchInit];
  console.log(`node ${info.node}; wordloom ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version} @ ${info.commit}; torch ${torchRow?.version ?? '-'} (${torchRow?.blas ?? '-'}); PyTorch starts from ${init}`);
  console.log(`whole run ${fmtS(totalSeconds)} s${args.quick ? ' (--quick: a smoke run, not a measurement)' : ''}. train s: the training call (vocabulary, steps, per-epoch validation); tokens/s: training windows only; others CPU: CPU used by other processes during the row, as a share of all cores.`);
  for (const t of results) {
    console.log(`\n## ${t.task}${t.title ? `: ${t.title}` : ''}`);
    if (t.error) {
      console.log(t.error);
      continue;
    }
    console.log(describe(t));
    for (const r of t.rows) {
      if (r.error) continue;
      if (r.tool === 'wordloom' && (!r.sameVocabulary || !r.sameTokens)) console.log(`WARNING: wordloom's vocabulary or token counts differ from the prepared ids PyTorch read (vocabulary ${r.sameVocabulary ? 'same' : 'DIFFERS'}, tokens ${r.sameTokens ? 'same' : 'DIFFER'})`);
      if (r.tool === 'torch' && r.threadProbeMs) console.log(`PyTorch threads: ${r.threads} (probe: ${Object.entries(r.threadProbeMs).map(([k, v]) => `${k} threads ${v.toFixed(0)} ms/step`).join(', ')})`);
      if (r.tool === 'wordloom' && r.recurrentActivation !== 'sigmoid') console.log(`NOTE: wordloom's ${r.cellClass} uses recurrentActivation ${r.recurrentActivation}, PyTorch sigmoid`);
    }
    const ok = t.rows.filter((r) => !r.error);
    const wl1 = ok.find((r) => r.tool === 'wordloom')?.losses[0];
    const pt1 = ok.find((r) => r.tool === 'torch')?.losses[0];
    if (wl1 !== undefined && pt1 !== undefined) {
      const same = args.torchInit === 'same';
      console.log(`step-1 loss: wordloom ${wl1.toFixed(6)}, PyTorch ${pt1.toFixed(6)}${same ? (Math.abs(wl1 - pt1) < 1e-4 ? ' (same initial weights: equal to float32 rounding)' : ' WARNING: the same initial weights should give the same first loss: the initial weights PyTorch read are not those wordloom trained from') : ''}`);
    }
    const errRows = t.rows.filter((r) => r.error).map((r) => `${r.tool}: ${r.error}`);
    if (t.task === 'dinos') {
      console.log(table(
        ['tool', 'params', 'steps', 'train s', 'ms/step', 'tokens/s', 'last-50 train loss', 'novel names', 'distinct', 'mean length', 'process s', 'peak RSS MB', 'others CPU'],
        ok.map((r) => [toolName(r, args), fmtInt(r.params), fmtInt(r.steps), fmtS(r.trainSeconds), r.medianStepMs.toFixed(1), fmtInt(r.tokensPerSecond), (r.losses.slice(-50).reduce((a, b) => a + b, 0) / Math.min(50, r.losses.length)).toFixed(3), `${r.novel.length}/100`, r.distinct, r.meanLength.toFixed(1), fmtS(r.wallSeconds), fmtInt(r.maxRSSKB / 1024), pct(r.othersCpu)]),
        1,
      ));
      for (const r of ok) {
        console.log(`\n${r.tool} novel names (first 12): ${r.novel.slice(0, 12).join(', ')}`);
        const old = r.samples[0].texts.filter((n) => !r.novel.includes(n) && n.length > 0);
        console.log(`${r.tool} names also in the training list (first 6): ${old.slice(0, 6).join(', ') || '-'}${r.empty ? `; empty: ${r.empty}` : ''}`);
      }
    } else {
      const unit = t.options.level === 'char' ? 'nats/char' : 'nats/word';
      console.log(table(
        ['tool', 'params', 'steps (epochs)', `val ${unit}`, t.options.level === 'char' ? 'bits/char' : 'val perplexity', 'train s', 'ms/step', 'tokens/s', t.steps > 0 ? 'est. s/epoch' : 's/epoch', 'val s', 'process s', 'peak RSS MB', 'others CPU'],
        ok.map((r) => {
          const v = r.finalValidation;
          return [
            toolName(r, args), fmtInt(r.params), `${fmtInt(r.steps)} (${(r.steps / t.windows).toFixed(2)})`, v ? v.loss.toFixed(4) : '-', v ? (t.options.level === 'char' ? v.bitsPerChar.toFixed(4) : v.perplexity.toFixed(1)) : '-',
            fmtS(r.trainSeconds), fmtInt(r.medianStepMs), fmtInt(r.tokensPerSecond), fmtS(r.epochSeconds), fmtS(r.valSeconds), fmtS(r.wallSeconds), fmtInt(r.maxRSSKB / 1024), pct(r.othersCpu),
          ];
        }),
        1,
      ));
      const wl = ok.find((r) => r.tool === 'wordloom');
      const pt = ok.find((r) => r.tool === 'torch');
      if (wl?.finalValidation && pt?.finalValidation) {
        const gap = wl.finalValidation.loss - pt.finalValidation.loss;
        const goal = t.task === 'shakespeare' ? ` (goal |gap| <= 0.03: ${Math.abs(gap) <= 0.03 ? 'met' : 'NOT met'})` : '';
        console.log(`\nvalidation gap wordloom - PyTorch: ${gap >= 0 ? '+' : ''}${gap.toFixed(4)} ${unit}${t.options.level === 'word' ? `, perplexity ${wl.finalValidation.perplexity.toFixed(1)} vs ${pt.finalValidation.perplexity.toFixed(1)}` : ''}${goal}; time: wordloom ${(wl.trainSeconds / pt.trainSeconds).toFixed(2)}x PyTorch's training time, ${(wl.tokensPerSecond / pt.tokensPerSecond).toFixed(2)}x its tokens/s`);
      }
      for (const r of ok) {
        const epochs = r.epochs.filter((e) => e.validation);
        if (epochs.length > 1) console.log(`${r.tool} validation by epoch: ${epochs.map((e) => `${e.epoch}: ${e.validation.loss.toFixed(4)} @ step ${e.step}, lr ${e.learningRate}`).join('; ')}`);
      }
      for (const r of ok) {
        for (const s of r.samples) {
          console.log(`\n${r.tool} ${s.name} (temperature ${s.options.temperature}, seed ${s.options.seed}${t.options.level === 'char' ? `, ${[...s.texts[0]].length} chars` : ''}):`);
          console.log('```');
          console.log(s.texts.join(t.options.level === 'word' ? '\n\n' : '\n---\n'));
          console.log('```');
        }
      }
    }
    if (errRows.length) console.log(errRows.join('\n'));
    const curve = lossCurve(t.rows, 10);
    if (curve) console.log(`\nmean training loss over the steps (same windows in the same order for both):\n${curve}`);
    const busy = ok.filter((r) => r.othersCpu > 0.1);
    if (busy.length) console.log(`\nWARNING: other processes used over 10% of the machine during ${busy.map((r) => r.tool).join(' and ')} (others CPU column): those times are inflated.`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const loadBefore = loadavg();
  if (args.tools.has('torch')) ensureTorch();
  const info = machine();
  log(`machine: ${info.nproc} cores, ${info.cpu}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  let dir;
  if (args.keep) {
    dir = args.keep;
    mkdirSync(dir, { recursive: true });
  } else dir = mkdtempSync(join(tmpdir(), 'wordloom-bench-lm-'));
  const results = [];
  try {
    for (const task of args.tasks) results.push(await runTask(task, args, dir));
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  const totalSeconds = (performance.now() - t0) / 1000;
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ machine: { ...info, loadBefore, loadAfter }, args: { ...args, tools: [...args.tools] }, totalSeconds, results }, null, 2)}\n`);
  } else print(results, args, info, loadBefore, loadAfter, totalSeconds);
  const failed = results.some((t) => t.error || t.rows.some((r) => r.error));
  process.exit(failed ? 1 : 0);
}

main();
