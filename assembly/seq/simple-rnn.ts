// SimpleRNN over a batch slice, as tfjs's SimpleRNNCell: h' = act(x W + h R + b).
// A masked step keeps h. Units are padded to a multiple of 4.
import { gemmPackedNN } from './gemm';
import { activateInPlace, derivative } from './activations';
import { inputProjection, inputGradient } from './recurrent-common';
import {
  param, pointer, rowStart,
  P_B, P_T, P_U, P_FLAGS, P_ACT, P_RP, P_H0, P_MASK, P_G, P_H, P_Y, P_HT,
  P_DY, P_DHT, P_DH0, P_RTP, P_SCRATCH, P_SCRATCH_STRIDE, P_HP,
  FLAG_BACKWARDS, FLAG_MASK,
} from './params';

export function rnnForward(p: usize, thread: i32, threads: i32): void {
  const B = param(p, P_B);
  const b0 = rowStart(B, thread, threads);
  const b1 = rowStart(B, thread + 1, threads);
  if (b1 <= b0) return;
  const bs = b1 - b0;
  const T = param(p, P_T);
  const U = param(p, P_U);
  const flags = param(p, P_FLAGS);
  const backwards = (flags & FLAG_BACKWARDS) != 0;
  const mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  const act = param(p, P_ACT);
  const RP = pointer(p, P_RP);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const Y = pointer(p, P_Y);
  const rowU = <usize>U << 2;

  inputProjection(p, 1, b0, b1);

  const hcur = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
  memory.copy(hcur, pointer(p, P_H0) + <usize>b0 * rowU, <usize>bs * rowU);
  const gStrideBatch = <usize>T * rowU;
  for (let s = 0; s < T; s++) {
    const t = backwards ? T - 1 - s : s;
    const g0 = G + (<usize>(b0 * T + t)) * rowU;
    gemmPackedNN(hcur, U, RP, U, 0, g0, T * U, bs, U, 0, U, true);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * gStrideBatch;
      activateInPlace(g, U, act);
      const h = hcur + <usize>bi * rowU;
      const kept = mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0;
      if (!kept) memory.copy(h, g, rowU);
      memory.copy(H + (<usize>(b * T + t)) * rowU, h, rowU);
      if (Y != 0) memory.copy(Y + (<usize>(b * T + s)) * rowU, h, rowU);
    }
  }
  memory.copy(pointer(p, P_HT) + <usize>b0 * rowU, hcur, <usize>bs * rowU);
}

export function rnnBackward(p: usize, thread: i32, threads: i32): void {
  const B = param(p, P_B);
  const b0 = rowStart(B, thread, threads);
  const b1 = rowStart(B, thread + 1, threads);
  if (b1 <= b0) return;
  const bs = b1 - b0;
  const T = param(p, P_T);
  const U = param(p, P_U);
  const flags = param(p, P_FLAGS);
  const backwards = (flags & FLAG_BACKWARDS) != 0;
  const mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  const act = param(p, P_ACT);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const HP = pointer(p, P_HP);
  const H0 = pointer(p, P_H0);
  const dY = pointer(p, P_DY);
  const RTP = pointer(p, P_RTP);
  const rowU = <usize>U << 2;

  const scratch = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
  const dh = scratch;
  const dhr = dh + <usize>bs * rowU;
  const dhT = pointer(p, P_DHT);
  if (dhT != 0) memory.copy(dh, dhT + <usize>b0 * rowU, <usize>bs * rowU);
  else memory.fill(dh, 0, <usize>bs * rowU);

  const gStrideBatch = <usize>T * rowU;
  for (let s = T - 1; s >= 0; s--) {
    const t = backwards ? T - 1 - s : s;
    const tp = s == 0 ? -1 : (backwards ? T - s : s - 1);
    const g0 = G + (<usize>(b0 * T + t)) * rowU;
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * gStrideBatch;
      const dhb = dh + <usize>bi * rowU;
      if (dY != 0) {
        const dy = dY + (<usize>(b * T + s)) * rowU;
        for (let u: usize = 0; u < rowU; u += 16) v128.store(dhb + u, f32x4.add(v128.load(dhb + u), v128.load(dy + u)));
      }
      const hprev = tp >= 0 ? H + (<usize>(b * T + tp)) * rowU : H0 + <usize>b * rowU;
      memory.copy(HP + (<usize>(b * T + t)) * rowU, hprev, rowU);
      if (mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0) {
        memory.fill(g, 0, rowU);
        continue;
      }
      for (let u: usize = 0; u < rowU; u += 16) v128.store(g + u, f32x4.mul(v128.load(dhb + u), derivative(v128.load(g + u), act)));
    }
    gemmPackedNN(g0, T * U, RTP, U, 0, dhr, U, bs, U, 0, U, false);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      if (mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0) continue;
      memory.copy(dh + <usize>bi * rowU, dhr + <usize>bi * rowU, rowU);
    }
  }
  memory.copy(pointer(p, P_DH0) + <usize>b0 * rowU, dh, <usize>bs * rowU);
  inputGradient(p, 1, b0, b1);
}
