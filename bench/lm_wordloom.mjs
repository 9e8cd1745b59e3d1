#!/usr/bin/env node
// Child of bench/lm.mjs: prepares a task's id streams, or trains, evaluates and samples wordloom's
// language model on them. One JSON line on stdout.
//
//   node bench/lm_wordloom.mjs '{"mode":"prep", ...}'    vocabulary + id streams for bench/lm_torch.py
//   node bench/lm_wordloom.mjs '{"mode":"init", ...}'    wordloom's initial weights, for --torch-init same
//   node bench/lm_wordloom.mjs '{"mode":"train", ...}'   trainLanguageModel, then generateTexts
//
// prep builds the vocabulary and the ids exactly as trainLanguageModel does for a list of paths
// (readCorpusLines -> the level's tokenizer -> Vocabulary.fromCounts with <EOS> counting lines ->
// tokens + <EOS> per line; the validation part is the last valFraction of the ids, or valFile
// encoded with the training vocabulary) and writes train.i32 / val.i32 (little-endian int32) and
// vocab.json (the tokens by id). train checks that the model's vocabulary and token counts are
// those prep wrote, so both tools read the very same ids.
import { readFileSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const cfg = JSON.parse(process.argv[2]);
const w = await import(join(root, 'dist', 'index.js'));

function lineTokenizer(level, tokenizer) {
  if (level === 'char') return (line) => w.tokenizeCharacters(w.normalizeText(line, { lowercase: false }));
  return w.createTokenizer({ tokenizer, lowercase: false });
}

async function encodeLines(paths, tokenize, onToken) {
  let lines = 0;
  for (const path of paths) {
    for await (const line of w.readCorpusLines(path, { lowercase: false })) {
      for (const token of tokenize(line)) onToken(token);
      onToken(null); // <EOS>
      lines++;
    }
  }
  return lines;
}

async function prep() {
  const tokenize = lineTokenizer(cfg.level, cfg.tokenizer);
  const counts = new Map();
  const lines = await encodeLines(cfg.paths, tokenize, (t) => {
    if (t !== null) counts.set(t, (counts.get(t) ?? 0) + 1);
  });
  const vocabulary = w.Vocabulary.fromCounts([['<EOS>', lines], ...counts], {
    minCount: cfg.minCount ?? 1,
    ...(cfg.maxVocab > 0 ? { maxSize: cfg.maxVocab } : {}),
  });
  const encode = async (paths) => {
    const ids = [];
    await encodeLines(paths, tokenize, (t) => ids.push(t === null ? w.Vocabulary.EOS : vocabulary.id(t)));
    return Int32Array.from(ids);
  };
  const ids = await encode(cfg.paths);
  let train = ids;
  let val = null;
  if (cfg.valFile) val = await encode([cfg.valFile]);
  else if (cfg.valFraction > 0) {
    const cut = Math.floor(ids.length * (1 - cfg.valFraction));
    train = ids.subarray(0, cut);
    val = ids.subarray(cut);
  }
  const write = (name, a) => writeFileSync(join(cfg.outDir, name), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  write('train.i32', train);
  if (val) write('val.i32', val);
  writeFileSync(join(cfg.outDir, 'vocab.json'), JSON.stringify(vocabulary.wordList()));
  const unk = train.reduce((n, id) => n + (id === w.Vocabulary.UNK ? 1 : 0), 0);
  return { vocabSize: vocabulary.size, trainTokens: train.length, valTokens: val?.length ?? 0, lines, trainUnkShare: unk / train.length };
}

function dirBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

async function train() {
  const backend = await w.selectBackend({ backend: 'wasm', log: () => undefined });
  const o = cfg.options;
  const stepTimes = []; // [ms since start, epoch, tokens done] per step
  const losses = [];
  const epochs = [];
  const logs = [];
  let valSeconds = 0;
  const t0 = performance.now();
  const lm = await w.trainLanguageModel(cfg.paths, {
    ...o,
    onLog: (m) => logs.push(m),
    onProgress: (p) => {
      stepTimes.push([performance.now() - t0, p.epoch, p.tokensDone]);
      losses.push(p.loss);
    },
    onEpoch: (r) => {
      const last = stepTimes[stepTimes.length - 1];
      const seconds = (performance.now() - t0 - (last ? last[0] : 0)) / 1000;
      valSeconds += r.validation ? seconds : 0;
      epochs.push({ epoch: r.epoch, step: r.step, trainLoss: r.trainLoss, validation: r.validation, learningRate: r.learningRate, valSeconds: r.validation ? seconds : 0 });
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;

  // Steps timed from the previous step of the same epoch (the first step of an epoch follows the
  // previous epoch's validation, the run's first one the vocabulary and model building).
  const ms = [];
  let stepTokens = 0;
  for (let i = 1; i < stepTimes.length; i++) {
    if (stepTimes[i][1] !== stepTimes[i - 1][1]) continue;
    ms.push(stepTimes[i][0] - stepTimes[i - 1][0]);
    stepTokens += stepTimes[i][2] - stepTimes[i - 1][2];
  }

  // The ids bench/lm_torch.py reads must be those wordloom trained on.
  const prepared = JSON.parse(readFileSync(join(cfg.dataDir, 'vocab.json'), 'utf8'));
  const mine = lm.vocabulary.wordList();
  const sameVocabulary = mine.length === prepared.length && mine.every((t, i) => t === prepared[i]);
  const sameTokens = lm.config.training.trainTokens === cfg.trainTokens && lm.config.training.valTokens === cfg.valTokens;

  const layer = lm.model.layers[1];
  const cell = layer.getConfig();
  const samples = [];
  const tg = performance.now();
  for (const s of cfg.samples ?? []) samples.push({ ...s, texts: await w.generateTexts(lm.model, lm.vocabulary, { ...s.options, level: o.level }) });
  const sampleSeconds = (performance.now() - tg) / 1000;

  let savedBytes = null;
  if (cfg.saveDir) {
    await lm.save(cfg.saveDir);
    savedBytes = dirBytes(cfg.saveDir);
  }
  const last = epochs[epochs.length - 1];
  const out = {
    tool: 'wordloom',
    backend,
    params: lm.model.countParams(),
    steps: lm.config.training.steps,
    stopped: lm.config.training.stopped,
    epochs,
    losses,
    ms,
    trainSeconds,
    valSeconds,
    stepSeconds: ms.reduce((a, b) => a + b, 0) / 1000,
    stepTokens,
    finalValidation: last?.validation ?? null,
    bestValidation: lm.config.validation,
    sameVocabulary,
    sameTokens,
    recurrentActivation: cell.recurrentActivation,
    cellClass: layer.getClassName(),
    samples,
    sampleSeconds,
    savedBytes,
    logs,
    maxRSSKB: process.resourceUsage().maxRSS,
    version: JSON.parse(readFileSync(join(root, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')).version,
  };
  lm.dispose();
  return out;
}

/**
 * wordloom's initial weights for these options, written for bench/lm_torch.py (--torch-init same):
 * trainLanguageModel builds its network first thing from SeededRandom(seed), so building it the
 * same way here gives the very weights its run starts from (the step-1 losses of both tools then
 * agree to float32 rounding; bench/lm.mjs prints them). Uses two modules of dist/ that the package
 * does not export (seq/lm/network.js, embeddings/shared/rng.js).
 */
async function init() {
  await w.selectBackend({ backend: 'wasm', log: () => undefined });
  const { buildNetwork } = await import(join(root, 'dist', 'seq', 'lm', 'network.js'));
  const { SeededRandom } = await import(join(root, 'dist', 'embeddings', 'shared', 'rng.js'));
  const o = cfg.options;
  const random = new SeededRandom(o.seed);
  const model = buildNetwork(
    { vocabularySize: cfg.vocabSize, cell: o.cell, layers: o.layers, units: o.units, embedding: o.embedding, tieWeights: o.tieWeights },
    () => random.nextUint32(),
  );
  const manifest = [];
  const parts = [];
  let offset = 0;
  for (const v of model.weights) {
    const values = Float32Array.from(v.read().dataSync());
    manifest.push({ name: v.originalName, shape: v.shape, offset });
    parts.push(Buffer.from(values.buffer));
    offset += values.length;
  }
  writeFileSync(join(cfg.outDir, 'init.f32'), Buffer.concat(parts));
  writeFileSync(join(cfg.outDir, 'init.json'), JSON.stringify(manifest));
  model.dispose();
  return { weights: manifest.map((m) => `${m.name} [${m.shape.join(', ')}]`) };
}

const result = cfg.mode === 'prep' ? await prep() : cfg.mode === 'init' ? await init() : await train();
process.stdout.write(`${JSON.stringify(result)}\n`);
