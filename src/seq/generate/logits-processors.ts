/**
 * Logits processors, as in transformers.js's `src/generation/logits_process.js`: small steps
 * that each change one sample's scores over the vocabulary IN PLACE, chained before a sampler.
 * A processor removes a token by setting its logit to -Infinity. None of them allocates per
 * call: the scratch space they need is made on the first call and kept for the vocabulary size.
 *
 * Order used by generation (that of transformers.js and Hugging Face): suppression, repetition
 * penalty, temperature, top-k, top-p.
 */

/** The tokens of one sample so far (priming included), oldest first: `ids[0..length)`. */
export interface TokenHistory {
  ids: Int32Array;
  length: number;
}

export interface LogitsProcessor {
  /** Changes `logits` (one sample's scores, one per token id) in place. */
  process(logits: Float32Array, history?: TokenHistory): void;
}

/** Runs processors in order. */
export class LogitsProcessorList implements LogitsProcessor {
  readonly processors: LogitsProcessor[];
  constructor(processors: LogitsProcessor[] = []) {
    this.processors = processors;
  }
  push(processor: LogitsProcessor): this {
    this.processors.push(processor);
    return this;
  }
  get length(): number {
    return this.processors.length;
  }
  process(logits: Float32Array, history?: TokenHistory): void {
    for (const p of this.processors) p.process(logits, history);
  }
}

/**
 * Divides every logit by `temperature` (> 0): below 1 sharpens the distribution, above 1
 * flattens it. Temperature 0 is greedy decoding, which is the sampler's business, not this one's.
 */
export class TemperatureLogitsWarper implements LogitsProcessor {
  readonly temperature: number;
  constructor(temperature: number) {
    if (!(temperature > 0) || !Number.isFinite(temperature)) {
      throw new RangeError(`temperature must be a finite number greater than 0, got ${temperature}`);
    }
    this.temperature = temperature;
  }
  process(logits: Float32Array): void {
    const t = this.temperature;
    if (t === 1) return;
    for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! / t;
  }
}

/**
 * Keeps the `k` highest logits (all tokens tied with the k-th highest stay too, as in Hugging
 * Face) and sets the others to -Infinity. k 0 (or k ≥ the vocabulary) changes nothing; k 1 is
 * greedy decoding. Cost O(V log k) with a k-sized min-heap.
 */
export class TopKLogitsWarper implements LogitsProcessor {
  readonly k: number;
  private heap = new Float32Array(0);
  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`top-k must be an integer >= 0, got ${k}`);
    this.k = k;
  }
  process(logits: Float32Array): void {
    const k = this.k;
    const n = logits.length;
    if (k === 0 || k >= n) return;
    if (this.heap.length !== k) this.heap = new Float32Array(k);
    // Min-heap of the k largest values seen so far; its root is the k-th largest. NaN counts as
    // the lowest value (it never passes a comparison).
    const heap = this.heap;
    for (let i = 0; i < k; i++) {
      const v = logits[i]!;
      heap[i] = v === v ? v : -Infinity;
    }
    for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(heap, i, k);
    for (let i = k; i < n; i++) {
      const v = logits[i]!;
      if (v > heap[0]!) {
        heap[0] = v;
        siftDown(heap, 0, k);
      }
    }
    const threshold = heap[0]!;
    for (let i = 0; i < n; i++) {
      if (!(logits[i]! >= threshold)) logits[i] = -Infinity;
    }
  }
}

function siftDown(heap: Float32Array, start: number, size: number): void {
  let i = start;
  const v = heap[i]!;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
    if (!(heap[child]! < v)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = v;
}

/**
 * Nucleus sampling (Holtzman et al., 2019): keeps the smallest set of most probable tokens whose
 * probability mass reaches `p`, and at least `minKeep` tokens (so at least the most probable one
 * survives any p). p 1 changes nothing. Ties are broken by the lower id, so the result is
 * deterministic. The mass is compared with a relative slack of 1e-6, well below float32 logit
 * precision, so a set that reaches p up to rounding counts as reaching it.
 */
export class TopPLogitsWarper implements LogitsProcessor {
  readonly p: number;
  readonly minKeep: number;
  private probs = new Float64Array(0);
  private order = new Uint32Array(0);
  private readonly byProbability = (a: number, b: number): number => this.probs[b]! - this.probs[a]! || a - b;

  constructor(p: number, minKeep = 1) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`top-p must be a number between 0 and 1, got ${p}`);
    if (!Number.isInteger(minKeep) || minKeep < 1) throw new RangeError(`minKeep must be an integer >= 1, got ${minKeep}`);
    this.p = p;
    this.minKeep = minKeep;
  }

  process(logits: Float32Array): void {
    const n = logits.length;
    if (this.p >= 1 || n <= this.minKeep) return;
    if (this.probs.length !== n) {
      this.probs = new Float64Array(n);
      this.order = new Uint32Array(n);
    }
    const probs = this.probs;
    const order = this.order;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
    if (max === -Infinity) return; // nothing left to choose from: leave it to the sampler to report
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = logits[i]! > -Infinity ? Math.exp(logits[i]! - max) : 0; // NaN -> 0 too
      probs[i] = e === e ? e : 0;
      sum += probs[i]!;
      order[i] = i;
    }
    order.sort(this.byProbability);
    const target = this.p * sum * (1 - 1e-6);
    let cumulative = 0;
    let kept = 0;
    while (kept < n) {
      cumulative += probs[order[kept]!]!;
      kept++;
      if (kept >= this.minKeep && cumulative >= target) break;
    }
    for (let r = kept; r < n; r++) logits[order[r]!] = -Infinity;
  }
}

/**
 * Sets the logits of the given token ids to -Infinity, so they are never produced. Generation
 * always suppresses `<PAD>` (0), `<UNK>` (1) and `<BOS>` (2). Ids beyond the vocabulary are ignored.
 */
export class SuppressTokensLogitsProcessor implements LogitsProcessor {
  readonly ids: Int32Array;
  constructor(ids: Iterable<number>) {
    const list = [...new Set(ids)];
    for (const id of list) {
      if (!Number.isInteger(id) || id < 0) throw new RangeError(`a suppressed token id must be an integer >= 0, got ${id}`);
    }
    this.ids = Int32Array.from(list);
  }
  process(logits: Float32Array): void {
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < logits.length) logits[id] = -Infinity;
    }
  }
}

/**
 * The repetition penalty of CTRL (Keskar et al., 2019), as in Hugging Face: every token that
 * occurs in the last `window` tokens of the history (0 = the whole history, priming included)
 * has its logit divided by `penalty` when positive and multiplied by it when negative, once
 * however often it occurs. penalty > 1 discourages repetition, < 1 encourages it, 1 is off.
 * For character models use a window (a few dozen characters): every letter recurs.
 */
export class RepetitionPenaltyLogitsProcessor implements LogitsProcessor {
  readonly penalty: number;
  readonly window: number;
  private seen = new Uint8Array(0);
  constructor(penalty: number, window = 0) {
    if (!(penalty > 0) || !Number.isFinite(penalty)) throw new RangeError(`repetition penalty must be a finite number greater than 0, got ${penalty}`);
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`repetition window must be an integer >= 0, got ${window}`);
    this.penalty = penalty;
    this.window = window;
  }
  process(logits: Float32Array, history?: TokenHistory): void {
    if (this.penalty === 1 || !history || history.length === 0) return;
    const n = logits.length;
    if (this.seen.length !== n) this.seen = new Uint8Array(n);
    const seen = this.seen;
    const { ids, length } = history;
    const start = this.window > 0 ? Math.max(0, length - this.window) : 0;
    for (let i = start; i < length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= n || seen[id]) continue;
      seen[id] = 1;
      const v = logits[id]!;
      logits[id] = v > 0 ? v / this.penalty : v * this.penalty;
    }
    for (let i = start; i < length; i++) {
      const id = ids[i]!;
      if (id >= 0 && id < n) seen[id] = 0;
    }
  }
}
