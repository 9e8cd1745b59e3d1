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
 * A [batch, time] mask with: sequence 0 full length; the others padded at the end (or, with
 * `pre`, at the start) to random lengths; the LAST sequence entirely masked; and (with holes) a
 * masked step inside each longer sequence.
 */
export function makeMask(fx: Fixtures, batch: number, time: number, holes = false, pre = false): Float64Array {
  const mask = new Float64Array(batch * time);
  for (let b = 0; b < batch; b++) {
    const length = b === 0 ? time : b === batch - 1 && batch > 1 ? 0 : fx.int(1, time + 1);
    const start = pre ? time - length : 0;
    for (let t = start; t < start + length; t++) mask[b * time + t] = 1;
    if (holes && length > 2) mask[b * time + start + fx.int(1, length - 1)] = 0;
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
  // The weights are always overwritten: skip tfjs's slow orthogonal/glorot initialisation.
  args['kernelInitializer'] = 'zeros';
  args['recurrentInitializer'] = 'zeros';
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

/**
 * tfjs's input dropout draws ONE mask per call, shape [batch, features], used at every time
 * step, and scales kept inputs by 1/(1 − rate). With an identity kernel, zero recurrent kernel
 * and linear activation a SimpleRNN outputs its dropped-out input, which shows the mask.
 * Returns what disagrees (empty when the layer behaves like tfjs).
 */
export function dropoutSemanticsProblems(makeSimpleRNN: RecurrentFactory): string[] {
  const [B, T, F, rate] = [16, 6, 8, 0.5];
  const fx = new Fixtures(90);
  const layer = makeSimpleRNN({ units: F, activation: 'linear', dropout: rate, returnSequences: true, useBias: false });
  const weights = [tf.eye(F), tf.zeros([F, F])];
  buildWithWeights(layer, [B, T, F], weights);
  tf.dispose(weights);
  const x = fx.uniform(B * T * F, 0.5, 1.5);
  const out = tf.tidy(() => applyList(layer, tensorOf(x, [B, T, F]), { training: true })[0]!);
  const y = toF64(out);
  out.dispose();
  layer.dispose();
  const problems: string[] = [];
  let dropped = 0;
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      const kept = y[b * T * F + f]! !== 0;
      if (!kept) dropped++;
      for (let t = 0; t < T; t++) {
        const i = (b * T + t) * F + f;
        const expected = kept ? x[i]! / (1 - rate) : 0;
        if (!(Math.abs(y[i]! - expected) < 1e-5)) problems.push(`sequence ${b} feature ${f} step ${t}: ${y[i]}, but the mask at step 0 implies ${expected}`);
      }
    }
  }
  // 128 Bernoulli(0.5) draws: 40..88 dropped covers > 99.99% of outcomes.
  if (dropped <= 40 || dropped >= 88) problems.push(`${dropped} of ${B * F} inputs dropped at rate ${rate}`);
  return problems.slice(0, 6);
}

/**
 * An encoder-decoder (the seq2seq shape): an encoder over masked source ids returns its states,
 * which start a decoder over target ids (`initialState` from symbolic tensors), then a dense
 * softmax per step. `rnn` picks the layer classes; both models get identical layer configs.
 *
 * `targetMask` gives the target embedding maskZero. Without it the decoder's input has no mask,
 * and tfjs 4.22's graph executor hands the decoder the ENCODER's mask instead (its `kwargs.mask`
 * is one object reused from node to node): tfjs's own layers then silently mask the decoder with
 * the source mask (or crash when the source is shorter than the target).
 */
export function encoderDecoder(
  rnn: Record<CellKind, RecurrentFactory>,
  dense: (args: Record<string, unknown>) => tf.layers.Layer,
  kind: CellKind,
  targetMask = true,
  sizes = { vocab: 9, source: 6, target: 5, units: 7 },
): { model: tf.LayersModel; srcEmbedding: tf.layers.Layer; encoder: tf.layers.Layer; tgtEmbedding: tf.layers.Layer; decoder: tf.layers.Layer; output: tf.layers.Layer } {
  const source = tf.input({ shape: [sizes.source], dtype: 'int32' });
  const target = tf.input({ shape: [sizes.target], dtype: 'int32' });
  const srcEmbedding = tf.layers.embedding({ inputDim: sizes.vocab, outputDim: 4, maskZero: true });
  const encoder = rnn[kind]({ units: sizes.units, returnState: true, goBackwards: true, recurrentActivation: 'sigmoid' });
  const tgtEmbedding = tf.layers.embedding({ inputDim: sizes.vocab, outputDim: 4, maskZero: targetMask });
  const decoder = rnn[kind]({ units: sizes.units, returnSequences: true });
  const output = dense({ units: sizes.vocab, activation: 'softmax' });
  const encoded = encoder.apply(srcEmbedding.apply(source)) as tf.SymbolicTensor[];
  const decoded = decoder.apply(tgtEmbedding.apply(target), { initialState: encoded.slice(1) }) as tf.SymbolicTensor;
  const probs = output.apply(decoded) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: [source, target], outputs: probs }), srcEmbedding, encoder, tgtEmbedding, decoder, output };
}

/** Source ids (with padding, one all-padding row) and target ids for encoderDecoder(). */
export function encoderDecoderBatch(fx: Fixtures, batch: number, sizes = { vocab: 9, source: 6, target: 5 }): [tf.Tensor, tf.Tensor] {
  const mask = makeMask(fx, batch, sizes.source, true);
  const src = tf.tensor2d(Int32Array.from(mask, (m) => (m ? fx.int(1, sizes.vocab) : 0)), [batch, sizes.source], 'int32');
  const tgt = tf.tensor2d(Int32Array.from({ length: batch * sizes.target }, () => fx.int(1, sizes.vocab)), [batch, sizes.target], 'int32');
  return [src, tgt];
}
