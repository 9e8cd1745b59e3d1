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
