// LSTM over a batch slice, with tfjs's (Keras') equations and gate order i, f, c, o:
//   z = x W + h R + b;  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
//   c' = f c + i g;  h' = o act(c')
// A masked step keeps h and c. Units are padded to a multiple of 4, so every loop is f32x4.
import { gemmPackedNN } from './gemm';
import { activate, activateInPlace, derivative } from './activations';
import { inputProjection, inputGradient } from './recurrent-common';
import {
  param, pointer, rowStart,
  P_B, P_T, P_U, P_FLAGS, P_ACT, P_RECACT, P_RP, P_H0, P_C0, P_MASK, P_G, P_H, P_C, P_Y, P_HT, P_CT,
  P_DY, P_DHT, P_DCT, P_DH0, P_DC0, P_RTP, P_SCRATCH, P_SCRATCH_STRIDE, P_HP,
  FLAG_BACKWARDS, FLAG_MASK,
} from './params';

export function lstmForward(p: usize, thread: i32, threads: i32): void {
  const B = param(p, P_B);
  const b0 = rowStart(B, thread, threads);
  const b1 = rowStart(B, thread + 1, threads);
  if (b1 <= b0) return;
  const bs = b1 - b0;
  const T = param(p, P_T);
  const U = param(p, P_U);
  const GU = 4 * U;
  const flags = param(p, P_FLAGS);
  const backwards = (flags & FLAG_BACKWARDS) != 0;
  const mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  const act = param(p, P_ACT);
  const rec = param(p, P_RECACT);
  const RP = pointer(p, P_RP);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const C = pointer(p, P_C);
  const Y = pointer(p, P_Y);
  const rowU = <usize>U << 2;
  const uBytes = rowU;

  inputProjection(p, 4, b0, b1);

  const scratch = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
  const hcur = scratch;
  const ccur = hcur + <usize>bs * rowU;
  memory.copy(hcur, pointer(p, P_H0) + <usize>b0 * rowU, <usize>bs * rowU);
  memory.copy(ccur, pointer(p, P_C0) + <usize>b0 * rowU, <usize>bs * rowU);

  const gStrideBatch = (<usize>T * GU) << 2;
  for (let s = 0; s < T; s++) {
    const t = backwards ? T - 1 - s : s;
    const g0 = G + ((<usize>(b0 * T + t) * GU) << 2);
    gemmPackedNN(hcur, U, RP, U, 0, g0, T * GU, bs, U, 0, GU, true);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * gStrideBatch;
      activateInPlace(g, 2 * U, rec);
      activateInPlace(g + 2 * uBytes, U, act);
      activateInPlace(g + 3 * uBytes, U, rec);
      const h = hcur + <usize>bi * rowU;
      const c = ccur + <usize>bi * rowU;
      const kept = mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0;
      if (!kept) {
        for (let u: usize = 0; u < uBytes; u += 16) {
          const gi = v128.load(g + u);
          const gf = v128.load(g + uBytes + u);
          const gg = v128.load(g + 2 * uBytes + u);
          const go = v128.load(g + 3 * uBytes + u);
          const cn = f32x4.add(f32x4.mul(gf, v128.load(c + u)), f32x4.mul(gi, gg));
          v128.store(c + u, cn);
          v128.store(h + u, f32x4.mul(go, activate(cn, act)));
        }
      }
      const at = (<usize>(b * T + t)) * rowU;
      memory.copy(H + at, h, rowU);
      memory.copy(C + at, c, rowU);
      if (Y != 0) memory.copy(Y + (<usize>(b * T + s)) * rowU, h, rowU);
    }
  }
  memory.copy(pointer(p, P_HT) + <usize>b0 * rowU, hcur, <usize>bs * rowU);
  memory.copy(pointer(p, P_CT) + <usize>b0 * rowU, ccur, <usize>bs * rowU);
}

/**
 * Backpropagation through time for this thread's batch rows: turns G's activations into the
 * gradients of the pre-activations (dZ), writes each step's previous state to HP for dR, the
 * state gradients dh0 and dc0, and this slice's dX. Weight gradients follow in weightGradients.
 */
export function lstmBackward(p: usize, thread: i32, threads: i32): void {
  const B = param(p, P_B);
  const b0 = rowStart(B, thread, threads);
  const b1 = rowStart(B, thread + 1, threads);
  if (b1 <= b0) return;
  const bs = b1 - b0;
  const T = param(p, P_T);
  const U = param(p, P_U);
  const GU = 4 * U;
  const flags = param(p, P_FLAGS);
  const backwards = (flags & FLAG_BACKWARDS) != 0;
  const mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  const act = param(p, P_ACT);
  const rec = param(p, P_RECACT);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const C = pointer(p, P_C);
  const HP = pointer(p, P_HP);
  const H0 = pointer(p, P_H0);
  const C0 = pointer(p, P_C0);
  const dY = pointer(p, P_DY);
  const RTP = pointer(p, P_RTP);
  const rowU = <usize>U << 2;
  const uBytes = rowU;

  const scratch = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
  const dh = scratch;
  const dc = dh + <usize>bs * rowU;
  const dhr = dc + <usize>bs * rowU;
  const dhT = pointer(p, P_DHT);
  const dcT = pointer(p, P_DCT);
  if (dhT != 0) memory.copy(dh, dhT + <usize>b0 * rowU, <usize>bs * rowU);
  else memory.fill(dh, 0, <usize>bs * rowU);
  if (dcT != 0) memory.copy(dc, dcT + <usize>b0 * rowU, <usize>bs * rowU);
  else memory.fill(dc, 0, <usize>bs * rowU);

  const gStrideBatch = (<usize>T * GU) << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = backwards ? T - 1 - s : s;
    const tp = s == 0 ? -1 : (backwards ? T - s : s - 1);
    const g0 = G + ((<usize>(b0 * T + t) * GU) << 2);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * gStrideBatch;
      const dhb = dh + <usize>bi * rowU;
      const dcb = dc + <usize>bi * rowU;
      if (dY != 0) {
        const dy = dY + (<usize>(b * T + s)) * rowU;
        for (let u: usize = 0; u < uBytes; u += 16) v128.store(dhb + u, f32x4.add(v128.load(dhb + u), v128.load(dy + u)));
      }
      const hprev = tp >= 0 ? H + (<usize>(b * T + tp)) * rowU : H0 + <usize>b * rowU;
      const cprev = tp >= 0 ? C + (<usize>(b * T + tp)) * rowU : C0 + <usize>b * rowU;
      const at = (<usize>(b * T + t)) * rowU;
      memory.copy(HP + at, hprev, rowU);
      if (mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0) {
        // The step kept h and c: their gradients pass through, and no gate saw a gradient.
        memory.fill(g, 0, <usize>GU << 2);
        continue;
      }
      const c = C + at;
      for (let u: usize = 0; u < uBytes; u += 16) {
        const gi = v128.load(g + u);
        const gf = v128.load(g + uBytes + u);
        const gg = v128.load(g + 2 * uBytes + u);
        const go = v128.load(g + 3 * uBytes + u);
        const tcv = activate(v128.load(c + u), act);
        const dhv = v128.load(dhb + u);
        const dct = f32x4.add(v128.load(dcb + u), f32x4.mul(f32x4.mul(dhv, go), derivative(tcv, act)));
        const dO = f32x4.mul(f32x4.mul(dhv, tcv), derivative(go, rec));
        const dI = f32x4.mul(f32x4.mul(dct, gg), derivative(gi, rec));
        const dF = f32x4.mul(f32x4.mul(dct, v128.load(cprev + u)), derivative(gf, rec));
        const dG = f32x4.mul(f32x4.mul(dct, gi), derivative(gg, act));
        v128.store(dcb + u, f32x4.mul(dct, gf));
        v128.store(g + u, dI);
        v128.store(g + uBytes + u, dF);
        v128.store(g + 2 * uBytes + u, dG);
        v128.store(g + 3 * uBytes + u, dO);
      }
    }
    // dh_prev = dZ R^T for the rows that stepped; kept rows pass dh through unchanged.
    gemmPackedNN(g0, T * GU, RTP, GU, 0, dhr, U, bs, GU, 0, U, false);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      if (mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0) continue;
      memory.copy(dh + <usize>bi * rowU, dhr + <usize>bi * rowU, rowU);
    }
  }
  memory.copy(pointer(p, P_DH0) + <usize>b0 * rowU, dh, <usize>bs * rowU);
  memory.copy(pointer(p, P_DC0) + <usize>b0 * rowU, dc, <usize>bs * rowU);
  inputGradient(p, 4, b0, b1);
}
