// One Adam step over a parameter array, with tfjs's AdamOptimizer's arithmetic in its order, as
// separate float32 operations (no fused multiply-add), so that the result is the one tfjs's own
// optimizer gives:
//   m = m b1 + g (1 - b1);  v = v b2 + g^2 (1 - b2)
//   p = (m / c1) / (sqrt(v / c2) + eps) (-lr) + p,   c1 = 1 - b1^t, c2 = 1 - b2^t
// Threads take blocks of elements (work.ts).
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
    const g = v128.load(G + at);
    const m = f32x4.add(f32x4.mul(v128.load(M + at), vb1), f32x4.mul(g, va1));
    const v = f32x4.add(f32x4.mul(v128.load(V + at), vb2), f32x4.mul(f32x4.mul(g, g), va2));
    v128.store(M + at, m);
    v128.store(V + at, v);
    const step = f32x4.mul(f32x4.div(f32x4.div(m, vc1), f32x4.add(f32x4.sqrt(f32x4.div(v, vc2)), veps)), vNegLr);
    v128.store(P + at, f32x4.add(step, v128.load(P + at)));
  }
  for (; i < i1; i++) {
    const at = <usize>i << 2;
    const g = load<f32>(G + at);
    const m = load<f32>(M + at) * b1 + g * a1;
    const v = load<f32>(V + at) * b2 + (g * g) * a2;
    store<f32>(M + at, m);
    store<f32>(V + at, v);
    store<f32>(P + at, (m / c1) / (Mathf.sqrt(v / c2) + eps) * negLr + load<f32>(P + at));
  }
}
