// A dense layer's products over all (batch, step) rows: Y = X W + b forward; dX = dY W^T and
// dW = X^T dY, db = column sums of dY backward. Threads take rows or columns for Y, rows for dX,
// columns for dW and db (work.ts), so no two threads write the same element and no item needs
// another's result. W^T is packed into panels by its own task first (packKernelTransposed).
import { gemmNN, gemmTN, columnSums, gemmPackedChunked, packPanelsTransposed } from './gemm';
import { unitsPerItem, takeItem } from './work';
import { param, pointer, D_NEXT, D_M, D_K, D_N, D_X, D_W, D_B, D_Y, D_DY, D_WT, D_DX, D_DW, D_DB } from './params';

/** Items of 4-row blocks: the row range [m0, m1) of item `item` of a task over M rows. */
@inline function rowItemStart(M: i32, rowsPerItem: i32, item: i32): i32 {
  return min(M, item * rowsPerItem);
}

export function denseForward(p: usize, threads: i32): void {
  const M = param(p, D_M);
  const K = param(p, D_K);
  const N = param(p, D_N);
  const bias = pointer(p, D_B);
  const rowBytes = <usize>N << 2;
  const counter = p + (<usize>D_NEXT << 2);
  if (N >= 2 * M) {
    // Wide outputs (an output layer over a vocabulary): column items, so W, the largest operand,
    // is packed once in all instead of once per row item.
    const per = unitsPerItem((N + 7) >> 3, threads) << 3;
    const items = (N + per - 1) / per;
    for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
      const j0 = item * per;
      const j1 = min(N, j0 + per);
      const y = pointer(p, D_Y);
      const bytes = <usize>(j1 - j0) << 2;
      for (let r = 0; r < M; r++) {
        const at = y + <usize>r * rowBytes + (<usize>j0 << 2);
        if (bias != 0) memory.copy(at, bias + (<usize>j0 << 2), bytes);
        else memory.fill(at, 0, bytes);
      }
      gemmNN(pointer(p, D_X), K, pointer(p, D_W), N, y, N, M, K, j0, j1, true);
    }
    return;
  }
  const per = unitsPerItem((M + 3) >> 2, threads) << 2;
  const items = (M + per - 1) / per;
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    const m0 = rowItemStart(M, per, item);
    const m1 = rowItemStart(M, per, item + 1);
    const y = pointer(p, D_Y) + ((<usize>m0 * N) << 2);
    if (bias != 0) {
      for (let r = m0; r < m1; r++) memory.copy(y + <usize>(r - m0) * rowBytes, bias, rowBytes);
    } else {
      memory.fill(y, 0, <usize>(m1 - m0) * rowBytes);
    }
    gemmNN(pointer(p, D_X) + ((<usize>m0 * K) << 2), K, pointer(p, D_W), N, y, N, m1 - m0, K, 0, N, true);
  }
}

/** Packs W^T (W: [K, N]) into D_WT as panels of 8 of its columns (W's rows) over N rows; items of panels. */
export function packKernelTransposed(p: usize, threads: i32): void {
  const K = param(p, D_K);
  const N = param(p, D_N);
  const panels = (K + 7) >> 3;
  const per = unitsPerItem(panels, threads);
  const items = (panels + per - 1) / per;
  const counter = p + (<usize>D_NEXT << 2);
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    packPanelsTransposed(pointer(p, D_W), N, N, K, pointer(p, D_WT), item * per, min(panels, (item + 1) * per));
  }
}

/** Items: first the row blocks of dX (when asked for), then the column panels of dW and db. */
export function denseBackward(p: usize, threads: i32): void {
  const M = param(p, D_M);
  const K = param(p, D_K);
  const N = param(p, D_N);
  const dY = pointer(p, D_DY);
  const dX = pointer(p, D_DX);
  const db = pointer(p, D_DB);
  const rowsPer = unitsPerItem((M + 3) >> 2, threads) << 2;
  const rowItems = dX != 0 ? (M + rowsPer - 1) / rowsPer : 0;
  const columnsPer = unitsPerItem((N + 7) >> 3, threads) << 3;
  const items = rowItems + (N + columnsPer - 1) / columnsPer;
  for (let item = takeItem(p + (<usize>D_NEXT << 2), items); item >= 0; item = takeItem(p + (<usize>D_NEXT << 2), items)) {
    if (item < rowItems) {
      const m0 = rowItemStart(M, rowsPer, item);
      const m1 = rowItemStart(M, rowsPer, item + 1);
      gemmPackedChunked(dY + ((<usize>m0 * N) << 2), N, pointer(p, D_WT), dX + ((<usize>m0 * K) << 2), K, m1 - m0, N, 0, K, false);
    } else {
      const j0 = min(N, (item - rowItems) * columnsPer);
      const j1 = min(N, j0 + columnsPer);
      gemmTN(pointer(p, D_X), K, dY, N, pointer(p, D_DW), N, K, M, j0, j1, false);
      if (db != 0) columnSums(dY, N, M, j0, j1, db);
    }
  }
}
