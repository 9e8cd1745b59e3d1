// GRU over a batch slice, with tfjs's GRUCell equations (gate order z, r, h; the reset gate is
// applied to the state BEFORE the candidate's recurrent product):
//   z = σ(x W_z + h R_z + b_z),  r = σ(x W_r + h R_r + b_r)
//   hh = act(x W_h + (r h) R_h + b_h);  h' = z h + (1 - z) hh
// A masked step keeps h. Units are padded to a multiple of 4.
import { gemmPackedNN } from './gemm';
import { activateInPlace, derivative } from './activations';
import { inputProjection, inputGradient } from './recurrent-common';
import {
  param, pointer, rowStart,
  P_B, P_T, P_U, P_FLAGS, P_ACT, P_RECACT, P_RP, P_H0, P_MASK, P_G, P_H, P_Y, P_HT,
  P_DY, P_DHT, P_DH0, P_RTP, P_SCRATCH, P_SCRATCH_STRIDE, P_HP, P_RH,
  FLAG_BACKWARDS, FLAG_MASK,
} from './params';

export function gruForward(p: usize, thread: i32, threads: i32): void {
  const B = param(p, P_B);
  const b0 = rowStart(B, thread, threads);
  const b1 = rowStart(B, thread + 1, threads);
  if (b1 <= b0) return;
  const bs = b1 - b0;
  const T = param(p, P_T);
  const U = param(p, P_U);
  const GU = 3 * U;
  const flags = param(p, P_FLAGS);
  const backwards = (flags & FLAG_BACKWARDS) != 0;
  const mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  const act = param(p, P_ACT);
  const rec = param(p, P_RECACT);
  const RP = pointer(p, P_RP);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const Y = pointer(p, P_Y);
  const rowU = <usize>U << 2;
  const uBytes = rowU;

  inputProjection(p, 3, b0, b1);

  const scratch = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
  const hcur = scratch;
  const rh = hcur + <usize>bs * rowU;
  memory.copy(hcur, pointer(p, P_H0) + <usize>b0 * rowU, <usize>bs * rowU);

  const gStrideBatch = (<usize>T * GU) << 2;
  for (let s = 0; s < T; s++) {
    const t = backwards ? T - 1 - s : s;
    const g0 = G + ((<usize>(b0 * T + t) * GU) << 2);
    gemmPackedNN(hcur, U, RP, U, 0, g0, T * GU, bs, U, 0, 2 * U, true);
    for (let bi = 0; bi < bs; bi++) {
      const g = g0 + <usize>bi * gStrideBatch;
      activateInPlace(g, 2 * U, rec);
      const h = hcur + <usize>bi * rowU;
      const r = rh + <usize>bi * rowU;
      for (let u: usize = 0; u < uBytes; u += 16) v128.store(r + u, f32x4.mul(v128.load(g + uBytes + u), v128.load(h + u)));
    }
    gemmPackedNN(rh, U, RP, U, 0, g0, T * GU, bs, U, 2 * U, 3 * U, true);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * gStrideBatch;
      activateInPlace(g + 2 * uBytes, U, act);
      const h = hcur + <usize>bi * rowU;
      const kept = mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0;
      if (!kept) {
        for (let u: usize = 0; u < uBytes; u += 16) {
          const z = v128.load(g + u);
          const hh = v128.load(g + 2 * uBytes + u);
          // z h + (1 - z) hh, written as tfjs does
          const hn = f32x4.add(f32x4.mul(z, v128.load(h + u)), f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), hh));
          v128.store(h + u, hn);
        }
      }
      memory.copy(H + (<usize>(b * T + t)) * rowU, h, rowU);
      if (Y != 0) memory.copy(Y + (<usize>(b * T + s)) * rowU, h, rowU);
    }
  }
  memory.copy(pointer(p, P_HT) + <usize>b0 * rowU, hcur, <usize>bs * rowU);
}

export function gruBackward(p: usize, thread: i32, threads: i32): void {
  const B = param(p, P_B);
  const b0 = rowStart(B, thread, threads);
  const b1 = rowStart(B, thread + 1, threads);
  if (b1 <= b0) return;
  const bs = b1 - b0;
  const T = param(p, P_T);
  const U = param(p, P_U);
  const GU = 3 * U;
  const flags = param(p, P_FLAGS);
  const backwards = (flags & FLAG_BACKWARDS) != 0;
  const mask = (flags & FLAG_MASK) != 0 ? pointer(p, P_MASK) : 0;
  const act = param(p, P_ACT);
  const rec = param(p, P_RECACT);
  const G = pointer(p, P_G);
  const H = pointer(p, P_H);
  const HP = pointer(p, P_HP);
  const RH = pointer(p, P_RH);
  const H0 = pointer(p, P_H0);
  const dY = pointer(p, P_DY);
  const RTP = pointer(p, P_RTP);
  const rowU = <usize>U << 2;
  const uBytes = rowU;

  const scratch = pointer(p, P_SCRATCH) + <usize>thread * <usize>param(p, P_SCRATCH_STRIDE);
  const dh = scratch; // gradient reaching h after this step
  const drh = dh + <usize>bs * rowU; // gradient of (r h), the candidate's recurrent input
  const dhd = drh + <usize>bs * rowU; // gradient reaching the previous h
  const dhT = pointer(p, P_DHT);
  if (dhT != 0) memory.copy(dh, dhT + <usize>b0 * rowU, <usize>bs * rowU);
  else memory.fill(dh, 0, <usize>bs * rowU);

  const gStrideBatch = (<usize>T * GU) << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = backwards ? T - 1 - s : s;
    const tp = s == 0 ? -1 : (backwards ? T - s : s - 1);
    const g0 = G + ((<usize>(b0 * T + t) * GU) << 2);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      const g = g0 + <usize>bi * gStrideBatch;
      const dhb = dh + <usize>bi * rowU;
      const dhdb = dhd + <usize>bi * rowU;
      if (dY != 0) {
        const dy = dY + (<usize>(b * T + s)) * rowU;
        for (let u: usize = 0; u < uBytes; u += 16) v128.store(dhb + u, f32x4.add(v128.load(dhb + u), v128.load(dy + u)));
      }
      const hprev = tp >= 0 ? H + (<usize>(b * T + tp)) * rowU : H0 + <usize>b * rowU;
      const at = (<usize>(b * T + t)) * rowU;
      memory.copy(HP + at, hprev, rowU);
      if (mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0) {
        memory.fill(g, 0, <usize>GU << 2);
        memory.copy(RH + at, hprev, rowU);
        memory.copy(dhdb, dhb, rowU);
        continue;
      }
      const rhb = RH + at;
      for (let u: usize = 0; u < uBytes; u += 16) {
        const z = v128.load(g + u);
        const r = v128.load(g + uBytes + u);
        const hh = v128.load(g + 2 * uBytes + u);
        const hp = v128.load(hprev + u);
        const dhv = v128.load(dhb + u);
        const dz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(hp, hh)), derivative(z, rec));
        const dzh = f32x4.mul(f32x4.mul(dhv, f32x4.sub(f32x4.splat(1.0), z)), derivative(hh, act));
        v128.store(g + u, dz);
        v128.store(g + 2 * uBytes + u, dzh);
        v128.store(dhdb + u, f32x4.mul(dhv, z));
        v128.store(rhb + u, f32x4.mul(r, hp));
      }
    }
    // d(r h) = dZ_h R_h^T (rows 2U..3U of R^T)
    gemmPackedNN(g0 + 2 * uBytes, T * GU, RTP, GU, 2 * U, drh, U, bs, U, 0, U, false);
    for (let bi = 0; bi < bs; bi++) {
      const b = b0 + bi;
      if (mask != 0 && load<f32>(mask + ((<usize>(b * T + t)) << 2)) == 0) continue;
      const g = g0 + <usize>bi * gStrideBatch;
      const tpb = tp >= 0 ? H + (<usize>(b * T + tp)) * rowU : H0 + <usize>b * rowU;
      const drhb = drh + <usize>bi * rowU;
      const dhdb = dhd + <usize>bi * rowU;
      for (let u: usize = 0; u < uBytes; u += 16) {
        const r = v128.load(g + uBytes + u);
        const d = v128.load(drhb + u);
        v128.store(g + uBytes + u, f32x4.mul(f32x4.mul(d, v128.load(tpb + u)), derivative(r, rec)));
        v128.store(dhdb + u, f32x4.add(v128.load(dhdb + u), f32x4.mul(d, r)));
      }
    }
    // + [dZ_z, dZ_r] [R_z, R_r]^T
    gemmPackedNN(g0, T * GU, RTP, GU, 0, dhd, U, bs, 2 * U, 0, U, true);
    memory.copy(dh, dhd, <usize>bs * rowU);
  }
  memory.copy(pointer(p, P_DH0) + <usize>b0 * rowU, dh, <usize>bs * rowU);
  inputGradient(p, 3, b0, b1);
}
