#!/usr/bin/env node
// What limits the recurrent engine where PyTorch is faster: its matrix products (the 4x8-blocked
// f32x4 kernel of assembly/seq/gemm.ts, 128-bit WebAssembly SIMD) against OpenBLAS (256-bit AVX2
// or wider) on the same shapes and threads, in one run. Shapes: a dense layer's forward
// (y = x W) and backward (dX = dY W^T, dW = x^T dY) for the output layer of bench/rnn.mjs's
// config 3 (1,120 x 256 -> 10,000) and config 1 (4,096 x 128 -> 65), and an LSTM-128 input
// projection (4,096 x 32 -> 512) and recurrent-sized product (4,096 x 128 -> 512).
//
//   node bench/gemm.mjs [--threads 1,2] [--repeats N] [--skip-torch] [--json]
//
// Medians of --repeats calls (default 7) after one warm-up; GFLOP/s counts 2 flops per multiply-add.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PY, ensureTorch, failer, machine, root, runChild } from './lib/harness.mjs';

const fail = failer('gemm');
const SHAPES = [
  ['config 3 output layer', 1120, 256, 10000],
  ['config 1 output layer', 4096, 128, 65],
  ['LSTM-128 input projection', 4096, 32, 512],
  ['LSTM-128 recurrent-sized', 4096, 128, 512],
];

function parseArgs(argv) {
  const args = { threads: [1, 2], repeats: 7, torch: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--threads') args.threads = value().split(',').map(Number);
    else if (flag === '--repeats') args.repeats = Number(value());
    else if (flag === '--skip-torch') args.torch = false;
    else if (flag === '--json') args.json = true;
    else fail(`unknown argument ${argv[i]}`);
  }
  if (args.threads.some((t) => !Number.isInteger(t) || t < 1) || !Number.isInteger(args.repeats) || args.repeats < 1) {
    fail('--threads takes integers >= 1, --repeats an integer >= 1');
  }
  return args;
}

function median(times) {
  const s = [...times].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function wordloomRows(args) {
  const engine = await import(pathToFileURL(join(root, 'dist/seq/engine/index.js')).href);
  const rows = [];
  for (const threads of args.threads) {
    engine.setEngineThreads(threads);
    await engine.engineReady();
    for (const [label, m, k, n] of SHAPES) {
      const x = Float32Array.from({ length: m * k }, (_, i) => ((i * 7919) % 1000) / 1000);
      const w = Float32Array.from({ length: k * n }, (_, i) => ((i * 104729) % 1000) / 1000);
      const dy = Float32Array.from({ length: m * n }, (_, i) => ((i * 31) % 1000) / 1000);
      const shape = { rows: m, inputs: k, outputs: n };
      const forward = [];
      const backward = [];
      for (let r = 0; r <= args.repeats; r++) {
        let t = performance.now();
        const { tape } = engine.denseForward(shape, x, w, null, true);
        const f = performance.now() - t;
        t = performance.now();
        engine.denseBackward(shape, tape, dy);
        const b = performance.now() - t;
        if (r > 0) {
          forward.push(f);
          backward.push(b);
        }
      }
      rows.push({ tool: 'wordloom', threads, label, m, k, n, forwardMs: median(forward), backwardMs: median(backward) });
    }
  }
  return rows;
}

function torchRows(args) {
  const rows = [];
  for (const threads of args.threads) {
    const out = runChild(PY, [join(root, 'bench/gemm_torch.py'), JSON.stringify({ shapes: SHAPES.map(([, m, k, n]) => [m, k, n]), threads, repeats: args.repeats })], { OPENBLAS_NUM_THREADS: String(threads) });
    if (out.error) {
      rows.push({ tool: 'PyTorch', threads, error: out.error });
      continue;
    }
    out.results.forEach((r, i) => {
      const [label, m, k, n] = SHAPES[i];
      rows.push({ tool: 'PyTorch', threads, label, m, k, n, forwardMs: r.forwardMs, backwardMs: r.backwardMs, blas: out.blas });
    });
  }
  return rows;
}

const args = parseArgs(process.argv.slice(2));
if (args.torch) ensureTorch();
const info = machine();
const rows = [...(await wordloomRows(args)), ...(args.torch ? torchRows(args) : [])];
if (args.json) {
  console.log(JSON.stringify(rows));
} else {
  const gflops = (r, ms, products) => ((2 * r.m * r.k * r.n * products) / (ms * 1e6)).toFixed(1);
  console.log('| shape (rows x inputs -> outputs) | tool | threads | forward ms (GFLOP/s) | backward ms (GFLOP/s) |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows) {
    if (r.error) {
      console.log(`| - | ${r.tool} | ${r.threads} | ${r.error} | |`);
      continue;
    }
    console.log(`| ${r.label}: ${r.m} x ${r.k} -> ${r.n} | ${r.tool} | ${r.threads} | ${r.forwardMs.toFixed(1)} (${gflops(r, r.forwardMs, 1)}) | ${r.backwardMs.toFixed(1)} (${gflops(r, r.backwardMs, 2)}) |`);
  }
  const blas = rows.find((r) => r.blas)?.blas;
  console.log(`\nmachine: ${info.nproc} cores, ${info.cpu} (${info.flags.join(', ')}); node ${info.node}; wordloom @ ${info.commit}${blas ? `; PyTorch: ${blas}` : ''}`);
}
