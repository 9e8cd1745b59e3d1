// AssemblyScript source of the WebAssembly SIMD word2vec kernel (built by `npm run build:wasm` into
// dist/wasm/word2vec.wasm; not part of the tsc build). The same algorithm and RNG sequences as
// src/embeddings/word2vec/kernel/js-kernel.ts: keep the two in sync.
//
// Memory: the model's shared WebAssembly.Memory is imported; every pointer comes from the thread's
// context block (layout: CTX in src/embeddings/word2vec/kernel/model-memory.ts). The module has
// no static data and no allocator, so several instances (one per worker thread) can share one
// memory. Module globals are per instance, i.e. per thread: they hold this call's parameters.
//
// Speed. With a realistic vocabulary the kernel is bound by cache misses, not arithmetic: every
// negative costs a random load from the unigram table and a random 400-byte output row. So:
//  - negatives are drawn AHEAD into a small ring (their own RNG stream, so the sequence consumed
//    is exactly the one the JS kernel draws lazily); the table loads of a whole pair are issued
//    back to back and their misses overlap;
//  - while pair k is computed, every cache line of pair k+1's output rows is touched (a plain
//    load; wasm has no prefetch instruction), so those misses overlap with pair k's arithmetic;
//  - the next center word's output row and the next entering context row are touched likewise;
//  - the arithmetic is f32x4: dot products with two accumulators, and ONE fused pass that both
//    accumulates the input gradient (neu1e) and updates the output row;
//  - sigmoid and loss come from interpolated tables (no exp/log in the hot loop);
//  - one JS -> wasm call per sentence.

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
const C_SIGMOID: usize = 72;
const C_SOFTPLUS: usize = 76;
const C_LOSS: usize = 80;
const C_EXAMPLES: usize = 88;
const C_PAIRS: usize = 96;
const C_RNG_WINDOW: usize = 112;
const C_RNG_NEGATIVE: usize = 128;
const C_RING: usize = 144;
const C_RING_MASK: usize = 148;
const C_RING_HEAD: usize = 152;
const C_RING_COUNT: usize = 156;
const C_TARGETS: usize = 160;
const C_SUBWORD_STARTS: usize = 164;
const C_SUBWORD_ROWS: usize = 168;

// ---- tables (TABLE_MAX = 8, TABLE_INTERVALS = 2048 in model-memory.ts) ----
const TABLE_MAX: f32 = 8.0;
const TABLE_SCALE: f32 = 128.0; // TABLE_INTERVALS / (2 * TABLE_MAX)
const LAST_CELL: i32 = 2047;

const CACHE_LINE: usize = 64;

// ---- per-call parameters and state (per instance = per thread) ----
let dim: i32 = 0;
let rowBytes: usize = 0;
let neu1e: usize = 0;
let sigmoidTable: usize = 0;
let softplusTable: usize = 0;
let negTable: usize = 0;
let negTableSize: u32 = 0;
let syn1neg: usize = 0;
let ring: usize = 0;
let ringMask: u32 = 0;
let ringHead: u32 = 0;
let ringCount: u32 = 0;
let targets: usize = 0;
let syn1: usize = 0;
let codes: usize = 0;
let points: usize = 0;
let codeLengths: usize = 0;
let maxCodeLength: usize = 0;
let syn0: usize = 0;
let subwordStarts: usize = 0; // 0: no subwords (word2vec), every input is the word's own row
let subwordRows: usize = 0;
let lossSum: f64 = 0;
let exampleCount: i32 = 0;
let sink: i32 = 0; // keeps the touching loads alive
// xoshiro128** states (src/embeddings/word2vec/kernel/rng.ts)
let w0: u32 = 0;
let w1: u32 = 0;
let w2: u32 = 0;
let w3: u32 = 0;
let n0: u32 = 0;
let n1: u32 = 0;
let n2: u32 = 0;
let n3: u32 = 0;

// @ts-ignore: decorator
@inline function drawWindow(): u32 {
  const result = rotl<u32>(w1 * 5, 7) * 9;
  const t = w1 << 9;
  w2 ^= w0;
  w3 ^= w1;
  w1 ^= w2;
  w0 ^= w3;
  w2 ^= t;
  w3 = rotl<u32>(w3, 11);
  return result;
}

// @ts-ignore: decorator
@inline function drawNegative(): u32 {
  const result = rotl<u32>(n1 * 5, 7) * 9;
  const t = n1 << 9;
  n2 ^= n0;
  n3 ^= n1;
  n1 ^= n2;
  n0 ^= n3;
  n2 ^= t;
  n3 = rotl<u32>(n3, 11);
  return result;
}

/** Tops the ring up to `want` negatives drawn ahead (each a table lookup). */
function fillRing(want: u32): void {
  let count = ringCount;
  const head = ringHead;
  while (count < want) {
    const target = load<u32>(negTable + (<usize>(drawNegative() % negTableSize) << 2));
    store<u32>(ring + (<usize>((head + count) & ringMask) << 2), target);
    count++;
  }
  ringCount = count;
}

// @ts-ignore: decorator
@inline function takeNegative(): usize {
  const target = load<u32>(ring + (<usize>ringHead << 2));
  ringHead = (ringHead + 1) & ringMask;
  ringCount--;
  return <usize>target;
}

/** Loads one word of every cache line of a row so that its misses start now. */
// @ts-ignore: decorator
@inline function touchRow(row: usize): void {
  let t = sink;
  for (let k: usize = 0; k < rowBytes; k += CACHE_LINE) t ^= load<i32>(row + k);
  sink = t;
}

/** Touches the output rows of ring entries [from, from + n). */
function touchNegatives(from: u32, n: u32): void {
  for (let d: u32 = 0; d < n; d++) {
    touchRow(syn1neg + <usize>load<u32>(ring + (<usize>((ringHead + from + d) & ringMask) << 2)) * rowBytes);
  }
}

/** Touches the inner-node rows on a word's Huffman path (hierarchical softmax). */
function touchPath(word: usize): void {
  const base = word * maxCodeLength;
  const length = <usize>load<u32>(codeLengths + (word << 2));
  for (let d: usize = 0; d < length; d++) {
    touchRow(syn1 + <usize>load<u32>(points + ((base + d) << 2)) * rowBytes);
  }
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

// @ts-ignore: decorator
@inline function scaleRow(dst: usize, factor: f32): void {
  const n = <usize>dim << 2;
  const n4 = n & ~15;
  const fv = f32x4.splat(factor);
  let k: usize = 0;
  for (; k < n4; k += 16) v128.store(dst + k, f32x4.mul(v128.load(dst + k), fv));
  for (; k < n; k += 4) store<f32>(dst + k, load<f32>(dst + k) * factor);
}

/**
 * neu1e += g * out; out += g * inp; and returns dot(inp, next), all in one pass: the next target's
 * score is computed while this target is updated, so `inp` is loaded once for both. The store to
 * `out` precedes the load of `next` at each position, so next == out (the same negative twice)
 * sees the updated row, exactly as the sequential order would; the accumulation order equals dot().
 */
// @ts-ignore: decorator
@inline function updateAndDot(inp: usize, out: usize, g: f32, next: usize): f32 {
  const gv = f32x4.splat(g);
  const e = neu1e;
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const n = <usize>dim << 2;
  const n8 = n & ~31;
  const n4 = n & ~15;
  let k: usize = 0;
  for (; k < n8; k += 32) {
    const x0 = v128.load(inp + k);
    const o0 = v128.load(out + k);
    v128.store(e + k, f32x4.add(v128.load(e + k), f32x4.mul(gv, o0)));
    v128.store(out + k, f32x4.add(o0, f32x4.mul(gv, x0)));
    acc0 = f32x4.add(acc0, f32x4.mul(x0, v128.load(next + k)));
    const x1 = v128.load(inp + k, 16);
    const o1 = v128.load(out + k, 16);
    v128.store(e + k, f32x4.add(v128.load(e + k, 16), f32x4.mul(gv, o1)), 16);
    v128.store(out + k, f32x4.add(o1, f32x4.mul(gv, x1)), 16);
    acc1 = f32x4.add(acc1, f32x4.mul(x1, v128.load(next + k, 16)));
  }
  if (k < n4) {
    const x0 = v128.load(inp + k);
    const o0 = v128.load(out + k);
    v128.store(e + k, f32x4.add(v128.load(e + k), f32x4.mul(gv, o0)));
    v128.store(out + k, f32x4.add(o0, f32x4.mul(gv, x0)));
    acc0 = f32x4.add(acc0, f32x4.mul(x0, v128.load(next + k)));
    k += 16;
  }
  acc0 = f32x4.add(acc0, acc1);
  let s = f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) +
    (f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3));
  for (; k < n; k += 4) {
    const x = load<f32>(inp + k);
    const o = load<f32>(out + k);
    store<f32>(e + k, load<f32>(e + k) + g * o);
    store<f32>(out + k, o + g * x);
    s += x * load<f32>(next + k);
  }
  return s;
}

/**
 * The last target of a skip-gram pair: out += g * inp and inp += neu1e + g * out (the finished
 * input gradient) in one pass, instead of an update pass and then a separate pass adding neu1e to
 * inp. Per element, the old inp feeds the out update before inp is overwritten, as in sequence.
 */
// @ts-ignore: decorator
@inline function lastUpdateApply(inp: usize, out: usize, g: f32): void {
  const gv = f32x4.splat(g);
  const n = <usize>dim << 2;
  const n4 = n & ~15;
  const e = neu1e;
  let k: usize = 0;
  for (; k < n4; k += 16) {
    const o = v128.load(out + k);
    const x = v128.load(inp + k);
    v128.store(out + k, f32x4.add(o, f32x4.mul(gv, x)));
    v128.store(inp + k, f32x4.add(x, f32x4.add(v128.load(e + k), f32x4.mul(gv, o))));
  }
  for (; k < n; k += 4) {
    const o = load<f32>(out + k);
    const x = load<f32>(inp + k);
    store<f32>(out + k, o + g * x);
    store<f32>(inp + k, x + (load<f32>(e + k) + g * o));
  }
}

/** The step g = (label - sigmoid(score)) * alpha; adds the loss -log sigmoid(+-score). */
// @ts-ignore: decorator
@inline function gradient(score: f32, label: f32, alpha: f32): f32 {
  let sigma: f32;
  if (score >= TABLE_MAX) sigma = 1;
  else if (score <= -TABLE_MAX) sigma = 0;
  else sigma = lookup(sigmoidTable, score);
  const z = label == 1 ? -score : score; // loss = softplus(z) = -log sigmoid(-z)
  if (z >= TABLE_MAX) lossSum += <f64>z;
  else if (z > -TABLE_MAX) lossSum += <f64>lookup(softplusTable, z);
  return (label - sigma) * alpha;
}

/**
 * All targets of one input vector (a skip-gram context row, or the CBOW mean): the center word's
 * HS path, then the positive and the negatives (a negative equal to the word is skipped, not
 * redrawn). Accumulates the input gradient in neu1e (zeroed here).
 */
function trainTargets(inp: usize, word: usize, hs: bool, negative: u32, alpha: f32, applyToInput: bool): void {
  zeroRow(neu1e);
  const list = targets;
  let count: usize = 0;
  if (hs) {
    const base = word * maxCodeLength;
    const length = <usize>load<u32>(codeLengths + (word << 2));
    for (let d: usize = 0; d < length; d++) {
      store<u32>(list + (count << 3), syn1 + <usize>load<u32>(points + ((base + d) << 2)) * rowBytes);
      store<f32>(list + (count << 3), <f32>(<i32>1 - <i32>load<u8>(codes + base + d)), 4);
      count++;
    }
  }
  if (negative > 0) {
    // Keep this pair's and the next pairs' negatives drawn; touch the next pair's rows, whose
    // table entries were loaded a pair ago, so their misses overlap with this pair's work.
    fillRing(3 * negative);
    touchNegatives(negative, negative);
    store<u32>(list + (count << 3), syn1neg + word * rowBytes);
    store<f32>(list + (count << 3), 1, 4);
    count++;
    for (let d: u32 = 0; d < negative; d++) {
      const target = takeNegative();
      if (target == word) continue;
      store<u32>(list + (count << 3), syn1neg + target * rowBytes);
      store<f32>(list + (count << 3), 0, 4);
      count++;
    }
  }
  if (count == 0) return; // (no targets: neu1e stays zero, the input is unchanged)
  exampleCount += <i32>count;
  let row = <usize>load<u32>(list);
  let score = dot(inp, row);
  const last = count - 1;
  for (let t: usize = 0; t < last; t++) {
    const g = gradient(score, load<f32>(list + (t << 3), 4), alpha);
    const next = <usize>load<u32>(list + ((t + 1) << 3));
    score = updateAndDot(inp, row, g, next);
    row = next;
  }
  const g = gradient(score, load<f32>(list + (last << 3), 4), alpha);
  if (applyToInput) lastUpdateApply(inp, row, g);
  else fusedUpdate(inp, row, g);
}

/** dst += the rows of word `word`'s n-grams (fastText); returns how many rows were added. */
function addSubwordRows(dst: usize, word: usize): i32 {
  const first = <usize>load<u32>(subwordStarts + (word << 2));
  const end = <usize>load<u32>(subwordStarts + ((word + 1) << 2));
  for (let k = first; k < end; k++) addRow(dst, syn0 + <usize>load<u32>(subwordRows + (k << 2)) * rowBytes);
  return <i32>(end - first);
}

/** row += neu1e for every n-gram row of `word` (each gets the full gradient, as in fastText). */
function applyToSubwordRows(word: usize): void {
  const first = <usize>load<u32>(subwordStarts + (word << 2));
  const end = <usize>load<u32>(subwordStarts + ((word + 1) << 2));
  for (let k = first; k < end; k++) addRow(syn0 + <usize>load<u32>(subwordRows + (k << 2)) * rowBytes, neu1e);
}

/**
 * A skip-gram pair whose input word has n-grams (fastText): the input is the mean of the word's
 * row and its n-gram rows (built in `mean`), and every one of those rows receives the gradient.
 */
function trainSubwordPair(mean: usize, input: usize, word: usize, hs: bool, negative: u32, alpha: f32): void {
  const own = syn0 + input * rowBytes;
  zeroRow(mean);
  addRow(mean, own);
  const rows = 1 + addSubwordRows(mean, input);
  scaleRow(mean, <f32>1 / <f32>rows);
  trainTargets(mean, word, hs, negative, alpha, false);
  addRow(own, neu1e);
  applyToSubwordRows(input);
}

/**
 * Trains one sentence (already copied into the thread's sentence buffer). The entry point: one
 * call per sentence, so the JS/wasm boundary is crossed once for up to maxSentence words.
 */
export function trainSentence(ctx: usize, length: i32, alpha: f32): void {
  syn0 = load<usize>(ctx, C_SYN0);
  subwordStarts = load<usize>(ctx, C_SUBWORD_STARTS);
  subwordRows = load<usize>(ctx, C_SUBWORD_ROWS);
  const subwords = subwordStarts != 0;
  syn1 = load<usize>(ctx, C_SYN1);
  codes = load<usize>(ctx, C_CODES);
  points = load<usize>(ctx, C_POINTS);
  codeLengths = load<usize>(ctx, C_CODELENGTHS);
  maxCodeLength = load<usize>(ctx, C_MAXCODELENGTH);
  targets = load<usize>(ctx, C_TARGETS);
  const negative = load<u32>(ctx, C_NEGATIVE);
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
  negTable = load<usize>(ctx, C_NEGTABLE);
  negTableSize = load<u32>(ctx, C_NEGTABLESIZE);
  syn1neg = load<usize>(ctx, C_SYN1NEG);
  ring = load<usize>(ctx, C_RING);
  ringMask = load<u32>(ctx, C_RING_MASK);
  ringHead = load<u32>(ctx, C_RING_HEAD);
  ringCount = load<u32>(ctx, C_RING_COUNT);
  w0 = load<u32>(ctx, C_RNG_WINDOW);
  w1 = load<u32>(ctx, C_RNG_WINDOW + 4);
  w2 = load<u32>(ctx, C_RNG_WINDOW + 8);
  w3 = load<u32>(ctx, C_RNG_WINDOW + 12);
  n0 = load<u32>(ctx, C_RNG_NEGATIVE);
  n1 = load<u32>(ctx, C_RNG_NEGATIVE + 4);
  n2 = load<u32>(ctx, C_RNG_NEGATIVE + 8);
  n3 = load<u32>(ctx, C_RNG_NEGATIVE + 12);
  lossSum = 0;
  exampleCount = 0;
  let pairs: i32 = 0;

  for (let pos: i32 = 0; pos < length; pos++) {
    const word = <usize>load<u32>(sentence + (<usize>pos << 2));
    // Start the misses of the next center's output row and of the next context entering the window.
    if (pos + 1 < length && negative > 0) {
      touchRow(syn1neg + <usize>load<u32>(sentence + (<usize>(pos + 1) << 2)) * rowBytes);
    }
    if (hs && pos + 1 < length) touchPath(<usize>load<u32>(sentence + (<usize>(pos + 1) << 2)));
    if (<u32>pos + window + 1 < <u32>length) {
      touchRow(syn0 + <usize>load<u32>(sentence + (<usize>(<u32>pos + window + 1) << 2)) * rowBytes);
    }
    const span = <i32>(window - drawWindow() % window);
    const from = pos - span < 0 ? 0 : pos - span;
    const to = pos + span >= length ? length - 1 : pos + span;
    if (sg) {
      for (let c = from; c <= to; c++) {
        if (c == pos) continue;
        const input = <usize>load<u32>(sentence + (<usize>c << 2));
        // A word without n-grams (all of them in word2vec) trains its own row in place.
        if (subwords && load<u32>(subwordStarts + ((input + 1) << 2)) > load<u32>(subwordStarts + (input << 2))) {
          trainSubwordPair(neu1, input, word, hs, negative, alpha);
        } else {
          trainTargets(syn0 + input * rowBytes, word, hs, negative, alpha, true);
        }
        pairs++;
      }
    } else {
      const count = to - from;
      if (count == 0) continue;
      // fastText: the mean over every row of every context word, its n-grams included.
      let rows = count;
      zeroRow(neu1);
      for (let c = from; c <= to; c++) {
        if (c == pos) continue;
        const input = <usize>load<u32>(sentence + (<usize>c << 2));
        addRow(neu1, syn0 + input * rowBytes);
        if (subwords) rows += addSubwordRows(neu1, input);
      }
      scaleRow(neu1, <f32>1 / <f32>rows);
      trainTargets(neu1, word, hs, negative, alpha, false);
      for (let c = from; c <= to; c++) {
        if (c == pos) continue;
        const input = <usize>load<u32>(sentence + (<usize>c << 2));
        addRow(syn0 + input * rowBytes, neu1e);
        if (subwords) applyToSubwordRows(input);
      }
      pairs++;
    }
  }

  store<u32>(ctx, w0, C_RNG_WINDOW);
  store<u32>(ctx, w1, C_RNG_WINDOW + 4);
  store<u32>(ctx, w2, C_RNG_WINDOW + 8);
  store<u32>(ctx, w3, C_RNG_WINDOW + 12);
  store<u32>(ctx, n0, C_RNG_NEGATIVE);
  store<u32>(ctx, n1, C_RNG_NEGATIVE + 4);
  store<u32>(ctx, n2, C_RNG_NEGATIVE + 8);
  store<u32>(ctx, n3, C_RNG_NEGATIVE + 12);
  store<u32>(ctx, ringHead, C_RING_HEAD);
  store<u32>(ctx, ringCount, C_RING_COUNT);
  store<f64>(ctx, load<f64>(ctx, C_LOSS) + lossSum, C_LOSS);
  store<f64>(ctx, load<f64>(ctx, C_EXAMPLES) + <f64>exampleCount, C_EXAMPLES);
  store<f64>(ctx, load<f64>(ctx, C_PAIRS) + <f64>pairs, C_PAIRS);
}
