// A dense layer's products over all (batch, step) rows: Y = X W + b forward; dX = dY W^T and
// dW = X^T dY, db = column sums of dY backward. Rows split over threads for Y and dX, columns for
// dW and db, so no two threads write the same element and no step needs another's result.
import { gemmNN, gemmTN, columnSums } from './gemm';
import { param, pointer, rowStart, columnStart, D_M, D_K, D_N, D_X, D_W, D_B, D_Y, D_DY, D_WT, D_DX, D_DW, D_DB } from './params';

/** Rows in multiples of 4 per thread keep the 4x8 blocks whole. */
@inline function rowShare(m: i32, thread: i32, threads: i32): i32 {
  return min(m, rowStart((m + 3) >> 2, thread, threads) << 2);
}

export function denseForward(p: usize, thread: i32, threads: i32): void {
  const M = param(p, D_M);
  const K = param(p, D_K);
  const N = param(p, D_N);
  const m0 = rowShare(M, thread, threads);
  const m1 = rowShare(M, thread + 1, threads);
  if (m1 <= m0) return;
  const y = pointer(p, D_Y) + ((<usize>m0 * N) << 2);
  const bias = pointer(p, D_B);
  const rowBytes = <usize>N << 2;
  if (bias != 0) {
    for (let r = m0; r < m1; r++) memory.copy(y + <usize>(r - m0) * rowBytes, bias, rowBytes);
  } else {
    memory.fill(y, 0, <usize>(m1 - m0) * rowBytes);
  }
  gemmNN(pointer(p, D_X) + ((<usize>m0 * K) << 2), K, pointer(p, D_W), N, y, N, m1 - m0, K, 0, N, true);
}

export function denseBackward(p: usize, thread: i32, threads: i32): void {
  const M = param(p, D_M);
  const K = param(p, D_K);
  const N = param(p, D_N);
  const dY = pointer(p, D_DY);
  const m0 = rowShare(M, thread, threads);
  const m1 = rowShare(M, thread + 1, threads);
  const dX = pointer(p, D_DX);
  if (m1 > m0 && dX != 0) {
    gemmNN(dY + ((<usize>m0 * N) << 2), N, pointer(p, D_WT), K, dX + ((<usize>m0 * K) << 2), K, m1 - m0, N, 0, K, false);
  }
  const j0 = columnStart(N, thread, threads);
  const j1 = columnStart(N, thread + 1, threads);
  if (j1 <= j0) return;
  gemmTN(pointer(p, D_X), K, dY, N, pointer(p, D_DW), N, K, M, j0, j1, false);
  const db = pointer(p, D_DB);
  if (db != 0) columnSums(dY, N, M, j0, j1, db);
}
