#!/usr/bin/env node
// Microbenchmark of the word2vec training kernels (run after `npm run build`):
//   node bench/word2vec-kernel.mjs [--seconds 2] [--repeats 3] [--kinds js,wasm] [--threads 1,2]
//                                  [--vocab 50000] [--neg-table 10000000] [--cbow] [--hs]
// Skip-gram, negative sampling (5), dim 100, window 5, on a synthetic Zipfian corpus over 50k words
// (sentences of 1000 tokens after word2vec-style subsampling at 1e-4, so frequent words do not
// make the rows unrealistically cache-resident). Reports (center, context) pairs/sec/thread, the
// unit of the reference numbers in ../shared/reference-numbers.md, and examples/sec (1 positive +
// up to 5 negatives per pair). The machine is shared: each configuration runs --repeats times and
// the best is reported.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const KERNEL_URL = new URL('../dist/embeddings/word2vec/kernel/index.js', import.meta.url).href;

const VOCAB = Number(arg('vocab', '50000'));
const DIM = 100;
const HS = process.argv.includes('--hs'); // hierarchical softmax instead of negative sampling
const SG = !process.argv.includes('--cbow');
const NEGATIVE = HS ? 0 : 5;
const WINDOW = 5;
const SENTENCE = 1000;
const SENTENCES = 400; // 400k tokens; each run cycles through them
const NEG_TABLE = Number(arg('neg-table', '10000000'));
const SAMPLE = 1e-4;


function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Zipf(1) sampling by inverse CDF over a cumulative table, then subsampling like word2vec. */
function makeCorpus() {
  const weights = new Float64Array(VOCAB);
  let total = 0;
  for (let w = 0; w < VOCAB; w++) total += weights[w] = 1 / (w + 1);
  const cdf = new Float64Array(VOCAB);
  let acc = 0;
  for (let w = 0; w < VOCAB; w++) cdf[w] = acc += weights[w] / total;
  const keep = new Float64Array(VOCAB);
  for (let w = 0; w < VOCAB; w++) {
    const f = weights[w] / total;
    keep[w] = Math.min(1, (Math.sqrt(f / SAMPLE) + 1) * (SAMPLE / f));
  }
  const rand = lcg(1);
  const corpus = new Int32Array(new SharedArrayBuffer(SENTENCES * SENTENCE * 4));
  for (let i = 0; i < corpus.length; ) {
    const u = rand();
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    if (rand() < keep[lo]) corpus[i++] = lo;
  }
  const negTable = new Int32Array(NEG_TABLE);
  let power = 0;
  for (let w = 0; w < VOCAB; w++) power += weights[w] ** 0.75;
  let w = 0;
  let cum = weights[0] ** 0.75 / power;
  for (let i = 0; i < NEG_TABLE; i++) {
    negTable[i] = w;
    if (i / NEG_TABLE > cum && w < VOCAB - 1) cum += weights[++w] ** 0.75 / power;
  }
  return { corpus, negTable };
}

/** HS benchmark tree: balanced, depth ceil(log2 vocab) (a Huffman tree is shorter for frequent words). */
function balancedTree(model) {
  const depth = Math.ceil(Math.log2(VOCAB));
  const { maxCodeLength } = model.layout;
  for (let w = 0; w < VOCAB; w++) {
    model.codeLengths[w] = depth;
    let node = 0;
    for (let d = 0; d < depth; d++) {
      const bit = (w >> (depth - 1 - d)) & 1;
      model.codes[w * maxCodeLength + d] = bit;
      model.points[w * maxCodeLength + d] = node % (VOCAB - 1);
      node = 2 * node + 1 + bit;
    }
  }
}

/** Trains for `seconds` on this thread; returns pairs, examples and elapsed seconds. */
async function run({ memory, layout, corpus, kind, thread, seconds }) {
  const { attachModel, createThreadKernel } = await import(KERNEL_URL);
  const model = attachModel(memory, layout);
  const kernel = await createThreadKernel(model, {
    sg: SG, hs: HS, negative: NEGATIVE, window: WINDOW, threadIndex: thread, seed: 1 + thread, prefer: kind,
  });
  if (kernel.kind !== kind) throw new Error(`asked for the ${kind} kernel, got ${kernel.kind}`);
  const sentences = corpus.length / SENTENCE;
  const ids = [];
  for (let s = 0; s < sentences; s++) ids.push(corpus.subarray(s * SENTENCE, (s + 1) * SENTENCE));
  // Warm up (JIT tiers, caches) on a few sentences, then time whole sentences.
  for (let s = 0; s < 3; s++) kernel.trainSentence(ids[s], SENTENCE, 0.025);
  kernel.takeStats();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let s = thread * 97;
  let elapsed = 0;
  do {
    kernel.trainSentence(ids[s++ % sentences], SENTENCE, 0.025);
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  const cpu = process.cpuUsage(cpuStart);
  const { pairs, examples, loss } = kernel.takeStats();
  // process.cpuUsage covers every thread of the process: with N busy workers it is ~N times one
  // thread's CPU time, which the caller divides out.
  return { pairs, examples, loss, elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

if (!isMainThread) {
  run(workerData).then((r) => parentPort.postMessage(r));
} else {
  const seconds = Number(arg('seconds', '2'));
  const repeats = Number(arg('repeats', '3'));
  const kinds = arg('kinds', 'js,wasm').split(',');
  const threadCounts = arg('threads', '1,2').split(',').map(Number);
  const { allocateModel } = await import(KERNEL_URL);
  const { corpus, negTable } = makeCorpus();
  const layout = {
    vocabSize: VOCAB, dim: DIM, negative: NEGATIVE, hs: HS, negTableSize: NEG_TABLE,
    maxCodeLength: 40, threads: Math.max(...threadCounts), maxSentence: SENTENCE,
  };
  console.log(`word2vec kernel bench: ${SG ? 'skip-gram' : 'CBOW'} ${HS ? 'HS' : `NEG ${NEGATIVE}`}, dim ${DIM}, window ${WINDOW}, vocab ${VOCAB}, ` +
    `${seconds}s x ${repeats} runs, best reported; load average ${loadavg()[0].toFixed(1)} on 2 cores ` +
    '(pairs/s is wall time and suffers from other processes; pairs per CPU-second does much less)');
  for (const threads of threadCounts) {
    for (const kind of kinds) {
      let best = null;
      for (let r = 0; r < repeats; r++) {
        // A fresh model per run, initialised like word2vec (syn0 uniform, syn1neg zero).
        const model = allocateModel(layout);
        const rand = lcg(7);
        for (let i = 0; i < model.syn0.length; i++) model.syn0[i] = (rand() - 0.5) / DIM;
        if (HS) balancedTree(model);
        else model.negTable.set(negTable);
        const results = await Promise.all(Array.from({ length: threads }, (_, thread) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(new URL(import.meta.url), {
              argv: process.argv.slice(2), // workers read the same flags (--hs, --cbow)
              workerData: { memory: model.memory, layout, corpus, kind, thread, seconds },
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          })));
        const perThread = results.reduce((sum, x) => sum + x.pairs / x.elapsed, 0) / threads;
        const examples = results.reduce((sum, x) => sum + x.examples / x.elapsed, 0) / threads;
        const cpuSeconds = results.reduce((sum, x) => sum + x.cpuSeconds, 0) / threads / threads;
        const perCpuSecond = results.reduce((sum, x) => sum + x.pairs, 0) / threads / cpuSeconds;
        const loss = results.reduce((sum, x) => sum + x.loss, 0) / results.reduce((sum, x) => sum + x.examples, 0);
        if (!best || perThread > best.perThread) best = { perThread, examples, loss };
        if (!best.perCpuSecond || perCpuSecond > best.perCpuSecond) best.perCpuSecond = perCpuSecond;
      }
      console.log(`${kind.padEnd(4)} threads=${threads}: ${Math.round(best.perThread).toLocaleString('en-US')} ${SG ? 'pairs' : 'center words'}/s/thread, ` +
        `${Math.round(best.examples).toLocaleString('en-US')} examples/s/thread, ` +
        `${Math.round(best.perCpuSecond).toLocaleString('en-US')} ${SG ? 'pairs' : 'center words'} per CPU-second (loss/example ${best.loss.toFixed(3)})`);
    }
  }
}
