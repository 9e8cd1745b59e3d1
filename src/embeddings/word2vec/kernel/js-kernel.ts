/**
 * Plain TypeScript word2vec kernel over Float32Array views of the shared model memory: the
 * fallback when WebAssembly SIMD or shared memory is unavailable, and the reference the wasm
 * kernel is tested against. Same algorithm and RNG sequence as assembly/word2vec.ts.
 *
 * Algorithm (word2vec C): for each center word, shrink the window by b = rng % window.
 * Skip-gram: for each context word c, the input vector syn0[c] predicts the center word (HS path
 * of the center word, then the center as positive plus `negative` drawn negatives; a negative
 * equal to the center is skipped, not redrawn). CBOW: the mean of the context vectors predicts the
 * center; every context vector then receives the full hidden gradient (word2vec C / fastText do not
 * divide it by the context count).
 *
 * Speed notes: nothing is allocated per sentence; the per-target work is one dot product and ONE
 * fused pass that both accumulates the input gradient (neu1e) and updates the output row, so the
 * output row is read once instead of twice.
 */
import { CTX, TABLE_INTERVALS, TABLE_MAX, type ModelMemory } from './model-memory.js';
import type { KernelOptions, KernelStats, ThreadKernel } from './kernel-types.js';
import { prepareThread } from './thread-context.js';

const TABLE_SCALE = TABLE_INTERVALS / (2 * TABLE_MAX);
const LAST_CELL = TABLE_INTERVALS - 1;

export function createJsKernel(model: ModelMemory, opts: KernelOptions): ThreadKernel {
  const scratch = prepareThread(model, opts);
  const { dim, maxCodeLength } = model.layout;
  const negTableSize = model.layout.negative > 0 ? model.layout.negTableSize : 0;
  const { sg, hs, negative, window } = opts;
  const syn0 = model.syn0;
  // Unused matrices get an empty view so every array variable stays a Float32Array (monomorphic).
  const syn1neg = model.syn1neg ?? new Float32Array(0);
  const syn1 = model.syn1 ?? new Float32Array(0);
  const { negTable, codes, points, codeLengths, sigmoidTable, softplusTable } = model;
  const { neu1, neu1e } = scratch;

  // Two xoshiro128** streams (see rng.ts), seeded by prepareThread in the context block.
  const seeds = scratch.words;
  let w0 = seeds[CTX.rngWindow / 4]! | 0, w1 = seeds[CTX.rngWindow / 4 + 1]! | 0;
  let w2 = seeds[CTX.rngWindow / 4 + 2]! | 0, w3 = seeds[CTX.rngWindow / 4 + 3]! | 0;
  let n0 = seeds[CTX.rngNegative / 4]! | 0, n1 = seeds[CTX.rngNegative / 4 + 1]! | 0;
  let n2 = seeds[CTX.rngNegative / 4 + 2]! | 0, n3 = seeds[CTX.rngNegative / 4 + 3]! | 0;
  let loss = 0;
  let examples = 0;
  let pairs = 0;

  /** Next unsigned 32-bit draw of the window stream (xoshiro128**, inlined by hand). */
  function drawWindow(): number {
    const x = Math.imul(w1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = w1 << 9;
    w2 ^= w0;
    w3 ^= w1;
    w1 ^= w2;
    w0 ^= w3;
    w2 ^= t;
    w3 = (w3 << 11) | (w3 >>> 21);
    return result;
  }

  /** Next unsigned 32-bit draw of the negative stream. */
  function drawNegative(): number {
    const x = Math.imul(n1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = n1 << 9;
    n2 ^= n0;
    n3 ^= n1;
    n1 ^= n2;
    n0 ^= n3;
    n2 ^= t;
    n3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Linear interpolation in a table on [-TABLE_MAX, TABLE_MAX]; callers handle the outside. */
  function lookup(table: Float32Array, x: number): number {
    let cell = (x + TABLE_MAX) * TABLE_SCALE;
    let i = cell | 0;
    if (i > LAST_CELL) i = LAST_CELL;
    cell -= i;
    const lo = table[i]!;
    return lo + cell * (table[i + 1]! - lo);
  }

  /**
   * One logistic update of output row `out[o..o+dim)` against input `inp[p..p+dim)` with label 0/1:
   * neu1e += g * out_row; out_row += g * inp_row, where g = (label - sigmoid(score)) * alpha.
   */
  function update(inp: Float32Array, p: number, out: Float32Array, o: number, label: number, alpha: number): void {
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    // Two accumulators break the add dependency chain.
    for (; k + 1 < dim; k += 2) {
      s0 += inp[p + k]! * out[o + k]!;
      s1 += inp[p + k + 1]! * out[o + k + 1]!;
    }
    if (k < dim) s0 += inp[p + k]! * out[o + k]!;
    const score = s0 + s1;
    let sigma: number;
    const z = label === 1 ? -score : score; // loss = softplus(z) = -log sigmoid(-z)
    if (score >= TABLE_MAX) sigma = 1;
    else if (score <= -TABLE_MAX) sigma = 0;
    else sigma = lookup(sigmoidTable, score);
    if (z >= TABLE_MAX) loss += z;
    else if (z > -TABLE_MAX) loss += lookup(softplusTable, z);
    examples++;
    const g = (label - sigma) * alpha;
    for (k = 0; k < dim; k++) {
      const w = out[o + k]!;
      neu1e[k] = neu1e[k]! + g * w;
      out[o + k] = w + g * inp[p + k]!;
    }
  }

  /** All targets of one center word for input vector inp[p..): HS path, then negative sampling. */
  function trainTargets(inp: Float32Array, p: number, word: number, alpha: number): void {
    for (let k = 0; k < dim; k++) neu1e[k] = 0;
    if (hs) {
      const base = word * maxCodeLength;
      const n = codeLengths[word]!;
      for (let d = 0; d < n; d++) {
        update(inp, p, syn1, points[base + d]! * dim, 1 - codes[base + d]!, alpha);
      }
    }
    if (negative > 0) {
      update(inp, p, syn1neg, word * dim, 1, alpha);
      for (let d = 0; d < negative; d++) {
        const target = negTable[drawNegative() % negTableSize]!;
        if (target === word) continue;
        update(inp, p, syn1neg, target * dim, 0, alpha);
      }
    }
  }

  function trainSentence(ids: Int32Array, length: number, alpha: number): void {
    for (let pos = 0; pos < length; pos++) {
      const word = ids[pos]!;
      const span = window - (drawWindow() % window);
      const from = pos - span < 0 ? 0 : pos - span;
      const to = pos + span >= length ? length - 1 : pos + span;
      if (sg) {
        for (let c = from; c <= to; c++) {
          if (c === pos) continue;
          const l1 = ids[c]! * dim;
          trainTargets(syn0, l1, word, alpha);
          for (let k = 0; k < dim; k++) syn0[l1 + k] = syn0[l1 + k]! + neu1e[k]!;
          pairs++;
        }
      } else {
        const count = to - from; // contexts = window positions minus the center
        if (count === 0) continue;
        for (let k = 0; k < dim; k++) neu1[k] = 0;
        for (let c = from; c <= to; c++) {
          if (c === pos) continue;
          const l1 = ids[c]! * dim;
          for (let k = 0; k < dim; k++) neu1[k] = neu1[k]! + syn0[l1 + k]!;
        }
        const inv = 1 / count;
        for (let k = 0; k < dim; k++) neu1[k] = neu1[k]! * inv;
        trainTargets(neu1, 0, word, alpha);
        for (let c = from; c <= to; c++) {
          if (c === pos) continue;
          const l1 = ids[c]! * dim;
          for (let k = 0; k < dim; k++) syn0[l1 + k] = syn0[l1 + k]! + neu1e[k]!;
        }
        pairs++;
      }
    }
  }

  return {
    kind: 'js',
    trainSentence,
    takeStats(): KernelStats {
      const stats = { loss, examples, pairs };
      loss = 0;
      examples = 0;
      pairs = 0;
      return stats;
    },
  };
}
