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
 * Speed notes (measured with bench/word2vec-kernel.mjs, 50k words): nothing is allocated per
 * sentence; negatives are drawn ahead and the next pair's rows read early so cache misses overlap
 * (+60%); the next target's dot product is summed in the pass that updates the current target
 * (+7%), so the input row is read once for both.
 */
import { CTX, TABLE_INTERVALS, TABLE_MAX, type ModelMemory } from './model-memory.js';
import { RANDOM_STATE_RING, checkRandomState, type KernelOptions, type KernelRandomState, type KernelStats, type ThreadKernel } from './kernel-types.js';
import { checkSentence, prepareThread } from './thread-context.js';

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
  // fastText: word i's n-gram rows of syn0 are subwordRows[starts[i]..starts[i+1]); none in word2vec.
  const { subwordStarts, subwordRows } = model;
  const subwords = subwordStarts.length > 0;

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

  // Negatives are drawn ahead into a ring (the same stream order, so the same sequence as drawing
  // lazily) and the next pair's output rows are read early: the cache misses of a pair's random
  // table entries and rows then overlap instead of stalling one after another (1.6x at 50k words).
  const ring = new Int32Array(model.offsets.ringSize);
  const ringMask = ring.length - 1;
  let ringHead = 0;
  let ringCount = 0;
  let sink = 0; // a context variable the touching reads feed, so they are not dead code

  function fillRing(want: number): void {
    while (ringCount < want) {
      ring[(ringHead + ringCount) & ringMask] = negTable[drawNegative() % negTableSize]!;
      ringCount++;
    }
  }

  /** Reads one float per 64-byte cache line of the rows of ring entries [from, from + n). */
  function touchNegatives(from: number, n: number): void {
    let t = sink;
    for (let d = 0; d < n; d++) {
      const o = ring[(ringHead + from + d) & ringMask]! * dim;
      for (let k = 0; k < dim; k += 16) t += syn1neg[o + k]!;
    }
    sink = t;
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

  /** g = (label - sigmoid(score)) * alpha; adds the loss -log sigmoid(+-score). */
  function gradient(score: number, label: number, alpha: number): number {
    let sigma: number;
    if (score >= TABLE_MAX) sigma = 1;
    else if (score <= -TABLE_MAX) sigma = 0;
    else sigma = lookup(sigmoidTable, score);
    const z = label === 1 ? -score : score; // loss = softplus(z) = -log sigmoid(-z)
    if (z >= TABLE_MAX) loss += z;
    else if (z > -TABLE_MAX) loss += lookup(softplusTable, z);
    return (label - sigma) * alpha;
  }

  // This pair's targets in one matrix: row offsets and labels (preallocated, reused).
  const targetRows = new Int32Array(maxCodeLength + negative + 1);
  const targetLabels = new Uint8Array(maxCodeLength + negative + 1);

  /**
   * Logistic updates of `count` target rows of `out` against input inp[p..p+dim): for each target,
   * neu1e += g * out_row; out_row += g * inp_row with g = (label - sigmoid(score)) * alpha. The
   * next target's score is summed in the same pass as this target's update, so each input value is
   * read once for both (the write to out_row precedes the read of the next row, so a repeated
   * negative sees the updated row, as in the sequential order).
   */
  function trainList(inp: Float32Array, p: number, out: Float32Array, count: number, alpha: number): void {
    if (count === 0) return;
    examples += count;
    let o = targetRows[0]!;
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 < dim; k += 2) {
      s0 += inp[p + k]! * out[o + k]!;
      s1 += inp[p + k + 1]! * out[o + k + 1]!;
    }
    if (k < dim) s0 += inp[p + k]! * out[o + k]!;
    let score = s0 + s1;
    for (let t = 0; t < count; t++) {
      const g = gradient(score, targetLabels[t]!, alpha);
      if (t + 1 === count) {
        for (k = 0; k < dim; k++) {
          const w = out[o + k]!;
          neu1e[k] = neu1e[k]! + g * w;
          out[o + k] = w + g * inp[p + k]!;
        }
        return;
      }
      const next = targetRows[t + 1]!;
      s0 = 0;
      s1 = 0;
      for (k = 0; k + 1 < dim; k += 2) {
        const x0 = inp[p + k]!;
        const w0 = out[o + k]!;
        neu1e[k] = neu1e[k]! + g * w0;
        out[o + k] = w0 + g * x0;
        s0 += x0 * out[next + k]!;
        const x1 = inp[p + k + 1]!;
        const w1 = out[o + k + 1]!;
        neu1e[k + 1] = neu1e[k + 1]! + g * w1;
        out[o + k + 1] = w1 + g * x1;
        s1 += x1 * out[next + k + 1]!;
      }
      if (k < dim) {
        const x0 = inp[p + k]!;
        const w0 = out[o + k]!;
        neu1e[k] = neu1e[k]! + g * w0;
        out[o + k] = w0 + g * x0;
        s0 += x0 * out[next + k]!;
      }
      score = s0 + s1;
      o = next;
    }
  }

  /** All targets of one center word for input vector inp[p..): HS path, then negative sampling. */
  function trainTargets(inp: Float32Array, p: number, word: number, alpha: number): void {
    for (let k = 0; k < dim; k++) neu1e[k] = 0;
    if (hs) {
      const base = word * maxCodeLength;
      const n = codeLengths[word]!;
      for (let d = 0; d < n; d++) {
        targetRows[d] = points[base + d]! * dim;
        targetLabels[d] = 1 - codes[base + d]!;
      }
      trainList(inp, p, syn1, n, alpha);
    }
    if (negative > 0) {
      fillRing(3 * negative);
      touchNegatives(negative, negative);
      targetRows[0] = word * dim;
      targetLabels[0] = 1;
      let count = 1;
      for (let d = 0; d < negative; d++) {
        const target = ring[ringHead]!;
        ringHead = (ringHead + 1) & ringMask;
        ringCount--;
        if (target === word) continue;
        targetRows[count] = target * dim;
        targetLabels[count++] = 0;
      }
      trainList(inp, p, syn1neg, count, alpha);
    }
  }

  /** inp[0..dim) += the rows of `word`'s n-grams; returns how many. */
  function addSubwordRows(inp: Float32Array, word: number): number {
    const end = subwordStarts[word + 1]!;
    for (let s = subwordStarts[word]!; s < end; s++) {
      const o = subwordRows[s]! * dim;
      for (let k = 0; k < dim; k++) inp[k] = inp[k]! + syn0[o + k]!;
    }
    return end - subwordStarts[word]!;
  }

  /** Every n-gram row of `word` receives the full input gradient neu1e, as in fastText. */
  function applyToSubwordRows(word: number): void {
    const end = subwordStarts[word + 1]!;
    for (let s = subwordStarts[word]!; s < end; s++) {
      const o = subwordRows[s]! * dim;
      for (let k = 0; k < dim; k++) syn0[o + k] = syn0[o + k]! + neu1e[k]!;
    }
  }

  function trainSentence(ids: Int32Array, length: number, alpha: number): void {
    checkSentence(ids, length, model.layout.maxSentence, model.layout.vocabSize);
    for (let pos = 0; pos < length; pos++) {
      const word = ids[pos]!;
      const span = window - (drawWindow() % window);
      const from = pos - span < 0 ? 0 : pos - span;
      const to = pos + span >= length ? length - 1 : pos + span;
      if (sg) {
        for (let c = from; c <= to; c++) {
          if (c === pos) continue;
          const input = ids[c]!;
          const l1 = input * dim;
          if (subwords && subwordStarts[input + 1]! > subwordStarts[input]!) {
            // The mean of the word's row and its n-gram rows; all of them get the gradient.
            for (let k = 0; k < dim; k++) neu1[k] = syn0[l1 + k]!;
            const inv = 1 / (1 + addSubwordRows(neu1, input));
            for (let k = 0; k < dim; k++) neu1[k] = neu1[k]! * inv;
            trainTargets(neu1, 0, word, alpha);
            applyToSubwordRows(input);
          } else {
            trainTargets(syn0, l1, word, alpha);
          }
          for (let k = 0; k < dim; k++) syn0[l1 + k] = syn0[l1 + k]! + neu1e[k]!;
          pairs++;
        }
      } else {
        const count = to - from; // contexts = window positions minus the center
        if (count === 0) continue;
        // fastText: the mean over every row of every context word, its n-grams included.
        let rows = count;
        for (let k = 0; k < dim; k++) neu1[k] = 0;
        for (let c = from; c <= to; c++) {
          if (c === pos) continue;
          const l1 = ids[c]! * dim;
          for (let k = 0; k < dim; k++) neu1[k] = neu1[k]! + syn0[l1 + k]!;
          if (subwords) rows += addSubwordRows(neu1, ids[c]!);
        }
        const inv = 1 / rows;
        for (let k = 0; k < dim; k++) neu1[k] = neu1[k]! * inv;
        trainTargets(neu1, 0, word, alpha);
        for (let c = from; c <= to; c++) {
          if (c === pos) continue;
          const l1 = ids[c]! * dim;
          for (let k = 0; k < dim; k++) syn0[l1 + k] = syn0[l1 + k]! + neu1e[k]!;
          if (subwords) applyToSubwordRows(ids[c]!);
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
    getRandomState(): KernelRandomState {
      const streams = [w0, w1, w2, w3, n0, n1, n2, n3].map((x) => x >>> 0);
      return [...streams, ringHead, ringCount, ...Array.from(ring, (x) => x >>> 0)];
    },
    setRandomState(state: KernelRandomState): void {
      checkRandomState(state, ring.length);
      [w0, w1, w2, w3, n0, n1, n2, n3] = state.slice(0, 8).map((x) => x | 0) as [number, number, number, number, number, number, number, number];
      ringHead = state[8]!;
      ringCount = state[9]!;
      for (let i = 0; i < ring.length; i++) ring[i] = state[RANDOM_STATE_RING + i]!;
    },
  };
}
