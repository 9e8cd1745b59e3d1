// AssemblyScript source of the WebAssembly SIMD GloVe update (built by `npm run build:wasm` into
// dist/wasm/glove.wasm; not part of the tsc build). The same update as the JS loop in
// src/embeddings/glove/worker.ts (the Stanford C tool's glove_thread): keep the two in sync.
//
// Memory: the trainer's shared WebAssembly.Memory is imported; all pointers are byte offsets
// into it (layout: allocateGloveMemory in src/embeddings/glove/worker-protocol.ts). Math.log and
// Math.pow bring lookup tables as static data at the bottom of the memory (every instance writes
// them again when it starts, with the same bytes): the layout leaves the first 64 KB to them, and
// the loader checks heapBase() against that. No allocator, so one instance per worker thread
// shares the weights (Hogwild). Rows are dim + 1 floats (vector, bias);
// the vector part is processed four floats at a time, the tail (dim % 4) one by one.

// results of the last call, read by the caller
let lastCost: f64 = 0;
let lastSkipped: i32 = 0;

/** End of the static data: the layout must start above it. */
export function heapBase(): usize {
  return __heap_base;
}

export function cost(): f64 {
  return lastCost;
}

export function skipped(): i32 {
  return lastSkipped;
}

/**
 * Trains records [start, end) of the block at (word1, word2, values); returns nothing, see cost()
 * and skipped(). `update` points at 2 x dim floats of this thread's scratch.
 */
export function train(
  weights: usize, gradsq: usize, word1: usize, word2: usize, values: usize, start: i32, end: i32,
  dim: i32, words: i32, xMax: f64, alpha: f64, eta: f32, gradClip: f32, update: usize,
): void {
  const row = dim + 1;
  const vecEnd = dim & ~3;
  const update2 = update + (<usize>dim << 2);
  const clipHi = f32x4.splat(gradClip);
  const clipLo = f32x4.splat(-gradClip);
  const etaV = f32x4.splat(eta);
  let total: f64 = 0;
  let skips: i32 = 0;
  for (let r = start; r < end; r++) {
    const a = load<i32>(word1 + (<usize>r << 2)) - 1;
    const b = load<i32>(word2 + (<usize>r << 2)) - 1 + words;
    const x = load<f64>(values + (<usize>r << 3));
    const w1 = weights + (<usize>(a * row) << 2);
    const w2 = weights + (<usize>(b * row) << 2);
    const g1 = gradsq + (<usize>(a * row) << 2);
    const g2 = gradsq + (<usize>(b * row) << 2);
    let acc = f32x4.splat(0);
    let k = 0;
    for (; k < vecEnd; k += 4) {
      const off = <usize>k << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(w1 + off), v128.load(w2 + off)));
    }
    let dot: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; k < dim; k++) dot += load<f32>(w1 + (<usize>k << 2)) * load<f32>(w2 + (<usize>k << 2));
    const diff: f64 = <f64>dot + <f64>load<f32>(w1 + (<usize>dim << 2)) + <f64>load<f32>(w2 + (<usize>dim << 2)) - Math.log(x);
    const fdiff64: f64 = x > xMax ? diff : Math.pow(x / xMax, alpha) * diff;
    if (!isFinite(fdiff64)) {
      skips++;
      continue;
    }
    total += 0.5 * fdiff64 * diff;
    const fdiff = <f32>fdiff64;
    const fv = f32x4.splat(fdiff);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    k = 0;
    for (; k < vecEnd; k += 4) {
      const off = <usize>k << 2;
      const t1 = f32x4.mul(f32x4.max(f32x4.min(f32x4.mul(fv, v128.load(w2 + off)), clipHi), clipLo), etaV);
      const t2 = f32x4.mul(f32x4.max(f32x4.min(f32x4.mul(fv, v128.load(w1 + off)), clipHi), clipLo), etaV);
      const gg1 = v128.load(g1 + off);
      const gg2 = v128.load(g2 + off);
      const u1 = f32x4.div(t1, f32x4.sqrt(gg1));
      const u2 = f32x4.div(t2, f32x4.sqrt(gg2));
      v128.store(update + off, u1);
      v128.store(update2 + off, u2);
      s1 = f32x4.add(s1, u1);
      s2 = f32x4.add(s2, u2);
      v128.store(g1 + off, f32x4.add(gg1, f32x4.mul(t1, t1)));
      v128.store(g2 + off, f32x4.add(gg2, f32x4.mul(t2, t2)));
    }
    let sum1: f32 = f32x4.extract_lane(s1, 0) + f32x4.extract_lane(s1, 1) + f32x4.extract_lane(s1, 2) + f32x4.extract_lane(s1, 3);
    let sum2: f32 = f32x4.extract_lane(s2, 0) + f32x4.extract_lane(s2, 1) + f32x4.extract_lane(s2, 2) + f32x4.extract_lane(s2, 3);
    for (; k < dim; k++) {
      const off = <usize>k << 2;
      const t1 = min(max(fdiff * load<f32>(w2 + off), -gradClip), gradClip) * eta;
      const t2 = min(max(fdiff * load<f32>(w1 + off), -gradClip), gradClip) * eta;
      const u1 = t1 / sqrt<f32>(load<f32>(g1 + off));
      const u2 = t2 / sqrt<f32>(load<f32>(g2 + off));
      store<f32>(update + off, u1);
      store<f32>(update2 + off, u2);
      sum1 += u1;
      sum2 += u2;
      store<f32>(g1 + off, load<f32>(g1 + off) + t1 * t1);
      store<f32>(g2 + off, load<f32>(g2 + off) + t2 * t2);
    }
    if (isFinite(sum1) && isFinite(sum2)) {
      k = 0;
      for (; k < vecEnd; k += 4) {
        const off = <usize>k << 2;
        v128.store(w1 + off, f32x4.sub(v128.load(w1 + off), v128.load(update + off)));
        v128.store(w2 + off, f32x4.sub(v128.load(w2 + off), v128.load(update2 + off)));
      }
      for (; k < dim; k++) {
        const off = <usize>k << 2;
        store<f32>(w1 + off, load<f32>(w1 + off) - load<f32>(update + off));
        store<f32>(w2 + off, load<f32>(w2 + off) - load<f32>(update2 + off));
      }
    }
    const bias = <usize>dim << 2;
    const b1 = fdiff / sqrt<f32>(load<f32>(g1 + bias));
    const b2 = fdiff / sqrt<f32>(load<f32>(g2 + bias));
    if (isFinite(b1)) store<f32>(w1 + bias, load<f32>(w1 + bias) - b1);
    if (isFinite(b2)) store<f32>(w2 + bias, load<f32>(w2 + bias) - b2);
    const f2 = fdiff * fdiff;
    store<f32>(g1 + bias, load<f32>(g1 + bias) + f2);
    store<f32>(g2 + bias, load<f32>(g2 + bias) + f2);
  }
  lastCost = total;
  lastSkipped = skips;
}

// ---------------------------------------------------------------------------------------------
// Co-occurrence counting (src/embeddings/glove/count-worker.ts drives it; one instance per
// counting worker, in that worker's own memory). The window loop and the table accumulation of
// the C tool's cooccur: each in-vocabulary word pairs with the `window` words before it on its
// line, weight 1/distance, and (symmetric) is paired back. This worker keeps only the pairs whose
// word1 lies in [lo, hi): pairs of frequent words (rank product below the plan's bound) add into
// a dense Float64 table indexed by rank, the rest into open-addressing hash tables, one per
// partition of the word1 range, whose 16-byte slots are the C tool's record (i32 word1, i32 word2,
// f64 value; word1 0 = empty), so a sorted table is a shard as it lies in memory.
//
// Layout (byte offsets, set by countSetup): limit i32[words + 1] (pairs (a, b) with a < limit[b]
// are dense), rowStart u32[words + 2] (dense index of (a, 1)), part i32[words + 1] (table of word1
// a), tables: 16 bytes each (base, mask, used, capacity: u32), history i32[window], inverse
// f64[window + 1] (1/d, as JS computes it).

const EOS_ID: i32 = 3;
let cWindow: i32 = 0;
let cSymmetric: bool = true;
let cLo: i32 = 0;
let cHi: i32 = 0;
let cLimit: usize = 0;
let cRowStart: usize = 0;
let cDense: usize = 0;
let cPart: usize = 0;
let cTables: usize = 0;
let cHistory: usize = 0;
let cInverse: usize = 0;
let cPosition: i32 = 0;
let cHead: i32 = 0;
let cFull: i32 = 0;

export function countSetup(
  window: i32, symmetric: bool, lo: i32, hi: i32, limit: usize, rowStart: usize, dense: usize, part: usize, tables: usize, history: usize, inverse: usize,
): void {
  cWindow = window;
  cSymmetric = symmetric;
  cLo = lo;
  cHi = hi;
  cLimit = limit;
  cRowStart = rowStart;
  cDense = dense;
  cPart = part;
  cTables = tables;
  cHistory = history;
  cInverse = inverse;
  cPosition = 0;
  cHead = 0;
  cFull = 0;
}

/** Bit t set: table t reached its capacity and must be spilled (sortTable, then clearTable). */
export function fullTables(): i32 {
  return cFull;
}

// @ts-ignore: decorator
@inline
function addPair(a: i32, b: i32, x: f64): void {
  if (a < load<i32>(cLimit + (<usize>b << 2))) {
    const p = cDense + ((<usize>load<u32>(cRowStart + (<usize>a << 2)) + <usize>b - 1) << 3);
    store<f64>(p, load<f64>(p) + x);
    return;
  }
  const t = load<i32>(cPart + (<usize>a << 2));
  const desc = cTables + (<usize>t << 4);
  const base = <usize>load<u32>(desc);
  const mask = load<u32>(desc, 4);
  let h: u32 = (<u32>a * <u32>0x9e3779b1) ^ (<u32>b * <u32>0x85ebca6b);
  h = (h ^ (h >>> 15)) & mask;
  for (;;) {
    const rec = base + (<usize>h << 4);
    const k = load<i32>(rec);
    if (k == a && load<i32>(rec, 4) == b) {
      store<f64>(rec, load<f64>(rec, 8) + x, 8);
      return;
    }
    if (k == 0) {
      store<i32>(rec, a);
      store<i32>(rec, b, 4);
      store<f64>(rec, x, 8);
      const used = load<u32>(desc, 8) + 1;
      store<u32>(desc, used, 8);
      if (used >= load<u32>(desc, 12)) cFull |= 1 << t;
      return;
    }
    h = (h + 1) & mask;
  }
}

/**
 * Counts ids[start, end) (vocabulary ids: 3 ends a line, a word w is GloVe id w - 3; the window
 * carries over from the previous call). Returns where it stopped: `end`, or earlier, just after a
 * word whose pairs filled a table (see fullTables); the capacities leave room for one word's pairs.
 */
export function countChunk(ids: usize, start: i32, end: i32): i32 {
  const window = cWindow;
  const lo = cLo;
  const hi = cHi;
  const symmetric = cSymmetric;
  const history = cHistory;
  let position = cPosition;
  let head = cHead;
  let i = start;
  while (i < end) {
    const id = load<i32>(ids + (<usize>i << 2));
    i++;
    if (id == EOS_ID) {
      position = 0;
      head = 0;
      continue;
    }
    const w2 = id - 3;
    const reach = position < window ? position : window;
    const mine2 = symmetric && w2 >= lo && w2 < hi;
    let slot = head;
    for (let d = 1; d <= reach; d++) {
      slot = slot == 0 ? window - 1 : slot - 1;
      const w1 = load<i32>(history + (<usize>slot << 2));
      const x = load<f64>(cInverse + (<usize>d << 3));
      if (w1 >= lo && w1 < hi) addPair(w1, w2, x);
      if (mine2) addPair(w2, w1, x);
    }
    store<i32>(history + (<usize>head << 2), w2);
    head = head == window - 1 ? 0 : head + 1;
    if (position < window) position++;
    if (cFull != 0) break;
  }
  cPosition = position;
  cHead = head;
  return i;
}

// @ts-ignore: decorator
@inline
function recordKey(p: usize): u64 {
  // little-endian (word1, word2) read as one u64 has word2 on top: rotate word1 up
  return rotr<u64>(load<u64>(p), 32);
}

// @ts-ignore: decorator
@inline
function swapRecords(p: usize, q: usize): void {
  const x = v128.load(p);
  v128.store(p, v128.load(q));
  v128.store(q, x);
}

/** Sorts the 16-byte records of [lo, hi) (byte addresses) by (word1, word2): quicksort, insertion sort below 24. */
function sortRecords(lo: usize, hi: usize): void {
  while (hi - lo > 24 << 4) {
    const n = (hi - lo) >> 4;
    const a = lo;
    const m = lo + ((n >> 1) << 4);
    const z = hi - 16;
    // median of three to the middle
    if (recordKey(m) < recordKey(a)) swapRecords(m, a);
    if (recordKey(z) < recordKey(m)) {
      swapRecords(z, m);
      if (recordKey(m) < recordKey(a)) swapRecords(m, a);
    }
    const pivot = recordKey(m);
    let i = lo - 16;
    let j = hi;
    for (;;) {
      do i += 16; while (recordKey(i) < pivot);
      do j -= 16; while (recordKey(j) > pivot);
      if (i >= j) break;
      swapRecords(i, j);
    }
    const split = j + 16;
    if (split - lo < hi - split) {
      sortRecords(lo, split);
      lo = split;
    } else {
      sortRecords(split, hi);
      hi = split;
    }
  }
  for (let p = lo + 16; p < hi; p += 16) {
    const x = v128.load(p);
    const key = recordKey(p);
    let q = p;
    while (q > lo && recordKey(q - 16) > key) {
      v128.store(q, v128.load(q - 16));
      q -= 16;
    }
    v128.store(q, x);
  }
}

/** Moves table t's records to the front of its slots, sorted by (word1, word2); returns how many. */
export function sortTable(t: i32): i32 {
  const desc = cTables + (<usize>t << 4);
  const base = <usize>load<u32>(desc);
  const slots = <usize>load<u32>(desc, 4) + 1;
  let n: usize = 0;
  for (let s: usize = 0; s < slots; s++) {
    const rec = base + (s << 4);
    if (load<i32>(rec) != 0) {
      if (n != s) v128.store(base + (n << 4), v128.load(rec));
      n++;
    }
  }
  sortRecords(base, base + (n << 4));
  return <i32>n;
}

/** Empties table t (after its records were written out). */
export function clearTable(t: i32): void {
  const desc = cTables + (<usize>t << 4);
  const base = <usize>load<u32>(desc);
  const slots = <usize>load<u32>(desc, 4) + 1;
  memory.fill(base, 0, slots << 4);
  store<u32>(desc, 0, 8);
  cFull &= ~(1 << t);
}
