// GRU over a batch slice, with tfjs's GRUCell equations (gate order z, r, h; the reset gate is
// applied to the state BEFORE the candidate's recurrent product):
//   z = σ(x W_z + h R_z + b_z),  r = σ(x W_r + h R_r + b_r)
//   hh = act(x W_h + (r h) R_h + b_h);  h' = z h + (1 - z) hh
// A masked step keeps h. Units are padded to a multiple of 4.
import { gemmPackedNN } from './gemm';
import { activateInPlace, derivative } from './activations';
import { inputProjection, inputGradient } from './recurrent-common';
import { pointer, P_RP, P_H0, P_G, P_H, P_Y, P_HT, P_DY, P_DHT, P_DH0, P_RTP, P_HP, P_RH } from './params';
import { T, U, rowU, b0, bs, act, rec, scratch, beginTask, nextSlice, timeOf, keeps, stateRow, previousState, loadRows, storeRows, addRow } from './slice';

export function gruForward(p: usize, thread: i32): void {
  beginTask(p, thread);
  while (nextSlice(p)) gruForwardSlice(p);
}

function gruForwardSlice(p: usize): void {
  const GU = 3 * U;
  const RP = pointer(p, P_RP);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const Y = pointer(p, P_Y);
  inputProjection(p, 3, b0, b0 + bs);
  const hcur = scratch;
  const rh = hcur + <usize>bs * rowU;
  loadRows(hcur, pointer(p, P_H0));
  const gateRow = <usize>GU << 2;
  const batchStride = <usize>T * gateRow;
  for (let s = 0; s < T; s++) {
    const t = timeOf(s);
    const g0 = G + <usize>(b0 * T + t) * gateRow;
    gemmPackedNN(hcur, U, RP, U, 0, g0, T * GU, bs, U, 0, 2 * U, true);
    for (let bi = 0; bi < bs; bi++) {
      const g = g0 + <usize>bi * batchStride;
      activateInPlace(g, 2 * U, rec);
      const h = hcur + <usize>bi * rowU;
      const r = rh + <usize>bi * rowU;
      for (let u: usize = 0; u < rowU; u += 16) v128.store(r + u, f32x4.mul(v128.load(g + rowU + u), v128.load(h + u)));
    }
    gemmPackedNN(rh, U, RP, U, 0, g0, T * GU, bs, U, 2 * U, 3 * U, true);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * batchStride;
      activateInPlace(g + 2 * rowU, U, act);
      const h = hcur + <usize>bi * rowU;
      if (!keeps(b, t)) {
        for (let u: usize = 0; u < rowU; u += 16) {
          const z = v128.load(g + u);
          const hh = v128.load(g + 2 * rowU + u);
          // z h + (1 - z) hh, written as tfjs does
          v128.store(h + u, f32x4.add(f32x4.mul(z, v128.load(h + u)), f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), hh)));
        }
      }
      memory.copy(stateRow(H, b, t), h, rowU);
      if (Y != 0) memory.copy(stateRow(Y, b, s), h, rowU);
    }
  }
  storeRows(pointer(p, P_HT), hcur);
}

export function gruBackward(p: usize, thread: i32): void {
  beginTask(p, thread);
  while (nextSlice(p)) gruBackwardSlice(p);
}

function gruBackwardSlice(p: usize): void {
  const GU = 3 * U;
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const HP = pointer(p, P_HP);
  const RH = pointer(p, P_RH);
  const H0 = pointer(p, P_H0);
  const dY = pointer(p, P_DY);
  const RTP = pointer(p, P_RTP);
  const dh = scratch; // gradient reaching h after this step
  const drh = dh + <usize>bs * rowU; // gradient of (r h), the candidate's recurrent input
  const dhd = drh + <usize>bs * rowU; // gradient reaching the previous h
  loadRows(dh, pointer(p, P_DHT));
  const gateRow = <usize>GU << 2;
  const batchStride = <usize>T * gateRow;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s);
    const g0 = G + <usize>(b0 * T + t) * gateRow;
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * batchStride;
      const dhb = dh + <usize>bi * rowU;
      const dhdb = dhd + <usize>bi * rowU;
      if (dY != 0) addRow(dhb, stateRow(dY, b, s));
      const hprev = previousState(H, H0, b, s);
      memory.copy(stateRow(HP, b, t), hprev, rowU);
      const rhb = stateRow(RH, b, t);
      if (keeps(b, t)) {
        memory.fill(g, 0, gateRow);
        memory.copy(rhb, hprev, rowU);
        memory.copy(dhdb, dhb, rowU);
        continue;
      }
      for (let u: usize = 0; u < rowU; u += 16) {
        const z = v128.load(g + u);
        const r = v128.load(g + rowU + u);
        const hh = v128.load(g + 2 * rowU + u);
        const hp = v128.load(hprev + u);
        const dhv = v128.load(dhb + u);
        v128.store(g + u, f32x4.mul(f32x4.mul(dhv, f32x4.sub(hp, hh)), derivative(z, rec)));
        v128.store(g + 2 * rowU + u, f32x4.mul(f32x4.mul(dhv, f32x4.sub(f32x4.splat(1.0), z)), derivative(hh, act)));
        v128.store(dhdb + u, f32x4.mul(dhv, z));
        v128.store(rhb + u, f32x4.mul(r, hp));
      }
    }
    // d(r h) = dZ_h R_h^T (rows 2U..3U of R^T)
    gemmPackedNN(g0 + 2 * rowU, T * GU, RTP, GU, 2 * U, drh, U, bs, U, 0, U, false);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      if (keeps(b, t)) continue;
      const g = g0 + <usize>bi * batchStride;
      const hprev = previousState(H, H0, b, s);
      const drhb = drh + <usize>bi * rowU;
      const dhdb = dhd + <usize>bi * rowU;
      for (let u: usize = 0; u < rowU; u += 16) {
        const r = v128.load(g + rowU + u);
        const d = v128.load(drhb + u);
        v128.store(g + rowU + u, f32x4.mul(f32x4.mul(d, v128.load(hprev + u)), derivative(r, rec)));
        v128.store(dhdb + u, f32x4.add(v128.load(dhdb + u), f32x4.mul(d, r)));
      }
    }
    // + [dZ_z, dZ_r] [R_z, R_r]^T
    gemmPackedNN(g0, T * GU, RTP, GU, 0, dhd, U, bs, 2 * U, 0, U, true);
    memory.copy(dh, dhd, <usize>bs * rowU);
  }
  storeRows(pointer(p, P_DH0), dh);
  inputGradient(p, 3, b0, b0 + bs);
}
