// AssemblyScript source of the WebAssembly SIMD word2vec kernel (built by `npm run build:wasm` into
// dist/wasm/word2vec.wasm; not part of the tsc build). The same algorithm and RNG sequence as
// src/embeddings/word2vec/kernel/js-kernel.ts: keep the two in sync.
//
// Memory: the model's shared WebAssembly.Memory is imported; every pointer comes from the thread's
// context block (layout in src/embeddings/word2vec/kernel/model-memory.ts, CTX). The module has no
// static data and no allocator, so several instances (one per worker thread) can share one memory.
// Module globals are per instance, i.e. per thread: they hold this call's parameters.
//
// Speed: f32x4 dot products with two accumulators; the output-row update and the input-gradient
// accumulation (neu1e) fused into one pass, so each output row is loaded once per update; the
// sigmoid and the loss come from interpolated tables (no exp/log in the hot loop).

// ---- context block field offsets (CTX in model-memory.ts) ----
const C_SYN0: usize = 0;
const C_SYN1NEG: usize = 4;
const C_SYN1: usize = 8;
const C_NEGTABLE: usize = 12;
const C_NEGTABLESIZE: usize = 16;
const C_CODES: usize = 20;
const C_POINTS: usize = 24;
const C_CODELENGTHS: usize = 28;
const C_MAXCODELENGTH: usize = 32;
const C_DIM: usize = 36;
const C_NEGATIVE: usize = 40;
const C_HS: usize = 44;
const C_SG: usize = 48;
const C_WINDOW: usize = 52;
const C_SENTENCE: usize = 56;
const C_NEU1: usize = 60;
const C_NEU1E: usize = 64;
const C_RNG: usize = 68;
const C_SIGMOID: usize = 72;
const C_SOFTPLUS: usize = 76;
const C_LOSS: usize = 80;
const C_EXAMPLES: usize = 88;
const C_PAIRS: usize = 96;

// ---- tables (TABLE_MAX = 8, TABLE_INTERVALS = 2048 in model-memory.ts) ----
const TABLE_MAX: f32 = 8.0;
const TABLE_SCALE: f32 = 128.0; // TABLE_INTERVALS / (2 * TABLE_MAX)
const LAST_CELL: i32 = 2047;

const RNG_INCREMENT: u32 = 0x6d2b79f5;

// ---- per-call parameters (per instance = per thread) ----
let dim: i32 = 0;
let rowBytes: usize = 0;
let neu1e: usize = 0;
let sigmoidTable: usize = 0;
let softplusTable: usize = 0;
let rngState: u32 = 0;
let lossSum: f64 = 0;
let exampleCount: i32 = 0;

/** mulberry32 (see src/embeddings/word2vec/kernel/rng.ts). */
// @ts-ignore: decorator
@inline function draw(): u32 {
  rngState += RNG_INCREMENT;
  const s = rngState;
  let t = (s ^ (s >>> 15)) * (s | 1);
  t = (t + (t ^ (t >>> 7)) * (t | 61)) ^ t;
  return t ^ (t >>> 14);
}

// @ts-ignore: decorator
@inline function lookup(table: usize, x: f32): f32 {
  let cell = (x + TABLE_MAX) * TABLE_SCALE;
  let i = <i32>cell;
  if (i > LAST_CELL) i = LAST_CELL;
  cell -= <f32>i;
  const p = table + (<usize>i << 2);
  const lo = load<f32>(p);
  return lo + cell * (load<f32>(p, 4) - lo);
}

// @ts-ignore: decorator
@inline function dot(a: usize, b: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const n = <usize>dim << 2;
  const n8 = n & ~31;
  const n4 = n & ~15;
  let k: usize = 0;
  // Two independent accumulators hide the latency of the vector adds.
  for (; k < n8; k += 32) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + k), v128.load(b + k)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + k, 16), v128.load(b + k, 16)));
  }
  if (k < n4) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + k), v128.load(b + k)));
    k += 16;
  }
  acc0 = f32x4.add(acc0, acc1);
  let s = f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) +
    (f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3));
  for (; k < n; k += 4) s += load<f32>(a + k) * load<f32>(b + k);
  return s;
}

/** neu1e += g * out; out += g * inp, in one pass over the output row. */
// @ts-ignore: decorator
@inline function fusedUpdate(inp: usize, out: usize, g: f32): void {
  const gv = f32x4.splat(g);
  const n = <usize>dim << 2;
  const n4 = n & ~15;
  const e = neu1e;
  let k: usize = 0;
  for (; k < n4; k += 16) {
    const o = v128.load(out + k);
    v128.store(e + k, f32x4.add(v128.load(e + k), f32x4.mul(gv, o)));
    v128.store(out + k, f32x4.add(o, f32x4.mul(gv, v128.load(inp + k))));
  }
  for (; k < n; k += 4) {
    const o = load<f32>(out + k);
    store<f32>(e + k, load<f32>(e + k) + g * o);
    store<f32>(out + k, o + g * load<f32>(inp + k));
  }
}

/** dst += src over one row. */
// @ts-ignore: decorator
@inline function addRow(dst: usize, src: usize): void {
  const n = <usize>dim << 2;
  const n4 = n & ~15;
  let k: usize = 0;
  for (; k < n4; k += 16) v128.store(dst + k, f32x4.add(v128.load(dst + k), v128.load(src + k)));
  for (; k < n; k += 4) store<f32>(dst + k, load<f32>(dst + k) + load<f32>(src + k));
}

// @ts-ignore: decorator
@inline function zeroRow(dst: usize): void {
  const n = <usize>dim << 2;
  const n4 = n & ~15;
  const z = f32x4.splat(0);
  let k: usize = 0;
  for (; k < n4; k += 16) v128.store(dst + k, z);
  for (; k < n; k += 4) store<f32>(dst + k, 0);
}

/** One logistic update (label 0/1) of output row `out` against input row `inp`. */
function update(inp: usize, out: usize, label: f32, alpha: f32): void {
  const score = dot(inp, out);
  let sigma: f32;
  if (score >= TABLE_MAX) sigma = 1;
  else if (score <= -TABLE_MAX) sigma = 0;
  else sigma = lookup(sigmoidTable, score);
  const z = label == 1 ? -score : score; // loss = softplus(z)
  if (z >= TABLE_MAX) lossSum += <f64>z;
  else if (z > -TABLE_MAX) lossSum += <f64>lookup(softplusTable, z);
  exampleCount++;
  fusedUpdate(inp, out, (label - sigma) * alpha);
}

/**
 * Trains one sentence (already copied into the thread's sentence buffer). Entry point: one call per
 * sentence, so the JS/wasm boundary is crossed once for ~1000 words.
 */
export function trainSentence(ctx: usize, length: i32, alpha: f32): void {
  const syn0 = load<usize>(ctx, C_SYN0);
  const syn1neg = load<usize>(ctx, C_SYN1NEG);
  const syn1 = load<usize>(ctx, C_SYN1);
  const negTable = load<usize>(ctx, C_NEGTABLE);
  const negTableSize = load<u32>(ctx, C_NEGTABLESIZE);
  const codes = load<usize>(ctx, C_CODES);
  const points = load<usize>(ctx, C_POINTS);
  const codeLengths = load<usize>(ctx, C_CODELENGTHS);
  const maxCodeLength = load<usize>(ctx, C_MAXCODELENGTH);
  const negative = load<i32>(ctx, C_NEGATIVE);
  const hs = load<i32>(ctx, C_HS) != 0;
  const sg = load<i32>(ctx, C_SG) != 0;
  const window = load<u32>(ctx, C_WINDOW);
  const sentence = load<usize>(ctx, C_SENTENCE);
  const neu1 = load<usize>(ctx, C_NEU1);
  dim = load<i32>(ctx, C_DIM);
  rowBytes = <usize>dim << 2;
  neu1e = load<usize>(ctx, C_NEU1E);
  sigmoidTable = load<usize>(ctx, C_SIGMOID);
  softplusTable = load<usize>(ctx, C_SOFTPLUS);
  rngState = load<u32>(ctx, C_RNG);
  lossSum = 0;
  exampleCount = 0;
  let pairs: i32 = 0;

  for (let pos: i32 = 0; pos < length; pos++) {
    const word = load<usize>(sentence + (<usize>pos << 2));
    const span = <i32>(window - draw() % window);
    const from = pos - span < 0 ? 0 : pos - span;
    const to = pos + span >= length ? length - 1 : pos + span;
    if (sg) {
      for (let c = from; c <= to; c++) {
        if (c == pos) continue;
        const inp = syn0 + load<usize>(sentence + (<usize>c << 2)) * rowBytes;
        zeroRow(neu1e);
        if (hs) trainHs(inp, syn1, codes, points, codeLengths, maxCodeLength, word, alpha);
        if (negative > 0) trainNeg(inp, syn1neg, negTable, negTableSize, negative, word, alpha);
        addRow(inp, neu1e);
        pairs++;
      }
    } else {
      const count = to - from;
      if (count == 0) continue;
      zeroRow(neu1);
      for (let c = from; c <= to; c++) {
        if (c == pos) continue;
        addRow(neu1, syn0 + load<usize>(sentence + (<usize>c << 2)) * rowBytes);
      }
      scaleRow(neu1, <f32>1 / <f32>count);
      zeroRow(neu1e);
      if (hs) trainHs(neu1, syn1, codes, points, codeLengths, maxCodeLength, word, alpha);
      if (negative > 0) trainNeg(neu1, syn1neg, negTable, negTableSize, negative, word, alpha);
      for (let c = from; c <= to; c++) {
        if (c == pos) continue;
        addRow(syn0 + load<usize>(sentence + (<usize>c << 2)) * rowBytes, neu1e);
      }
      pairs++;
    }
  }

  store<u32>(ctx, rngState, C_RNG);
  store<f64>(ctx, load<f64>(ctx, C_LOSS) + lossSum, C_LOSS);
  store<f64>(ctx, load<f64>(ctx, C_EXAMPLES) + <f64>exampleCount, C_EXAMPLES);
  store<f64>(ctx, load<f64>(ctx, C_PAIRS) + <f64>pairs, C_PAIRS);
}

function trainHs(
  inp: usize, syn1: usize, codes: usize, points: usize, codeLengths: usize,
  maxCodeLength: usize, word: usize, alpha: f32,
): void {
  const base = word * maxCodeLength;
  const n = load<i32>(codeLengths + (<usize>word << 2));
  for (let d: i32 = 0; d < n; d++) {
    const node = load<usize>(points + ((base + <usize>d) << 2));
    const label = <f32>(<i32>1 - <i32>load<u8>(codes + base + <usize>d));
    update(inp, syn1 + node * rowBytes, label, alpha);
  }
}

function trainNeg(
  inp: usize, syn1neg: usize, negTable: usize, negTableSize: u32, negative: i32,
  word: usize, alpha: f32,
): void {
  update(inp, syn1neg + word * rowBytes, 1, alpha);
  for (let d: i32 = 0; d < negative; d++) {
    const target = load<usize>(negTable + (<usize>(draw() % negTableSize) << 2));
    if (target == word) continue;
    update(inp, syn1neg + target * rowBytes, 0, alpha);
  }
}

// @ts-ignore: decorator
@inline function scaleRow(dst: usize, factor: f32): void {
  const n = <usize>dim << 2;
  const n4 = n & ~15;
  const fv = f32x4.splat(factor);
  let k: usize = 0;
  for (; k < n4; k += 16) v128.store(dst + k, f32x4.mul(v128.load(dst + k), fv));
  for (; k < n; k += 4) store<f32>(dst + k, load<f32>(dst + k) * factor);
}
