// Single-precision matrix products for the sequence kernels: C[M, j0..j1) (+)= A B over K.
//
// One kernel serves both operand layouts the recurrent layers need: A is addressed through a row
// step and a k step (in bytes), so A[i, k] = a + i*rowStep + k*kStep covers a row-major A
// (rowStep = lda*4, kStep = 4) and a transposed one (rowStep = 4, kStep = lda*4) without copying.
// B is always row-major [K, N] (the caller transposes the small weight matrices once per call).
//
// A 4x8 register block: per k, two f32x4 rows of B and four broadcast scalars of A feed eight
// accumulators. Larger blocks spill registers in V8 (measured in ../shared/STACK.md). Every
// element is accumulated as c + a0*b0 + a1*b1 + ... in k order, and whether it goes through the
// vector or the scalar path depends only on its column: a row or column range computed by one
// thread or another gives the same bits: results do not depend on how work is split.

/**
 * acc + a * b. Built twice (package.json build:wasm): with relaxed SIMD it is one fused
 * multiply-add (+15-30% on these products), without it a multiply and an add; the sequence
 * engine loads the relaxed build where the engine accepts it.
 */
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline function splat(p: usize): v128 {
  return v128.load32_splat(p);
}

/** Rows i..i+3, columns j..j+7. */
@inline function block4x8(
  a: usize, rowStep: usize, kStep: usize, b: usize, ldb4: usize, c: usize, ldc4: usize, K: i32, accumulate: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (accumulate) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc4); c11 = v128.load(c + ldc4, 16);
    c20 = v128.load(c + 2 * ldc4); c21 = v128.load(c + 2 * ldc4, 16);
    c30 = v128.load(c + 3 * ldc4); c31 = v128.load(c + 3 * ldc4, 16);
  }
  let pa = a;
  let pb = b;
  const r2 = rowStep << 1;
  const r3 = r2 + rowStep;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = splat(pa);
    const a1 = splat(pa + rowStep);
    const a2 = splat(pa + r2);
    const a3 = splat(pa + r3);
    c00 = madd(c00, a0, b0);
    c01 = madd(c01, a0, b1);
    c10 = madd(c10, a1, b0);
    c11 = madd(c11, a1, b1);
    c20 = madd(c20, a2, b0);
    c21 = madd(c21, a2, b1);
    c30 = madd(c30, a3, b0);
    c31 = madd(c31, a3, b1);
    pa += kStep;
    pb += ldb4;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc4, c10); v128.store(c + ldc4, c11, 16);
  v128.store(c + 2 * ldc4, c20); v128.store(c + 2 * ldc4, c21, 16);
  v128.store(c + 3 * ldc4, c30); v128.store(c + 3 * ldc4, c31, 16);
}

/** One row i, columns j..j+7. */
@inline function block1x8(a: usize, kStep: usize, b: usize, ldb4: usize, c: usize, K: i32, accumulate: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  if (accumulate) {
    c0 = v128.load(c);
    c1 = v128.load(c, 16);
  }
  let pa = a;
  let pb = b;
  for (let k = 0; k < K; k++) {
    const a0 = splat(pa);
    c0 = madd(c0, a0, v128.load(pb));
    c1 = madd(c1, a0, v128.load(pb, 16));
    pa += kStep;
    pb += ldb4;
  }
  v128.store(c, c0);
  v128.store(c, c1, 16);
}

/** One row i, columns j..j+3. */
@inline function block1x4(a: usize, kStep: usize, b: usize, ldb4: usize, c: usize, K: i32, accumulate: bool): void {
  let c0 = accumulate ? v128.load(c) : f32x4.splat(0);
  let pa = a;
  let pb = b;
  for (let k = 0; k < K; k++) {
    c0 = madd(c0, splat(pa), v128.load(pb));
    pa += kStep;
    pb += ldb4;
  }
  v128.store(c, c0);
}

/** One element. */
@inline function block1x1(a: usize, kStep: usize, b: usize, ldb4: usize, c: usize, K: i32, accumulate: bool): void {
  let s: f32 = accumulate ? load<f32>(c) : 0;
  let pa = a;
  let pb = b;
  for (let k = 0; k < K; k++) {
    s = s + load<f32>(pa) * load<f32>(pb);
    pa += kStep;
    pb += ldb4;
  }
  store<f32>(c, s);
}

// B is consumed in panels of 8 columns stored k-major (8 floats per k, 32 bytes): a panel's rows
// are contiguous however wide B is, so a [KC x 8] panel sits in L1 while every row block of A
// uses it. Large products pack each panel on the fly, K in chunks of KC; a matrix used at every
// time step (the recurrent kernel) is packed once per call (packPanels) and used as it is.
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 128;
const PANEL_BYTES: usize = 32;
const PACK_BASE: usize = 65536;
const PACK_BYTES: usize = <usize>KC * <usize>NC * 4;

/** This instance's (thread's) buffer for a packed [KC x NC] block of B; see setThread. */
let packAt: usize = PACK_BASE;

/** Gives this instance its own panel buffer (instances are per thread, memory is shared). */
export function setThread(index: i32): void {
  packAt = PACK_BASE + <usize>index * PACK_BYTES;
}

/** Rows [0, M) times one panel of `width` (<= 8) columns of packed B, K steps. */
function panelProduct(
  a: usize, rowStep: usize, kStep: usize, bp: usize, c: usize, ldc4: usize, M: i32, K: i32, width: i32, accumulate: bool,
): void {
  if (width == 8) {
    let i = 0;
    for (; i + 4 <= M; i += 4) block4x8(a + <usize>i * rowStep, rowStep, kStep, bp, PANEL_BYTES, c + <usize>i * ldc4, ldc4, K, accumulate);
    for (; i < M; i++) block1x8(a + <usize>i * rowStep, kStep, bp, PANEL_BYTES, c + <usize>i * ldc4, K, accumulate);
    return;
  }
  let j = 0;
  if (width >= 4) {
    for (let i = 0; i < M; i++) block1x4(a + <usize>i * rowStep, kStep, bp, PANEL_BYTES, c + <usize>i * ldc4, K, accumulate);
    j = 4;
  }
  for (; j < width; j++) {
    const off = <usize>j << 2;
    for (let i = 0; i < M; i++) block1x1(a + <usize>i * rowStep, kStep, bp + off, PANEL_BYTES, c + <usize>i * ldc4 + off, K, accumulate);
  }
}

/** Copies rows [0, K) of columns [j, j + width) of B (row-major, ldb4 bytes a row) into a panel at dst. */
function packPanel(b: usize, ldb4: usize, K: i32, j: i32, width: i32, dst: usize): void {
  let src = b + (<usize>j << 2);
  let d = dst;
  if (width == 8) {
    for (let k = 0; k < K; k++) {
      v128.store(d, v128.load(src));
      v128.store(d, v128.load(src, 16), 16);
      src += ldb4;
      d += PANEL_BYTES;
    }
  } else {
    for (let k = 0; k < K; k++) {
      for (let q = 0; q < width; q++) store<f32>(d + (<usize>q << 2), load<f32>(src + (<usize>q << 2)));
      src += ldb4;
      d += PANEL_BYTES;
    }
  }
}

/**
 * C[i, j] (+)= sum_k A[i, k] B[k, j] for i in [0, M), j in [j0, j1), B row-major.
 * Pointers in bytes; ldb and ldc in elements; rowStep and kStep in bytes (see the file comment).
 */
export function gemm(
  a: usize, rowStep: usize, kStep: usize,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  M: i32, K: i32, j0: i32, j1: i32, accumulate: bool,
): void {
  if (M <= 0 || j1 <= j0) return;
  const ldb4 = <usize>ldb << 2;
  const ldc4 = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    // Later chunks add to what the earlier ones stored: the same sum in the same order.
    const acc = accumulate || k0 > 0;
    const ak = a + <usize>k0 * kStep;
    const bk = b + <usize>k0 * ldb4;
    // Columns in blocks of NC: the block's panels are packed once (kc x NC, in L2) and used by
    // every chunk of MC rows, whose [MC x kc] piece of A stays in L2 across the block's panels.
    for (let jb = j0; jb < j1; jb += NC) {
      const nc = min(NC, j1 - jb);
      for (let j = 0; j < nc; j += 8) packPanel(bk, ldb4, kc, jb + j, min(8, nc - j), packAt + <usize>(j >> 3) * <usize>kc * PANEL_BYTES);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        const ai = ak + <usize>i0 * rowStep;
        const ci = c + <usize>i0 * ldc4;
        for (let j = 0; j < nc; j += 8) {
          const panel = packAt + <usize>(j >> 3) * <usize>kc * PANEL_BYTES;
          panelProduct(ai, rowStep, kStep, panel, ci + (<usize>(jb + j) << 2), ldc4, mc, kc, min(8, nc - j), acc);
        }
      }
    }
  }
}

/**
 * Packs B [K, N] (row-major, ldb elements a row) into ceil(N / 8) panels of [K x 8] at dst
 * (panel p at dst + p * K * 32 bytes); for products that reuse B many times.
 */
export function packPanels(b: usize, ldb: i32, K: i32, N: i32, dst: usize): void {
  const ldb4 = <usize>ldb << 2;
  for (let j = 0; j < N; j += 8) {
    packPanel(b, ldb4, K, j, min(8, N - j), dst + <usize>(j >> 3) * <usize>K * PANEL_BYTES);
  }
}

/**
 * Packs B = W^T into panels as packPanels packs a row-major B, reading W [N, K] (row-major, ldw
 * elements a row) instead: panel p holds W's rows 8p..8p+7 (B's columns) over B's K rows. Only
 * panels [p0, p1), so threads can share the work. Saves writing W^T out and reading it back.
 */
export function packPanelsTransposed(w: usize, ldw: i32, K: i32, N: i32, dst: usize, p0: i32, p1: i32): void {
  const ldw4 = <usize>ldw << 2;
  for (let p = p0; p < p1; p++) {
    const j = p << 3;
    const width = min(8, N - j);
    const panel = dst + <usize>p * <usize>K * PANEL_BYTES;
    for (let q = 0; q < width; q++) {
      let src = w + <usize>(j + q) * ldw4;
      let d = panel + (<usize>q << 2);
      for (let k = 0; k < K; k++) {
        store<f32>(d, load<f32>(src));
        src += 4;
        d += PANEL_BYTES;
      }
    }
  }
}

/**
 * C[M, j0..j1) (+)= A[M, K] B for B packed (packPanels, packPanelsTransposed; B had K rows), A
 * row-major: the blocking of gemm (K in chunks of KC, rows in chunks of MC) without its packing,
 * so the same sums in the same order.
 */
export function gemmPackedChunked(a: usize, lda: i32, bp: usize, c: usize, ldc: i32, M: i32, K: i32, j0: i32, j1: i32, accumulate: bool): void {
  if (M <= 0 || j1 <= j0) return;
  const lda4 = <usize>lda << 2;
  const ldc4 = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const acc = accumulate || k0 > 0;
    for (let i0 = 0; i0 < M; i0 += MC) {
      gemmPackedNN(a + <usize>i0 * lda4 + (<usize>k0 << 2), lda, bp, K, k0, c + <usize>i0 * ldc4, ldc, min(MC, M - i0), kc, j0, j1, acc);
    }
  }
}

/**
 * As gemmNN with B already packed by packPanels (B had kTotal rows): uses B's rows [k0, k0 + K)
 * and columns [j0, j1), j0 a multiple of 8.
 */
export function gemmPackedNN(
  a: usize, lda: i32, bp: usize, kTotal: i32, k0: i32, c: usize, ldc: i32, M: i32, K: i32, j0: i32, j1: i32, accumulate: bool,
): void {
  if (M <= 0 || j1 <= j0) return;
  const ldc4 = <usize>ldc << 2;
  const rowStep = <usize>lda << 2;
  for (let j = j0; j < j1; j += 8) {
    const panel = bp + (<usize>(j >> 3) * <usize>kTotal + <usize>k0) * PANEL_BYTES;
    panelProduct(a, rowStep, 4, panel, c + (<usize>j << 2), ldc4, M, K, min(8, j1 - j), accumulate);
  }
}

/** C[M, N] (+)= A[M, K] B[K, N], all row-major. */
export function gemmNN(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, j0: i32, j1: i32, accumulate: bool): void {
  gemm(a, <usize>lda << 2, 4, b, ldb, c, ldc, M, K, j0, j1, accumulate);
}

/** C[M, N] (+)= A^T B where A is stored row-major as [K, M] with leading dimension lda. */
export function gemmTN(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, j0: i32, j1: i32, accumulate: bool): void {
  gemm(a, 4, <usize>lda << 2, b, ldb, c, ldc, M, K, j0, j1, accumulate);
}

/** dst[cols, rows] = src[rows, cols]^T (row-major, dense). */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  // Tiles of 8x8 keep both the reads and the writes within a few cache lines.
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min(r0 + 8, rows);
    for (let c0 = 0; c0 < cols; c0 += 8) {
      const c1 = min(c0 + 8, cols);
      for (let r = r0; r < r1; r++) {
        for (let cc = c0; cc < c1; cc++) {
          store<f32>(dst + ((<usize>cc * rows + r) << 2), load<f32>(src + ((<usize>r * cols + cc) << 2)));
        }
      }
    }
  }
}

/** Sum of rows: out[j] = sum_i A[i, j] for j in [j0, j1) (A row-major [M, lda]). In row order, so split-independent. */
export function columnSums(a: usize, lda: i32, M: i32, j0: i32, j1: i32, out: usize): void {
  const lda4 = <usize>lda << 2;
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    let s = f32x4.splat(0);
    let p = a + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s = f32x4.add(s, v128.load(p));
      p += lda4;
    }
    v128.store(out + (<usize>j << 2), s);
  }
  for (; j < j1; j++) {
    let s: f32 = 0;
    let p = a + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s += load<f32>(p);
      p += lda4;
    }
    store<f32>(out + (<usize>j << 2), s);
  }
}
