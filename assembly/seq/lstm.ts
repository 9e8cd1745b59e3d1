// LSTM over a batch slice, with tfjs's (Keras') equations and gate order i, f, c, o:
//   z = x W + h R + b;  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
//   c' = f c + i g;  h' = o act(c')
// A masked step keeps h and c. Units are padded to a multiple of 4, so every loop is f32x4.
import { gemmPackedNN } from './gemm';
import { activate, activateInPlace, derivative } from './activations';
import { inputProjection, inputGradient } from './recurrent-common';
import { pointer, P_RP, P_H0, P_C0, P_G, P_H, P_C, P_Y, P_HT, P_CT, P_DY, P_DHT, P_DCT, P_DH0, P_DC0, P_RTP, P_HP } from './params';
import { T, U, rowU, b0, bs, act, rec, scratch, beginTask, nextSlice, timeOf, keeps, stateRow, previousState, loadRows, storeRows, addRow } from './slice';

export function lstmForward(p: usize, thread: i32): void {
  beginTask(p, thread);
  while (nextSlice(p)) lstmForwardSlice(p);
}

function lstmForwardSlice(p: usize): void {
  const GU = 4 * U;
  const RP = pointer(p, P_RP);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const C = pointer(p, P_C);
  const Y = pointer(p, P_Y);
  inputProjection(p, 4, b0, b0 + bs);
  const hcur = scratch;
  const ccur = hcur + <usize>bs * rowU;
  loadRows(hcur, pointer(p, P_H0));
  loadRows(ccur, pointer(p, P_C0));
  const gateRow = <usize>GU << 2;
  const batchStride = <usize>T * gateRow;
  for (let s = 0; s < T; s++) {
    const t = timeOf(s);
    const g0 = G + <usize>(b0 * T + t) * gateRow;
    gemmPackedNN(hcur, U, RP, U, 0, g0, T * GU, bs, U, 0, GU, true);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * batchStride;
      activateInPlace(g, 2 * U, rec);
      activateInPlace(g + 2 * rowU, U, act);
      activateInPlace(g + 3 * rowU, U, rec);
      const h = hcur + <usize>bi * rowU;
      const c = ccur + <usize>bi * rowU;
      if (!keeps(b, t)) {
        for (let u: usize = 0; u < rowU; u += 16) {
          const gi = v128.load(g + u);
          const gf = v128.load(g + rowU + u);
          const gg = v128.load(g + 2 * rowU + u);
          const go = v128.load(g + 3 * rowU + u);
          const cn = f32x4.add(f32x4.mul(gf, v128.load(c + u)), f32x4.mul(gi, gg));
          v128.store(c + u, cn);
          v128.store(h + u, f32x4.mul(go, activate(cn, act)));
        }
      }
      memory.copy(stateRow(H, b, t), h, rowU);
      memory.copy(stateRow(C, b, t), c, rowU);
      if (Y != 0) memory.copy(stateRow(Y, b, s), h, rowU);
    }
  }
  storeRows(pointer(p, P_HT), hcur);
  storeRows(pointer(p, P_CT), ccur);
}

/**
 * Backpropagation through time for this thread's batch rows: turns G's activations into the
 * gradients of the pre-activations (dZ), writes each step's previous state to HP for dR, the
 * state gradients dh0 and dc0, and this slice's dX. Weight gradients follow in weightGradients.
 */
export function lstmBackward(p: usize, thread: i32): void {
  beginTask(p, thread);
  while (nextSlice(p)) lstmBackwardSlice(p);
}

function lstmBackwardSlice(p: usize): void {
  const GU = 4 * U;
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const C = pointer(p, P_C);
  const HP = pointer(p, P_HP);
  const H0 = pointer(p, P_H0);
  const C0 = pointer(p, P_C0);
  const dY = pointer(p, P_DY);
  const RTP = pointer(p, P_RTP);
  const dh = scratch;
  const dc = dh + <usize>bs * rowU;
  const dhr = dc + <usize>bs * rowU;
  loadRows(dh, pointer(p, P_DHT));
  loadRows(dc, pointer(p, P_DCT));
  const gateRow = <usize>GU << 2;
  const batchStride = <usize>T * gateRow;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s);
    const g0 = G + <usize>(b0 * T + t) * gateRow;
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * batchStride;
      const dhb = dh + <usize>bi * rowU;
      const dcb = dc + <usize>bi * rowU;
      if (dY != 0) addRow(dhb, stateRow(dY, b, s));
      memory.copy(stateRow(HP, b, t), previousState(H, H0, b, s), rowU);
      if (keeps(b, t)) {
        // The step kept h and c: their gradients pass through, and no gate saw a gradient.
        memory.fill(g, 0, gateRow);
        continue;
      }
      const cprev = previousState(C, C0, b, s);
      const c = stateRow(C, b, t);
      for (let u: usize = 0; u < rowU; u += 16) {
        const gi = v128.load(g + u);
        const gf = v128.load(g + rowU + u);
        const gg = v128.load(g + 2 * rowU + u);
        const go = v128.load(g + 3 * rowU + u);
        const tcv = activate(v128.load(c + u), act);
        const dhv = v128.load(dhb + u);
        const dct = f32x4.add(v128.load(dcb + u), f32x4.mul(f32x4.mul(dhv, go), derivative(tcv, act)));
        const dO = f32x4.mul(f32x4.mul(dhv, tcv), derivative(go, rec));
        const dI = f32x4.mul(f32x4.mul(dct, gg), derivative(gi, rec));
        const dF = f32x4.mul(f32x4.mul(dct, v128.load(cprev + u)), derivative(gf, rec));
        const dG = f32x4.mul(f32x4.mul(dct, gi), derivative(gg, act));
        v128.store(dcb + u, f32x4.mul(dct, gf));
        v128.store(g + u, dI);
        v128.store(g + rowU + u, dF);
        v128.store(g + 2 * rowU + u, dG);
        v128.store(g + 3 * rowU + u, dO);
      }
    }
    // dh_prev = dZ R^T for the rows that stepped; kept rows pass dh through unchanged.
    gemmPackedNN(g0, T * GU, RTP, GU, 0, dhr, U, bs, GU, 0, U, false);
    for (let bi = 0; bi < bs; bi++) {
      if (!keeps(b0 + bi, t)) memory.copy(dh + <usize>bi * rowU, dhr + <usize>bi * rowU, rowU);
    }
  }
  storeRows(pointer(p, P_DH0), dh);
  storeRows(pointer(p, P_DC0), dc);
  inputGradient(p, 4, b0, b0 + bs);
}
