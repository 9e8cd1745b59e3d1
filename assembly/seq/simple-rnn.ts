// SimpleRNN over a batch slice, as tfjs's SimpleRNNCell: h' = act(x W + h R + b).
// A masked step keeps h. Units are padded to a multiple of 4.
import { gemmPackedNN } from './gemm';
import { activateInPlace, derivative } from './activations';
import { inputProjection, inputGradient } from './recurrent-common';
import { pointer, P_RP, P_H0, P_G, P_H, P_Y, P_HT, P_DY, P_DHT, P_DH0, P_RTP, P_HP } from './params';
import { T, U, rowU, b0, bs, act, scratch, beginTask, nextSlice, timeOf, keeps, stateRow, previousState, loadRows, storeRows, addRow } from './slice';

export function rnnForward(p: usize, thread: i32): void {
  beginTask(p, thread);
  while (nextSlice(p)) rnnForwardSlice(p);
}

function rnnForwardSlice(p: usize): void {
  const RP = pointer(p, P_RP);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const Y = pointer(p, P_Y);
  inputProjection(p, 1, b0, b0 + bs);
  const hcur = scratch;
  loadRows(hcur, pointer(p, P_H0));
  const batchStride = <usize>T * rowU;
  for (let s = 0; s < T; s++) {
    const t = timeOf(s);
    const g0 = stateRow(G, b0, t);
    gemmPackedNN(hcur, U, RP, U, 0, g0, T * U, bs, U, 0, U, true);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * batchStride;
      activateInPlace(g, U, act);
      const h = hcur + <usize>bi * rowU;
      if (!keeps(b, t)) memory.copy(h, g, rowU);
      memory.copy(stateRow(H, b, t), h, rowU);
      if (Y != 0) memory.copy(stateRow(Y, b, s), h, rowU);
    }
  }
  storeRows(pointer(p, P_HT), hcur);
}

export function rnnBackward(p: usize, thread: i32): void {
  beginTask(p, thread);
  while (nextSlice(p)) rnnBackwardSlice(p);
}

function rnnBackwardSlice(p: usize): void {
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const HP = pointer(p, P_HP);
  const H0 = pointer(p, P_H0);
  const dY = pointer(p, P_DY);
  const RTP = pointer(p, P_RTP);
  const dh = scratch;
  const dhr = dh + <usize>bs * rowU;
  loadRows(dh, pointer(p, P_DHT));
  const batchStride = <usize>T * rowU;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s);
    const g0 = stateRow(G, b0, t);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * batchStride;
      const dhb = dh + <usize>bi * rowU;
      if (dY != 0) addRow(dhb, stateRow(dY, b, s));
      memory.copy(stateRow(HP, b, t), previousState(H, H0, b, s), rowU);
      if (keeps(b, t)) {
        memory.fill(g, 0, rowU);
        continue;
      }
      for (let u: usize = 0; u < rowU; u += 16) v128.store(g + u, f32x4.mul(v128.load(dhb + u), derivative(v128.load(g + u), act)));
    }
    gemmPackedNN(g0, T * U, RTP, U, 0, dhr, U, bs, U, 0, U, false);
    for (let bi = 0; bi < bs; bi++) {
      if (!keeps(b0 + bi, t)) memory.copy(dh + <usize>bi * rowU, dhr + <usize>bi * rowU, rowU);
    }
  }
  storeRows(pointer(p, P_DH0), dh);
  inputGradient(p, 1, b0, b0 + bs);
}
