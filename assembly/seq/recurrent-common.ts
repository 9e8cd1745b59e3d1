// The parts of a recurrent layer's forward and backward pass that do not depend on the cell:
// the input projection of all steps as one product, the weight gradients as three products over
// all (batch, step) rows, and the input gradient.
import { gemmNN, gemmTN, columnSums } from './gemm';
import { unitsPerItem, takeItem } from './work';
import {
  param, pointer,
  P_B, P_T, P_F, P_U, P_KIND, P_X, P_W, P_BIAS, P_G, P_DX, P_DW, P_DR, P_DB, P_WT, P_HP, P_RH, P_NEXT_COLUMNS,
  KIND_GRU,
} from './params';

/** G[b0..b1, :, :] = X[b0..b1] W + bias: every step's input projection in one product. */
export function inputProjection(p: usize, gates: i32, b0: i32, b1: i32): void {
  const T = param(p, P_T);
  const F = param(p, P_F);
  const GU = gates * param(p, P_U);
  const rows = (b1 - b0) * T;
  const g = pointer(p, P_G) + ((<usize>b0 * T * GU) << 2);
  const bias = pointer(p, P_BIAS);
  const rowBytes = <usize>GU << 2;
  if (bias != 0) {
    for (let r = 0; r < rows; r++) memory.copy(g + <usize>r * rowBytes, bias, rowBytes);
  } else {
    memory.fill(g, 0, <usize>rows * rowBytes);
  }
  gemmNN(pointer(p, P_X) + ((<usize>b0 * T * F) << 2), F, pointer(p, P_W), GU, g, GU, rows, F, 0, GU, true);
}

/** dX[b0..b1] = dG W^T for this thread's batch rows (dG is in G after the backward pass). */
export function inputGradient(p: usize, gates: i32, b0: i32, b1: i32): void {
  const T = param(p, P_T);
  const F = param(p, P_F);
  const GU = gates * param(p, P_U);
  const rows = (b1 - b0) * T;
  const g = pointer(p, P_G) + ((<usize>b0 * T * GU) << 2);
  const dx = pointer(p, P_DX) + ((<usize>b0 * T * F) << 2);
  gemmNN(g, GU, pointer(p, P_WT), F, dx, F, rows, GU, 0, F, false);
}

/**
 * dW = X^T dG, dR = Hprev^T dG (GRU: the candidate's columns from (r * Hprev)^T), db = column sums
 * of dG, each over all B*T rows; threads take panels of the G*U columns (work.ts).
 */
export function weightGradients(p: usize, gates: i32, threads: i32): void {
  const GU = gates * param(p, P_U);
  const rows = param(p, P_B) * param(p, P_T);
  const per = unitsPerItem((GU + 7) >> 3, threads) << 3;
  const items = (GU + per - 1) / per;
  const counter = p + (<usize>P_NEXT_COLUMNS << 2);
  for (let item = takeItem(counter, items); item >= 0; item = takeItem(counter, items)) {
    const j0 = item * per;
    columnGradients(p, gates, rows, j0, min(GU, j0 + per));
  }
}

/** Columns [j0, j1) of dW, dR and db. */
function columnGradients(p: usize, gates: i32, rows: i32, j0: i32, j1: i32): void {
  const F = param(p, P_F);
  const U = param(p, P_U);
  const GU = gates * U;
  const g = pointer(p, P_G);
  gemmTN(pointer(p, P_X), F, g, GU, pointer(p, P_DW), GU, F, rows, j0, j1, false);
  const dr = pointer(p, P_DR);
  const hp = pointer(p, P_HP);
  if (param(p, P_KIND) == KIND_GRU) {
    const split = 2 * U;
    if (j0 < split) gemmTN(hp, U, g, GU, dr, GU, U, rows, j0, min(j1, split), false);
    if (j1 > split) gemmTN(pointer(p, P_RH), U, g, GU, dr, GU, U, rows, max(j0, split), j1, false);
  } else {
    gemmTN(hp, U, g, GU, dr, GU, U, rows, j0, j1, false);
  }
  const db = pointer(p, P_DB);
  if (db != 0) columnSums(g, GU, rows, j0, j1, db);
}
