// One Adam step over a parameter array, with tfjs's AdamOptimizer's arithmetic in its order, as
// separate float32 operations (no fused multiply-add), so that the result is the one tfjs's own
// optimizer gives:
//   m = m b1 + g (1 - b1);  v = v b2 + g^2 (1 - b2)
//   p = (m / c1) / (sqrt(v / c2) + eps) (-lr) + p,   c1 = 1 - b1^t, c2 = 1 - b2^t
// with g the gradient times a clipping scale when one is given (g * scale in float32, as tfjs's
// multiply of a clipped gradient). Threads take blocks of elements (work.ts).
// Also the sum of squares of an array, for a global gradient norm.
import { param, pointer } from './params';
import { unitsPerItem, takeItem } from './work';

export const A_N: i32 = 0;
export const A_P: i32 = 1; // [n] parameters, updated
export const A_G: i32 = 2; // [n] gradient
export const A_M: i32 = 3; // [n] first moment, updated
export const A_V: i32 = 4; // [n] second moment, updated
export const A_LR: i32 = 5; // f32 fields from here
export const A_B1: i32 = 6;
export const A_ONE_MINUS_B1: i32 = 7;
export const A_B2: i32 = 8;
export const A_ONE_MINUS_B2: i32 = 9;
export const A_C1: i32 = 10;
export const A_C2: i32 = 11;
export const A_EPS: i32 = 12;
export const A_NEXT: i32 = 13; // i32 work counter, 0 before the task
export const A_SCALE: i32 = 14; // f32: the gradient's factor; 1 leaves it as it is

/** Elements per unit of work: a multiple of 4 so every block but the last is whole vectors. */
const BLOCK: i32 = 4096;

@inline function f(p: usize, field: i32): f32 {
  return load<f32>(p + (<usize>field << 2));
}

export function adamStep(p: usize, threads: i32): void {
  const n = param(p, A_N);
  const blocks = (n + BLOCK - 1) / BLOCK;
  const per = unitsPerItem(blocks, threads) * BLOCK;
  const items = (n + per - 1) / per;
  const counter = p + (<usize>A_NEXT << 2);
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    adamRange(p, item * per, min(n, (item + 1) * per));
  }
}

function adamRange(p: usize, i0: i32, i1: i32): void {
  const P = pointer(p, A_P);
  const G = pointer(p, A_G);
  const M = pointer(p, A_M);
  const V = pointer(p, A_V);
  const negLr = -f(p, A_LR);
  const b1 = f(p, A_B1);
  const a1 = f(p, A_ONE_MINUS_B1);
  const b2 = f(p, A_B2);
  const a2 = f(p, A_ONE_MINUS_B2);
  const c1 = f(p, A_C1);
  const c2 = f(p, A_C2);
  const eps = f(p, A_EPS);
  const scale = f(p, A_SCALE);
  const scaled = scale != 1;
  const vScale = f32x4.splat(scale);
  const vNegLr = f32x4.splat(negLr);
  const vb1 = f32x4.splat(b1);
  const va1 = f32x4.splat(a1);
  const vb2 = f32x4.splat(b2);
  const va2 = f32x4.splat(a2);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const at = <usize>i << 2;
    const g = scaled ? f32x4.mul(v128.load(G + at), vScale) : v128.load(G + at);
    const m = f32x4.add(f32x4.mul(v128.load(M + at), vb1), f32x4.mul(g, va1));
    const v = f32x4.add(f32x4.mul(v128.load(V + at), vb2), f32x4.mul(f32x4.mul(g, g), va2));
    v128.store(M + at, m);
    v128.store(V + at, v);
    const step = f32x4.mul(f32x4.div(f32x4.div(m, vc1), f32x4.add(f32x4.sqrt(f32x4.div(v, vc2)), veps)), vNegLr);
    v128.store(P + at, f32x4.add(step, v128.load(P + at)));
  }
  for (; i < i1; i++) {
    const at = <usize>i << 2;
    const g = scaled ? load<f32>(G + at) * scale : load<f32>(G + at);
    const m = load<f32>(M + at) * b1 + g * a1;
    const v = load<f32>(V + at) * b2 + (g * g) * a2;
    store<f32>(M + at, m);
    store<f32>(V + at, v);
    store<f32>(P + at, (m / c1) / (Mathf.sqrt(v / c2) + eps) * negLr + load<f32>(P + at));
  }
}

export const Q_N: i32 = 0;
export const Q_X: i32 = 1; // [n]
export const Q_OUT: i32 = 2; // f64 [ceil(n / SQUARES_BLOCK)]: each block's sum
export const Q_NEXT: i32 = 3; // i32 work counter, 0 before the task

/** Elements per partial sum: fixed, so the sums do not depend on the thread count. */
export const SQUARES_BLOCK: i32 = 65536;

/** Sums of squares of x over blocks of SQUARES_BLOCK elements; the caller adds the blocks in order. */
export function sumsOfSquares(p: usize, threads: i32): void {
  const n = param(p, Q_N);
  const x = pointer(p, Q_X);
  const out = pointer(p, Q_OUT);
  const blocks = (n + SQUARES_BLOCK - 1) / SQUARES_BLOCK;
  const counter = p + (<usize>Q_NEXT << 2);
  for (let b = takeItem(counter, blocks); b >= 0; b = takeItem(counter, blocks)) {
    const i0 = b * SQUARES_BLOCK;
    const i1 = min(n, i0 + SQUARES_BLOCK);
    // four accumulators of 4 lanes over 16-element strides; float32 over one block is ample here
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      const at = x + (<usize>i << 2);
      const a = v128.load(at), c = v128.load(at, 16), d = v128.load(at, 32), e = v128.load(at, 48);
      s0 = f32x4.add(s0, f32x4.mul(a, a));
      s1 = f32x4.add(s1, f32x4.mul(c, c));
      s2 = f32x4.add(s2, f32x4.mul(d, d));
      s3 = f32x4.add(s3, f32x4.mul(e, e));
    }
    const t = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    let sum: f64 = <f64>f32x4.extract_lane(t, 0) + <f64>f32x4.extract_lane(t, 1) + <f64>f32x4.extract_lane(t, 2) + <f64>f32x4.extract_lane(t, 3);
    for (; i < i1; i++) {
      const v = <f64>load<f32>(x + (<usize>i << 2));
      sum += v * v;
    }
    store<f64>(out + (<usize>b << 3), sum);
  }
}
