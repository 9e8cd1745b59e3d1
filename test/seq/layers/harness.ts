/**
 * Shared fixtures for the fused-layer tests: seeded random arrays (float32-exact so that the
 * float64 reference and the float32 layers see the same numbers), tfjs layer construction with
 * fixed weights, and comparisons that say where and by how much two results differ.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../seeded-random.js';
import { gateCount, stateCount, type ActivationName, type CellConfig, type CellKind, type CellWeights } from './reference-cells.js';

/**
 * The tfjs reference runs on the cpu backend. tfjs's cpu backend prints an "install tfjs-node"
 * banner through console.warn on its first tensor write in Node; make that write here, quietly.
 */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.dispose(tf.scalar(0));
  } finally {
    console.warn = warn;
  }
}

export class Fixtures {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** Uniform in [lo, hi), rounded to float32 so that both precisions start from the same value. */
  uniform(n: number, lo = -1, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.fround(lo + (hi - lo) * this.next());
    return out;
  }
  int(lo: number, hiExclusive: number): number {
    return lo + Math.floor(this.next() * (hiExclusive - lo));
  }
  float(): number {
    return this.next();
  }
  /** Random layer weights in tfjs's layout; small recurrent weights keep linear/relu cells bounded. */
  weights(config: CellConfig, useBias = true, scale = 1): CellWeights {
    const W = gateCount(config.kind) * config.units;
    return {
      kernel: this.uniform(config.inputDim * W, -0.7 * scale, 0.7 * scale),
      recurrentKernel: this.uniform(config.units * W, -0.5 * scale, 0.5 * scale),
      bias: useBias ? this.uniform(W, -0.5 * scale, 0.5 * scale) : null,
    };
  }
  states(kind: CellKind, batch: number, units: number): Float64Array[] {
    return Array.from({ length: stateCount(kind) }, () => this.uniform(batch * units, -0.9, 0.9));
  }
}

/**
 * A [batch, time] mask with: sequence 0 full length; the others padded at the end to random
 * lengths; the LAST sequence entirely masked; and (with holes) a few masked steps in the middle.
 */
export function makeMask(fx: Fixtures, batch: number, time: number, holes = false): Float64Array {
  const mask = new Float64Array(batch * time);
  for (let b = 0; b < batch; b++) {
    const length = b === 0 ? time : b === batch - 1 && batch > 1 ? 0 : fx.int(1, time + 1);
    for (let t = 0; t < length; t++) mask[b * time + t] = 1;
    if (holes && length > 2) mask[b * time + fx.int(1, length - 1)] = 0;
  }
  return mask;
}

export function tensorOf(values: ArrayLike<number>, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from(values), shape, 'float32');
}

export function weightTensors(w: CellWeights, config: CellConfig): tf.Tensor[] {
  const W = gateCount(config.kind) * config.units;
  const list = [tensorOf(w.kernel, [config.inputDim, W]), tensorOf(w.recurrentKernel, [config.units, W])];
  if (w.bias) list.push(tensorOf(w.bias, [W]));
  return list;
}

export function toF64(t: tf.Tensor): Float64Array {
  return Float64Array.from(t.dataSync() as Float32Array);
}

/** The args a tfjs recurrent layer takes, built from a reference config. */
export interface RecurrentOptions {
  returnSequences?: boolean;
  returnState?: boolean;
  useBias?: boolean;
  /** Leave recurrentActivation unset (tfjs's default must then apply). */
  defaultRecurrentActivation?: boolean;
  dropout?: number;
  stateful?: boolean;
  batchInputShape?: number[];
  inputShape?: number[];
  name?: string;
}

// The tfjs constructors write `args.cell` into the args object, so every call gets a fresh one.
export function recurrentArgs(config: CellConfig, options: RecurrentOptions = {}): Record<string, unknown> {
  const args: Record<string, unknown> = {
    units: config.units,
    activation: config.activation ?? 'tanh',
    goBackwards: config.goBackwards ?? false,
    returnSequences: options.returnSequences ?? false,
    returnState: options.returnState ?? false,
    useBias: options.useBias ?? true,
  };
  if (config.kind !== 'SimpleRNN' && !options.defaultRecurrentActivation) args['recurrentActivation'] = config.recurrentActivation ?? 'hardSigmoid';
  if (options.dropout !== undefined) args['dropout'] = options.dropout;
  if (options.stateful !== undefined) args['stateful'] = options.stateful;
  if (options.batchInputShape) args['batchInputShape'] = options.batchInputShape;
  if (options.inputShape) args['inputShape'] = options.inputShape;
  if (options.name) args['name'] = options.name;
  return args;
}

export type RecurrentFactory = (args: Record<string, unknown>) => tf.layers.Layer;

export const tfjsRecurrent: Record<CellKind, RecurrentFactory> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SimpleRNN: (args) => tf.layers.simpleRNN(args as any),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  GRU: (args) => tf.layers.gru(args as any),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  LSTM: (args) => tf.layers.lstm(args as any),
};

/** Builds `layer` for inputs of `shape` and loads `weights` (the layer keeps its own copies). */
export function buildWithWeights(layer: tf.layers.Layer, shape: number[], weights: tf.Tensor[]): void {
  tf.tidy(() => {
    layer.apply(tf.zeros(shape));
  });
  layer.setWeights(weights);
}

/** Applies a layer eagerly and returns its outputs as a list (a single tensor becomes [t]). */
export function applyList(layer: tf.layers.Layer, x: tf.Tensor, kwargs: Record<string, unknown> = {}): tf.Tensor[] {
  const out = layer.apply(x, kwargs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

export interface Closeness {
  /** Largest |actual − expected|. */
  maxAbs: number;
  /** Where it happened. */
  index: number;
  actual: number;
  expected: number;
}

export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): Closeness {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  let worst: Closeness = { maxAbs: 0, index: -1, actual: NaN, expected: NaN };
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst.maxAbs)) worst = { maxAbs: d, index: i, actual: actual[i]!, expected: expected[i]! };
  }
  return worst;
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** Asserts |actual − expected| ≤ atol + rtol·max|expected| everywhere, naming the worst element. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol: number, rtol = 0, shape?: number[]): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  const bound = atol + rtol * maxAbs(expected);
  const c = compare(actual, expected);
  if (!(c.maxAbs <= bound)) {
    const where = shape ? `[${unravel(c.index, shape).join(', ')}]` : `#${c.index}`;
    throw new Error(`${what}: max |diff| ${c.maxAbs.toExponential(3)} > ${bound.toExponential(3)} at ${where} (got ${c.actual}, expected ${c.expected})`);
  }
}

export function assertTensorsClose(actual: tf.Tensor, expected: tf.Tensor, what: string, atol: number, rtol = 0): void {
  if (actual.shape.join(',') !== expected.shape.join(',')) throw new Error(`${what}: shape [${actual.shape}] but expected [${expected.shape}]`);
  assertClose(actual.dataSync() as Float32Array, expected.dataSync() as Float32Array, what, atol, rtol, expected.shape);
}

function unravel(index: number, shape: number[]): number[] {
  const out: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(index % shape[d]!);
    index = Math.floor(index / shape[d]!);
  }
  return out;
}

/** Bitwise equality of two float32 results, naming the first difference. */
export function assertBitIdentical(actual: Float32Array, expected: Float32Array, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) throw new Error(`${what}: first bit difference at #${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

export const RECURRENT_ACTIVATIONS: ActivationName[] = ['hardSigmoid', 'sigmoid'];
export const KINDS: CellKind[] = ['SimpleRNN', 'GRU', 'LSTM'];
