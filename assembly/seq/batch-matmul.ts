// A batch of independent matrix products, C[b] = op(A[b]) op(B[b]) for b < batch, as tfjs's Dot
// layer and batched matMul compute them (the attention scores and context of a seq2seq decoder):
// op(A) is A [M, K] or, transposed, A stored as [K, M]; op(B) is B [K, N] or, transposed, B
// stored as [N, K]. With B transposed every element is a dot product of two contiguous rows
// (rowDots); otherwise the blocked product kernel runs. Threads take blocks of batch entries
// (work.ts).
import { gemmNN, gemmTN } from './gemm';
import { param, pointer } from './params';
import { unitsPerItem, takeItem } from './work';

export const BM_BATCH: i32 = 0;
export const BM_M: i32 = 1;
export const BM_K: i32 = 2;
export const BM_N: i32 = 3;
export const BM_A: i32 = 4;
export const BM_B: i32 = 5;
export const BM_C: i32 = 6; // [batch, M, N]
export const BM_TRANSPOSE_A: i32 = 7;
export const BM_TRANSPOSE_B: i32 = 8;
export const BM_NEXT: i32 = 9; // i32 work counter, 0 before the task

export function batchMatMul(p: usize, threads: i32): void {
  const batch = param(p, BM_BATCH);
  const per = unitsPerItem(batch, threads);
  const items = (batch + per - 1) / per;
  const counter = p + (<usize>BM_NEXT << 2);
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    const end = min(batch, (item + 1) * per);
    for (let b = item * per; b < end; b++) product(p, b);
  }
}

function product(p: usize, b: i32): void {
  const M = param(p, BM_M);
  const K = param(p, BM_K);
  const N = param(p, BM_N);
  const a = pointer(p, BM_A) + ((<usize>b * M * K) << 2);
  const bb = pointer(p, BM_B) + ((<usize>b * K * N) << 2);
  const c = pointer(p, BM_C) + ((<usize>b * M * N) << 2);
  if (param(p, BM_TRANSPOSE_B) != 0) rowDots(a, bb, c, M, K, N);
  else if (param(p, BM_TRANSPOSE_A) != 0) gemmTN(a, M, bb, N, c, N, M, K, 0, N, false);
  else gemmNN(a, K, bb, N, c, N, M, K, 0, N, false);
}

/**
 * C[i, j] = A[i, :] . B[j, :] for A [M, K], B [N, K]: four columns at a time, so that four
 * independent sums (not one chain of dependent adds) fill the pipeline and each load of A serves
 * four products; each sum runs over four lanes of k, then the rest of k.
 */
function rowDots(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32): void {
  const K4 = K & ~3;
  const rowBytes = <usize>K << 2;
  for (let i = 0; i < M; i++) {
    const ai = a + <usize>i * rowBytes;
    const ci = c + ((<usize>i * N) << 2);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = b + <usize>j * rowBytes;
      const b1 = b0 + rowBytes;
      const b2 = b1 + rowBytes;
      const b3 = b2 + rowBytes;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const at = <usize>k << 2;
        const av = v128.load(ai + at);
        s0 = f32x4.add(s0, f32x4.mul(av, v128.load(b0 + at)));
        s1 = f32x4.add(s1, f32x4.mul(av, v128.load(b1 + at)));
        s2 = f32x4.add(s2, f32x4.mul(av, v128.load(b2 + at)));
        s3 = f32x4.add(s3, f32x4.mul(av, v128.load(b3 + at)));
      }
      store<f32>(ci + (<usize>j << 2), finish(s0, ai, b0, K4, K));
      store<f32>(ci + (<usize>(j + 1) << 2), finish(s1, ai, b1, K4, K));
      store<f32>(ci + (<usize>(j + 2) << 2), finish(s2, ai, b2, K4, K));
      store<f32>(ci + (<usize>(j + 3) << 2), finish(s3, ai, b3, K4, K));
    }
    for (; j < N; j++) {
      const bj = b + <usize>j * rowBytes;
      let s0 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) s0 = f32x4.add(s0, f32x4.mul(v128.load(ai + (<usize>k << 2)), v128.load(bj + (<usize>k << 2))));
      store<f32>(ci + (<usize>j << 2), finish(s0, ai, bj, K4, K));
    }
  }
}

/** The four lanes of a partial dot product summed, plus the products of k in [K4, K). */
@inline function finish(lanes: v128, a: usize, b: usize, K4: i32, K: i32): f32 {
  let sum = (f32x4.extract_lane(lanes, 0) + f32x4.extract_lane(lanes, 1)) + (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3));
  for (let k = K4; k < K; k++) sum += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
  return sum;
}
