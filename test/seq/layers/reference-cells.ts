/**
 * Float64 reference implementations of tfjs's SimpleRNN, GRU and LSTM, written from the
 * equations (not from any kernel), over plain typed arrays.
 *
 * Layouts follow tfjs-layers exactly (row-major):
 * - kernel            [inputDim, gates * units]
 * - recurrentKernel   [units,    gates * units]
 * - bias              [gates * units]            (or null when useBias is false)
 * with the gate blocks in tfjs's order: SimpleRNN (one block), GRU z, r, h, LSTM i, f, c, o.
 *
 * Equations (tfjs-layers 4.22 `recurrent.js`):
 * - SimpleRNN: h = act(x·K + b + h₋·R)
 * - GRU (reset_after = false): z = ract(x·Kz + bz + h₋·Rz), r = ract(x·Kr + br + h₋·Rr),
 *   ĥ = act(x·Kh + bh + (r ⊙ h₋)·Rh), h = z ⊙ h₋ + (1 − z) ⊙ ĥ
 * - LSTM: a = x·K + h₋·R + b; i = ract(a_i), f = ract(a_f), c = f ⊙ c₋ + i ⊙ act(a_c),
 *   o = ract(a_o), h = o ⊙ act(c)
 *
 * Sequence semantics (tfjs `rnn()`):
 * - goBackwards processes the time steps last to first, and the per-step outputs are returned
 *   in PROCESSING order (output step k belongs to input step T−1−k); they are not reversed back.
 * - a masked step (mask value 0; any non-zero value counts as 1) leaves every state unchanged
 *   and outputs the previous state h (so a fully masked sequence outputs its initial h).
 * - the default initial state is zeros.
 */

export type CellKind = 'SimpleRNN' | 'GRU' | 'LSTM';
export type ActivationName = 'tanh' | 'relu' | 'linear' | 'sigmoid' | 'hardSigmoid';

export interface CellConfig {
  kind: CellKind;
  units: number;
  inputDim: number;
  /** Default 'tanh'. */
  activation?: ActivationName;
  /** GRU/LSTM only. Default 'hardSigmoid' (tfjs's default, not Keras 2's 'sigmoid'). */
  recurrentActivation?: ActivationName;
  /** Default false. */
  goBackwards?: boolean;
}

export interface CellWeights {
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  bias: Float64Array | null;
}

export interface SequenceInput {
  batch: number;
  time: number;
  /** [batch, time, inputDim], row-major. */
  x: Float64Array;
  /** [batch, time]; 0 = masked step. Omitted: no mask. */
  mask?: ArrayLike<number>;
  /** [h] for SimpleRNN/GRU, [h, c] for LSTM, each [batch, units]. Omitted: zeros. */
  initialState?: Float64Array[];
  /** Multiplier applied to every step's input, [batch, inputDim] (an input-dropout mask). */
  inputScale?: Float64Array;
}

export interface SequenceOutput {
  /** Per-step outputs [batch, time, units] in processing order (what returnSequences returns). */
  sequences: Float64Array;
  /** The last processed step's output [batch, units] (what returnSequences: false returns). */
  last: Float64Array;
  /** Final states: [h] or [h, c], each [batch, units] (what returnState appends). */
  states: Float64Array[];
}

export function gateCount(kind: CellKind): number {
  return kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
}

export function stateCount(kind: CellKind): number {
  return kind === 'LSTM' ? 2 : 1;
}

export function activate(name: ActivationName, v: number): number {
  switch (name) {
    case 'tanh':
      return Math.tanh(v);
    case 'relu':
      return v > 0 ? v : 0;
    case 'linear':
      return v;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'hardSigmoid': {
      // tfjs: clip(0.2 x + 0.5, 0, 1)
      const y = 0.2 * v + 0.5;
      return y < 0 ? 0 : y > 1 ? 1 : y;
    }
  }
}

/** Shapes of [kernel, recurrentKernel, bias] as tfjs stores them. */
export function weightShapes(config: CellConfig): { kernel: [number, number]; recurrentKernel: [number, number]; bias: [number] } {
  const g = gateCount(config.kind) * config.units;
  return { kernel: [config.inputDim, g], recurrentKernel: [config.units, g], bias: [g] };
}

/** Runs one layer over a whole batch of sequences. */
export function runSequence(config: CellConfig, weights: CellWeights, input: SequenceInput): SequenceOutput {
  const { kind, units: U, inputDim: F } = config;
  const { batch: B, time: T, x } = input;
  const act = config.activation ?? 'tanh';
  const ract = config.recurrentActivation ?? 'hardSigmoid';
  const G = gateCount(kind);
  const W = G * U;
  if (x.length !== B * T * F) throw new Error(`x has ${x.length} values, expected ${B}*${T}*${F}`);
  if (weights.kernel.length !== F * W) throw new Error(`kernel has ${weights.kernel.length} values, expected ${F}*${W}`);
  if (weights.recurrentKernel.length !== U * W) throw new Error(`recurrentKernel has ${weights.recurrentKernel.length} values, expected ${U}*${W}`);
  if (weights.bias && weights.bias.length !== W) throw new Error(`bias has ${weights.bias.length} values, expected ${W}`);
  const S = stateCount(kind);
  const states: Float64Array[] = [];
  for (let s = 0; s < S; s++) {
    const given = input.initialState?.[s];
    if (given && given.length !== B * U) throw new Error(`initial state ${s} has ${given.length} values, expected ${B}*${U}`);
    states.push(given ? Float64Array.from(given) : new Float64Array(B * U));
  }
  const sequences = new Float64Array(B * T * U);
  const last = new Float64Array(B * U);
  const xs = new Float64Array(F);
  const a = new Float64Array(W);
  const hNew = new Float64Array(U);
  const cNew = new Float64Array(U);
  const rh = new Float64Array(U);
  for (let b = 0; b < B; b++) {
    const h = states[0]!.subarray(b * U, (b + 1) * U);
    const c = S > 1 ? states[1]!.subarray(b * U, (b + 1) * U) : null;
    for (let k = 0; k < T; k++) {
      const t = config.goBackwards ? T - 1 - k : k;
      const live = input.mask === undefined || input.mask[b * T + t] !== 0;
      if (live) {
        for (let f = 0; f < F; f++) xs[f] = x[(b * T + t) * F + f]! * (input.inputScale ? input.inputScale[b * F + f]! : 1);
        // a = x·K + b
        for (let j = 0; j < W; j++) {
          let s = weights.bias ? weights.bias[j]! : 0;
          for (let f = 0; f < F; f++) s += xs[f]! * weights.kernel[f * W + j]!;
          a[j] = s;
        }
        const R = weights.recurrentKernel;
        if (kind === 'SimpleRNN') {
          for (let j = 0; j < U; j++) {
            let s = a[j]!;
            for (let q = 0; q < U; q++) s += h[q]! * R[q * W + j]!;
            hNew[j] = activate(act, s);
          }
          h.set(hNew);
        } else if (kind === 'GRU') {
          // z and r see h₋ directly; the candidate sees (r ⊙ h₋).
          const z = new Float64Array(U);
          for (let j = 0; j < U; j++) {
            let sz = a[j]!;
            let sr = a[U + j]!;
            for (let q = 0; q < U; q++) {
              sz += h[q]! * R[q * W + j]!;
              sr += h[q]! * R[q * W + U + j]!;
            }
            z[j] = activate(ract, sz);
            rh[j] = activate(ract, sr) * h[j]!;
          }
          for (let j = 0; j < U; j++) {
            let s = a[2 * U + j]!;
            for (let q = 0; q < U; q++) s += rh[q]! * R[q * W + 2 * U + j]!;
            const cand = activate(act, s);
            hNew[j] = z[j]! * h[j]! + (1 - z[j]!) * cand;
          }
          h.set(hNew);
        } else {
          for (let j = 0; j < W; j++) {
            let s = a[j]!;
            for (let q = 0; q < U; q++) s += h[q]! * R[q * W + j]!;
            a[j] = s;
          }
          for (let j = 0; j < U; j++) {
            const i = activate(ract, a[j]!);
            const f = activate(ract, a[U + j]!);
            const cc = f * c![j]! + i * activate(act, a[2 * U + j]!);
            const o = activate(ract, a[3 * U + j]!);
            cNew[j] = cc;
            hNew[j] = o * activate(act, cc);
          }
          c!.set(cNew);
          h.set(hNew);
        }
      }
      // Live or masked, the step's output is the (possibly carried) h.
      sequences.set(h, (b * T + k) * U);
    }
    last.set(h, b * U);
  }
  return { sequences, last, states };
}

/** A dense layer: y = act(x·K + b) over the last axis; x is [rows, inputDim]. */
export function runDense(x: Float64Array, rows: number, inputDim: number, kernel: Float64Array, bias: Float64Array | null, units: number, activation: ActivationName = 'linear'): Float64Array {
  const y = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      let s = bias ? bias[j]! : 0;
      for (let f = 0; f < inputDim; f++) s += x[r * inputDim + f]! * kernel[f * units + j]!;
      y[r * units + j] = activate(activation, s);
    }
  }
  return y;
}

/**
 * Central-difference derivative of a float64 scalar function with respect to one entry of
 * `target` (modified in place and restored).
 */
export function centralDifference(target: Float64Array, index: number, f: () => number, eps = 1e-6): number {
  const saved = target[index]!;
  target[index] = saved + eps;
  const plus = f();
  target[index] = saved - eps;
  const minus = f();
  target[index] = saved;
  return (plus - minus) / (2 * eps);
}
