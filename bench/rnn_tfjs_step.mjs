#!/usr/bin/env node
// One recurrent training step in TensorFlow.js on the wasm backend (forward, backward, Adam), timed;
// child of bench/rnn.mjs, one tool and one configuration per process (so peak RSS is its own).
//
//   node bench/rnn_tfjs_step.mjs CONFIG_JSON
//
// CONFIG_JSON: {"tool": "tfjs"|"wordloom", "vocab", "embed", "cell": "lstm"|"gru"|"rnn", "units",
//               "layers", "outputs", "batch", "steps", "warmup", "timed", "seed", "layersOnly"}
// tool "tfjs": tfjs's own tf.layers.embedding/lstm/gru/simpleRNN/dense and tfjs's loss
// (tf.losses.softmaxCrossEntropy of one-hot labels); "wordloom": the same model built with
// wordloom's fusedEmbedding/fusedLSTM/fusedGRU/fusedSimpleRNN/fusedDense and its
// sparseSoftmaxCrossEntropy (from dist/, after `npm run build`); with "layersOnly", only the
// recurrent and dense layers are wordloom's (tf.layers.embedding and tfjs's one-hot loss).
// Prints one JSON line on stdout: {"ms": [...], "params", "firstLoss", "lastLoss", "maxRSSKB", ...}
// or {"unavailable": reason} when wordloom's fused layers are not built.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { version_wasm as wasmVersion } from '@tensorflow/tfjs-backend-wasm';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cfg = JSON.parse(process.argv[2]);
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

/** wordloom's dist/index.js, or the reason it cannot be used. */
async function loadWordloom() {
  const entry = join(root, 'dist/index.js');
  if (!existsSync(entry)) return { reason: 'not built: dist/index.js missing (run `npm run build`)' };
  try {
    return { wl: await import(pathToFileURL(entry).href) };
  } catch (err) {
    return { reason: `not built: dist/index.js fails to load: ${String(err.message ?? err).split('\n')[0]}` };
  }
}

/**
 * The wasm backend has no UnsortedSegmentSum (the gradient of tf.gather, so of every Embedding):
 * a plain-JS stand-in, used only when wordloom's selectBackend is not there to register its own.
 */
function registerLocalSegmentSum() {
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs;
      const n = attrs.numSegments;
      const xs = backend.readSync(x.dataId);
      const ids = backend.readSync(segmentIds.dataId);
      const inner = ids.length === 0 ? 0 : xs.length / ids.length;
      const sums = new (xs.constructor)(n * inner);
      for (let r = 0; r < ids.length; r++) {
        const s = ids[r];
        if (s < 0 || s >= n) continue;
        for (let k = 0, o = s * inner, i = r * inner; k < inner; k++) sums[o + k] += xs[i + k];
      }
      return backend.makeOutput([n, ...x.shape.slice(segmentIds.shape.length)], x.dtype, undefined, sums);
    },
  });
}

/** mulberry32: a small seeded generator for the token ids. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const { wl, reason } = await loadWordloom();
  let backendNote;
  let factories;
  let ownLoss = null;
  const stock = new Map();
  if (cfg.tool === 'wordloom') {
    const missing = ['selectBackend', 'engineReady', 'fusedLSTM', 'fusedGRU', 'fusedSimpleRNN', 'fusedDense'].filter((name) => typeof wl?.[name] !== 'function');
    if (!wl || missing.length > 0) {
      out({ unavailable: reason ?? `not built: dist/index.js lacks ${missing.join(', ')}` });
      return;
    }
    await wl.selectBackend({ backend: 'wasm' });
    await wl.engineReady();
    const ownEmbedding = !cfg.layersOnly && typeof wl.fusedEmbedding === 'function';
    ownLoss = !cfg.layersOnly && typeof wl.sparseSoftmaxCrossEntropy === 'function' ? wl.sparseSoftmaxCrossEntropy : null;
    factories = { embedding: ownEmbedding ? wl.fusedEmbedding : tf.layers.embedding, lstm: wl.fusedLSTM, gru: wl.fusedGRU, rnn: wl.fusedSimpleRNN, dense: wl.fusedDense };
    const threads = typeof wl.engineThreads === 'function' ? `, ${wl.engineThreads()} engine threads` : '';
    backendNote = `${ownEmbedding ? 'fusedEmbedding' : 'tf.layers.embedding'} + fused layers + ${ownLoss ? 'sparseSoftmaxCrossEntropy' : 'one-hot loss'}${ownLoss && typeof wl.fusedAdam === 'function' ? ' + fusedAdam' : ''}${threads}`;
  } else {
    for (const k of tf.getKernelsForBackend('wasm')) stock.set(k.kernelName, k.kernelFunc);
    if (typeof wl?.selectBackend === 'function') {
      await wl.selectBackend({ backend: 'wasm' });
      // Say what wordloom's selectBackend changed, so this row stays "tfjs's own kernels" or says otherwise.
      const added = [];
      const replaced = [];
      for (const k of tf.getKernelsForBackend('wasm')) {
        if (!stock.has(k.kernelName)) added.push(k.kernelName);
        else if (stock.get(k.kernelName) !== k.kernelFunc) replaced.push(k.kernelName);
      }
      backendNote = `wordloom selectBackend added ${added.join(', ') || 'no kernel'}${replaced.length ? `, REPLACED ${replaced.join(', ')}` : ''}`;
    } else {
      await tf.setBackend('wasm');
      if (!stock.has('UnsortedSegmentSum')) registerLocalSegmentSum();
      backendNote = "tf.setBackend('wasm') + the bench's UnsortedSegmentSum";
    }
    factories = { embedding: tf.layers.embedding, lstm: tf.layers.lstm, gru: tf.layers.gru, rnn: tf.layers.simpleRNN, dense: tf.layers.dense };
  }
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`backend is ${tf.getBackend()}, not wasm`);

  const t0 = performance.now();
  const layers = [factories.embedding({ inputDim: cfg.vocab, outputDim: cfg.embed, inputLength: cfg.steps })];
  for (let l = 0; l < cfg.layers; l++) {
    const args = { units: cfg.units, returnSequences: true, activation: 'tanh' };
    if (cfg.cell !== 'rnn') args.recurrentActivation = 'sigmoid'; // tfjs's default is hardSigmoid; PyTorch's gates use sigmoid
    layers.push(factories[cfg.cell](args));
  }
  layers.push(factories.dense({ units: cfg.outputs }));
  const model = tf.sequential({ layers });
  const buildMs = performance.now() - t0;

  const rand = seeded(cfg.seed);
  const n = cfg.batch * cfg.steps;
  const x = tf.tensor2d(Int32Array.from({ length: n }, () => Math.floor(rand() * cfg.vocab)), [cfg.batch, cfg.steps], 'int32');
  const y = tf.tensor2d(Int32Array.from({ length: n }, () => Math.floor(rand() * cfg.outputs)), [cfg.batch, cfg.steps], 'int32');
  const yFlat = y.reshape([n]);
  // wordloom's row uses its FusedAdam (tfjs's Adam, the same numbers, its update on the kernel threads).
  const optimizer = cfg.tool === 'wordloom' && typeof wl?.fusedAdam === 'function' && !cfg.layersOnly ? wl.fusedAdam(1e-3, 0.9, 0.999, 1e-8) : tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const vars = model.trainableWeights.map((w) => w.read());

  // Sparse softmax cross-entropy over every position (mean), like PyTorch's CrossEntropyLoss.
  const lossFn = ownLoss
    ? () => ownLoss(y, model.apply(x, { training: true }))
    : () => tf.losses.softmaxCrossEntropy(tf.oneHot(yFlat, cfg.outputs), model.apply(x, { training: true }).reshape([n, cfg.outputs]));
  const step = () => {
    const loss = optimizer.minimize(lossFn, true, vars);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };

  const losses = [];
  const ms = [];
  for (let i = 0; i < cfg.warmup; i++) losses.push(step());
  const tensorsAfterWarmup = tf.memory().numTensors;
  for (let i = 0; i < cfg.timed; i++) {
    const s = performance.now();
    losses.push(step());
    ms.push(performance.now() - s);
  }
  const leaked = tf.memory().numTensors - tensorsAfterWarmup;
  out({
    ms,
    params: model.countParams(),
    firstLoss: losses[0],
    lastLoss: losses[losses.length - 1],
    maxRSSKB: process.resourceUsage().maxRSS,
    buildMs,
    leakedTensorsPerStep: cfg.timed ? leaked / cfg.timed : 0,
    backend: backendNote,
    version: tf.version.tfjs,
    wasmVersion,
  });
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
