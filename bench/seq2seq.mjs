#!/usr/bin/env node
// Seq2seq against the same model in PyTorch 1.13 (bench/seq2seq_torch.py), on the same data, in one
// run. Two tasks:
//
// --task dates (default): the tfjs-examples date-conversion-attention model's shapes: wordloom
// (src/seq/seq2seq, Luong dot attention, whole-sequence decoder on the fused layers)
//   data     corpora/dates (src/corpora/dates.ts): training pairs = `--dates` training-split dates in
//            all 22 styles, subsampled to `--train` pairs (default 9,131 dates -> 182,620 pairs, the
//            example's volume); `--test` held-out pairs (default 20,000) from the test split, whose
//            dates no training pair has
//   model    Embedding 64 + LSTM 64 encoder and decoder, dot attention, tanh(W[c; s]) 64, softmax;
//            Adam lr 1e-3, batch 128, clip 5, `--epochs` (default 2)
//   reports  seconds per epoch for both, wordloom / PyTorch speed, exact match on the held-out pairs
//            (goal 99.9%), greedy decoding strings/s (batches of 256) and one-string latency
//
// --task eng-fra: English -> French, word level, on ../shared/data/parallel/eng-fra.tsv (`--data`)
//   data     the PyTorch seq2seq tutorial's preparation: both sides lowercased, accents stripped,
//            `.!?` split off, anything else but letters a space; pairs with fewer than `--max-words`
//            (10) words on both sides and (with `--filter tutorial`, the default) an English side
//            starting with the tutorial's prefixes (i am, i m, he is, he s, she is, ..., they re);
//            `--filter all` keeps every short pair. Held out: `--held-out` (10%) of the distinct
//            English sentences (seeded), with all their pairs, so no test sentence was trained on;
//            a test sentence's references are all its French translations
//   model    Embedding E + LSTM U encoder and decoder (`--embedding`, `--units`, default 128), dot
//            attention, Adam `--lr` (1e-3), batch `--batch` (64), clip 5, `--epochs` (10); word
//            vocabularies of every training word (no minimum count) on both sides
//   reports  seconds per epoch for both, corpus BLEU-4 (src/seq/metrics/bleu.ts, the same code for
//            both tools' decoded strings; it matches NLTK's corpus_bleu) of greedy and beam 5
//            (length-normalised, the same beam search in both), and a few sample translations
//
//   node bench/seq2seq.mjs [--task dates|eng-fra] [--quick] [--epochs N] [--threads N]
//                          [--torch-threads N] [--backend wasm|cpu] [--skip-torch] [--json]
//     dates:   [--dates N] [--train N] [--test N]
//     eng-fra: [--data PATH] [--filter tutorial|all] [--max-words N] [--held-out F] [--units N]
//              [--embedding N] [--batch N] [--lr X] [--beam N] [--samples N] [--svg DIR]
//
// --quick: dates: 400 dates, 8,000 training pairs, 2,000 test pairs, 2 epochs; eng-fra: 1,500 pairs,
// 2 epochs (smoke runs). The full dates run, `npm run build && node bench/seq2seq.mjs` (defaults),
// takes on the order of 2 x 2 epochs x ~30 s of training on a quiet 2-core machine if wordloom matches
// PyTorch; on a contended machine every timing is meaningless (exact match and BLEU are not).
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
const task = flag('task', 'dates');
if (!['dates', 'eng-fra'].includes(task)) throw new Error(`--task must be dates or eng-fra, got ${task}`);
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
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const { generateDatePairs } = await import(join(root, 'dist/corpora/dates.js'));
const { selectBackend } = await import(join(root, 'dist/seq/backend/index.js'));
const { trainSeq2seq } = await import(join(root, 'dist/seq/seq2seq/index.js'));
const { sequenceAccuracy, corpusBleu } = await import(join(root, 'dist/seq/metrics/index.js'));

/** Fisher-Yates with a small LCG: the same order for the same seed, in place. */
function shuffleSeeded(items, seed) {
  let state = seed >>> 0;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let k = items.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [items[k], items[j]] = [items[j], items[k]];
  }
  return items;
}


async function dates() {
  // Data: every chosen training date in every style, subsampled (seeded) to the asked volume.
  const all = generateDatePairs({ count: opts.dates, seed: opts.seed, split: 'train', allStyles: true });
  shuffleSeeded(all, opts.seed);
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
}

/** The PyTorch seq2seq tutorial's normalisation: lowercase, no accents, `.!?` split off, other non-letters a space. */
function normalizeTutorial(text) {
  return text.toLowerCase().trim().normalize('NFD').replace(/\p{Mn}/gu, '').replace(/([.!?])/g, ' $1').replace(/[^a-zA-Z.!?]+/g, ' ').trim();
}

const TUTORIAL_PREFIXES = ['i am ', 'i m ', 'he is', 'he s ', 'she is', 'she s ', 'you are', 'you re ', 'we are', 'we re ', 'they are', 'they re '];

async function engFra() {
  const o = {
    data: flag('data', join(root, '../shared/data/parallel/eng-fra.tsv')),
    filter: flag('filter', 'tutorial'),
    maxWords: Number(flag('max-words', 10)),
    heldOut: Number(flag('held-out', 0.1)),
    pairs: Number(flag('pairs', quick ? 1500 : 0)),
    epochs: Number(flag('epochs', quick ? 2 : 10)),
    units: Number(flag('units', 128)),
    embedding: Number(flag('embedding', 128)),
    batch: Number(flag('batch', 64)),
    lr: Number(flag('lr', 1e-3)),
    clip: 5,
    beam: Number(flag('beam', 5)),
    samples: Number(flag('samples', 5)),
    svg: flag('svg'),
  };
  if (!['tutorial', 'all'].includes(o.filter)) throw new Error(`--filter must be tutorial or all, got ${o.filter}`);
  const { readFileSync, mkdirSync } = await import('node:fs');
  let pairs = [];
  for (const line of readFileSync(o.data, 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [en, fr] = [normalizeTutorial(line.slice(0, tab)), normalizeTutorial(line.slice(tab + 1))];
    if (!en || !fr || en.split(' ').length >= o.maxWords || fr.split(' ').length >= o.maxWords) continue;
    if (o.filter === 'tutorial' && !TUTORIAL_PREFIXES.some((p) => en.startsWith(p))) continue;
    pairs.push({ source: en, target: fr });
  }
  const kept = pairs.length;
  if (o.pairs > 0) pairs = shuffleSeeded(pairs, opts.seed + 7).slice(0, o.pairs);
  // Held out by English sentence: every pair of a test sentence is in the test part.
  const sentences = shuffleSeeded([...new Set(pairs.map((p) => p.source))].sort(), opts.seed);
  const testSentences = new Set(sentences.slice(0, Math.round(sentences.length * o.heldOut)));
  const train = pairs.filter((p) => !testSentences.has(p.source));
  const references = new Map();
  for (const p of pairs) if (testSentences.has(p.source)) references.set(p.source, [...(references.get(p.source) ?? []), p.target.split(' ')]);
  const testSources = [...references.keys()];
  const maxLength = 2 * train.reduce((m, p) => Math.max(m, p.target.split(' ').length), 1) + 10;
  const dir = mkdtempSync(join(tmpdir(), 'wl-bench-seq2seq-'));
  writeFileSync(join(dir, 'train.tsv'), train.map((p) => `${p.source}\t${p.target}\n`).join(''));
  writeFileSync(join(dir, 'test-sources.txt'), testSources.map((s) => `${s}\n`).join(''));
  const MODEL_EF = { embedding: o.embedding, units: o.units, batch: o.batch, lr: o.lr, clip: o.clip };
  console.log(
    `eng-fra (${o.data}): ${kept} pairs kept (filter ${o.filter}, fewer than ${o.maxWords} words a side)${o.pairs > 0 ? `, ${pairs.length} sampled` : ''}; ` +
      `${train.length} training pairs, ${testSources.length} held-out English sentences (${[...references.values()].reduce((s, r) => s + r.length, 0)} references); ` +
      `LSTM ${o.units}, embedding ${o.embedding}, dot attention, Adam ${o.lr}, batch ${o.batch}, ${o.epochs} epochs; beam ${o.beam}, max length ${maxLength}`,
  );

  const backend = await selectBackend({ backend: opts.backend });
  const model = await trainSeq2seq(train, {
    ...MODEL_EF, level: 'word', tokenizer: 'whitespace', minCount: 1, epochs: o.epochs, valFraction: 0, attention: 'luong-dot', seed: opts.seed, lrDecay: 1, patience: 0,
    ...(opts.threads ? { threads: opts.threads } : {}),
    onEpoch: (r) => console.error(`wordloom epoch ${r.epoch}: loss ${r.trainLoss.toFixed(4)}, ${r.seconds.toFixed(1)} s`),
  });
  const decodeWith = (beam) => {
    const start = performance.now();
    const out = model.translate(testSources, { beam, maxLength, batch: 256 });
    return { texts: out.map((t) => t.text), seconds: (performance.now() - start) / 1000, translations: out };
  };
  const greedy = decodeWith(1);
  const beam = decodeWith(o.beam);
  // Samples spread over the source lengths (the test sentences sorted by words, evenly spaced), not just the shortest.
  const byLength = testSources.map((s, i) => i).sort((a, b) => testSources[a].split(' ').length - testSources[b].split(' ').length || a - b);
  const sampleCount = Math.min(o.samples, testSources.length);
  const samples = Array.from({ length: sampleCount }, (_, k) => byLength[Math.floor(((k + 0.5) * byLength.length) / sampleCount)]);
  if (o.svg) {
    const { attentionSvg } = await import(join(root, 'dist/seq/seq2seq/index.js'));
    mkdirSync(o.svg, { recursive: true });
    samples.forEach((i, k) => {
      const t = beam.translations[i];
      writeFileSync(join(o.svg, `eng-fra-${k + 1}.svg`), attentionSvg(t.sourceTokens, [...t.tokens, ...(t.ended ? ['<EOS>'] : [])], t.attention, { title: `${testSources[i]} -> ${t.text}` }));
    });
  }
  const wl = {
    name: `wordloom (${backend})`, epochSeconds: model.history.map((h) => h.seconds), finalLoss: model.history.at(-1).trainLoss,
    parameters: [model.network.encoder, model.network.decoder].reduce((s, m) => s + m.countParams(), 0),
    greedy: greedy.texts, beam: beam.texts, greedySeconds: greedy.seconds, beamSeconds: beam.seconds,
  };
  model.dispose();

  let pt = null;
  if (!argv.includes('--skip-torch')) {
    const config = { train: join(dir, 'train.tsv'), sources: join(dir, 'test-sources.txt'), level: 'word', beam: o.beam, maxLength, epochs: o.epochs, threads: opts.torchThreads, seed: opts.seed, ...MODEL_EF };
    const r = spawnSync('/usr/bin/python3', [join(root, 'bench/seq2seq_torch.py'), JSON.stringify(config)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, maxBuffer: 1 << 28 });
    process.stderr.write(r.stderr);
    if (r.status !== 0) console.error('PyTorch run failed');
    else {
      const j = JSON.parse(r.stdout.trim().split('\n').pop());
      pt = { name: `PyTorch (${j.threads} threads)`, epochSeconds: j.epochSeconds, finalLoss: j.trainLosses.at(-1), parameters: j.parameters, greedy: j.greedy, beam: j.beam, greedySeconds: j.greedySeconds, beamSeconds: j.beamSeconds };
    }
  }
  rmSync(dir, { recursive: true, force: true });

  const refs = testSources.map((s) => references.get(s));
  const bleu = (texts) => corpusBleu(texts.map((t) => (t ? t.split(' ') : [])), refs).bleu * 100;
  const row = (x) => `| ${x.name} | ${x.parameters} | ${x.epochSeconds.map((s) => s.toFixed(1)).join(', ')} | ${x.finalLoss.toFixed(3)} | ${bleu(x.greedy).toFixed(2)} | ${bleu(x.beam).toFixed(2)} | ${x.greedySeconds.toFixed(1)} / ${x.beamSeconds.toFixed(1)} |`;
  const tools = [wl, ...(pt ? [pt] : [])];
  const lines = [
    `| | parameters | seconds per epoch | final training loss | BLEU greedy | BLEU beam ${o.beam} | decoding s (greedy / beam) |`,
    '|---|---|---|---|---|---|---|',
    ...tools.map(row),
  ];
  if (pt) lines.push(`\nwordloom / PyTorch speed per epoch: ${(mean(pt.epochSeconds) / mean(wl.epochSeconds)).toFixed(2)}x`);
  lines.push('', 'samples (beam):');
  for (const i of samples) {
    lines.push(`  ${testSources[i]}  ->  wordloom: ${wl.beam[i]}${pt ? `  |  PyTorch: ${pt.beam[i]}` : ''}  |  reference: ${refs[i].map((r) => r.join(' ')).join(' / ')}`);
  }
  if (argv.includes('--json')) {
    const figures = (x) => ({ name: x.name, parameters: x.parameters, epochSeconds: x.epochSeconds, finalLoss: x.finalLoss, bleuGreedy: bleu(x.greedy), bleuBeam: bleu(x.beam), greedySeconds: x.greedySeconds, beamSeconds: x.beamSeconds });
    console.log(JSON.stringify({ task, options: { ...opts, ...o }, trainPairs: train.length, testSentences: testSources.length, wordloom: figures(wl), torch: pt && figures(pt) }));
  } else console.log(lines.join('\n'));
}

if (task === 'eng-fra') await engFra();
else await dates();
