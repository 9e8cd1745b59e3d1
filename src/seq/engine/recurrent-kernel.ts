/**
 * Fused SimpleRNN / GRU / LSTM forward and backward passes over whole batches of sequences:
 * typed arrays in tfjs's layouts in, typed arrays out. The work runs in the WebAssembly SIMD
 * kernels on the thread pool (batch rows split over threads for the recurrence, weight-gradient
 * columns for the products over all steps); results do not depend on the thread count.
 */
import { ACTIVATION_CODES, CELL_GATES, CELL_KIND_CODE, FLAG_BACKWARDS, FLAG_MASK, RECURRENT_FIELDS as F, RECURRENT_FIELD_COUNT, TASK, type CellKind, type FusedActivation } from './params.js';
import { padGateColumns, paddedUnits, unpadGateColumns } from './padding.js';
import { threadPool } from './thread-pool.js';
import type { TapeBlock } from './arena.js';

export interface RecurrentConfig {
  kind: CellKind;
  batch: number;
  time: number;
  features: number;
  units: number;
  activation: FusedActivation;
  recurrentActivation: FusedActivation;
  goBackwards: boolean;
}

export interface RecurrentWeights {
  /** [features, gates*units] */
  kernel: Float32Array;
  /** [units, gates*units] */
  recurrentKernel: Float32Array;
  /** [gates*units] or null */
  bias: Float32Array | null;
}

export interface RecurrentForwardInput extends RecurrentWeights {
  /** [batch, time, features] */
  x: Float32Array;
  /** [batch, units]; zeros when null */
  h0: Float32Array | null;
  /** [batch, units] (LSTM); zeros when null */
  c0: Float32Array | null;
  /** [batch, time], 0 = keep the state at that step; null = every step counts */
  mask: Float32Array | null;
  /** Return every step's output (else only the final state). */
  returnSequences: boolean;
  /** Keep what the backward pass needs. */
  keepForBackward: boolean;
}

/**
 * What the forward pass keeps for the backward pass: the input, gate activations and states,
 * left in the kernels' memory (padded layout) until the backward pass frees them.
 */
export interface RecurrentTape {
  readonly block: TapeBlock;
  readonly x: number;
  readonly gates: number;
  readonly h: number;
  readonly c: number;
}

export interface RecurrentForwardOutput {
  /** [batch, time, units] in processing order (reversed input order when goBackwards), or null */
  y: Float32Array | null;
  hT: Float32Array;
  cT: Float32Array | null;
  tape: RecurrentTape | null;
}

export interface RecurrentBackwardInput {
  /** [batch, time, units] in processing order, or null */
  dY: Float32Array | null;
  dhT: Float32Array | null;
  dcT: Float32Array | null;
}

export interface RecurrentGradients {
  dX: Float32Array;
  dKernel: Float32Array;
  dRecurrentKernel: Float32Array;
  dBias: Float32Array | null;
  dh0: Float32Array;
  dc0: Float32Array | null;
}

/** Below this many multiply-adds per step a second thread costs more in synchronisation than it saves. */
const MIN_PARALLEL_WORK = 32 * 1024;

function threadsFor(cfg: RecurrentConfig, pu: number): number {
  const perStep = cfg.batch * pu * CELL_GATES[cfg.kind] * pu;
  return perStep < MIN_PARALLEL_WORK ? 1 : cfg.batch;
}

type RecurrentInputs = RecurrentWeights & { x: Float32Array; h0: Float32Array | null; c0: Float32Array | null; mask: Float32Array | null };

/** Places x, the gates and the states in a tape block that stays until the backward pass. */
function allocTape(cfg: RecurrentConfig, pu: number, x: Float32Array): RecurrentTape {
  const { arena } = threadPool();
  const { batch: B, time: T } = cfg;
  const G = CELL_GATES[cfg.kind];
  const sizes = [x.length * 4, B * T * G * pu * 4, B * T * pu * 4, cfg.kind === 'lstm' ? B * T * pu * 4 : 0].map((n) => Math.ceil(n / 64) * 64);
  const owner = {};
  const block = arena.allocTape(sizes.reduce((a, b) => a + b, 0), owner);
  const xAt = block.start;
  arena.view(xAt, x.length).set(x);
  const tape = { block, x: xAt, gates: xAt + sizes[0]!, h: xAt + sizes[0]! + sizes[1]!, c: xAt + sizes[0]! + sizes[1]! + sizes[2]!, owner };
  return tape;
}

interface Layout {
  params: number;
  x: number;
  kernel: number;
  recurrentKernel: number;
  recurrentKernelPacked: number;
  bias: number;
  h0: number;
  c0: number;
  mask: number;
  gates: number;
  h: number;
  c: number;
}

function writeParams(cfg: RecurrentConfig, pu: number, values: Partial<Record<keyof typeof F, number>>): number {
  const pool = threadPool();
  const at = pool.arena.alloc(RECURRENT_FIELD_COUNT * 4);
  const words = new Int32Array(pool.memory.buffer, at, RECURRENT_FIELD_COUNT).fill(0);
  words[F.kind] = CELL_KIND_CODE[cfg.kind];
  words[F.batch] = cfg.batch;
  words[F.time] = cfg.time;
  words[F.features] = cfg.features;
  words[F.units] = pu;
  words[F.activation] = ACTIVATION_CODES[cfg.activation];
  words[F.recurrentActivation] = ACTIVATION_CODES[cfg.recurrentActivation];
  for (const [name, value] of Object.entries(values)) words[F[name as keyof typeof F]] = value!;
  return at;
}

/** Copies the inputs and weights into the arena in the padded layout. */
function layInputs(cfg: RecurrentConfig, pu: number, input: RecurrentInputs, tape: RecurrentTape | null): Layout {
  const { arena, kernels } = threadPool();
  const G = CELL_GATES[cfg.kind];
  const { batch: B, time: T, features: Fe, units: U } = cfg;
  let x: number;
  if (tape !== null) x = tape.x;
  else x = arena.put(input.x);
  const kernel = arena.alloc(Fe * G * pu * 4);
  padGateColumns(input.kernel, Fe, G, U, arena.view(kernel, Fe * G * pu), pu);
  const recurrentKernel = arena.zeros(pu * G * pu);
  padGateColumns(input.recurrentKernel, U, G, U, arena.view(recurrentKernel, pu * G * pu), pu);
  let bias = 0;
  if (input.bias !== null) {
    bias = arena.alloc(G * pu * 4);
    padGateColumns(input.bias, 1, G, U, arena.view(bias, G * pu), pu);
  }
  const h0 = arena.zeros(B * pu);
  if (input.h0 !== null) padGateColumns(input.h0, B, 1, U, arena.view(h0, B * pu), pu);
  const c0 = arena.zeros(B * pu);
  if (input.c0 !== null) padGateColumns(input.c0, B, 1, U, arena.view(c0, B * pu), pu);
  const mask = input.mask !== null ? arena.put(input.mask) : 0;
  const recurrentKernelPacked = arena.alloc(Math.ceil((G * pu) / 8) * 8 * pu * 4);
  kernels.packPanels(recurrentKernel, G * pu, pu, G * pu, recurrentKernelPacked);
  const gates = tape !== null ? tape.gates : arena.alloc(B * T * G * pu * 4);
  const h = tape !== null ? tape.h : arena.alloc(B * T * pu * 4);
  const c = tape !== null ? tape.c : arena.alloc(cfg.kind === 'lstm' ? B * T * pu * 4 : 0);
  return { params: 0, x, kernel, recurrentKernel, recurrentKernelPacked, bias, h0, c0, mask, gates, h, c };
}

function scratchStride(cfg: RecurrentConfig, pu: number): number {
  return Math.ceil((4 * cfg.batch * pu * 4) / 64) * 64;
}

export function recurrentForward(cfg: RecurrentConfig, input: RecurrentForwardInput): RecurrentForwardOutput {
  const pool = threadPool();
  const { arena } = pool;
  const pu = paddedUnits(cfg.units);
  const { batch: B, time: T, units: U } = cfg;
  const tape = input.keepForBackward ? allocTape(cfg, pu, input.x) : null;
  arena.reset();
  const lay = layInputs(cfg, pu, input, tape);
  const y = input.returnSequences ? arena.alloc(B * T * pu * 4) : 0;
  const hT = arena.alloc(B * pu * 4);
  const cT = arena.alloc(B * pu * 4);
  const threads = Math.min(threadsFor(cfg, pu), pool.activeThreads);
  const stride = scratchStride(cfg, pu);
  const scratch = arena.alloc(stride * threads);
  const params = writeParams(cfg, pu, {
    flags: (cfg.goBackwards ? FLAG_BACKWARDS : 0) | (input.mask !== null ? FLAG_MASK : 0),
    x: lay.x, kernel: lay.kernel, recurrentKernel: lay.recurrentKernel, bias: lay.bias, h0: lay.h0, c0: lay.c0,
    mask: lay.mask, gates: lay.gates, h: lay.h, c: lay.c, y, hT, cT, scratch, scratchStride: stride,
    recurrentKernelPacked: lay.recurrentKernelPacked,
  });
  pool.run(TASK.recurrentForward, params, threads);
  return {
    y: y !== 0 ? unpadGateColumns(arena.view(y, B * T * pu), B * T, 1, U, pu) : null,
    hT: unpadGateColumns(arena.view(hT, B * pu), B, 1, U, pu),
    cT: cfg.kind === 'lstm' ? unpadGateColumns(arena.view(cT, B * pu), B, 1, U, pu) : null,
    tape,
  };
}

/** Runs the backward pass of the forward pass that made `tape`, and frees the tape. */
export function recurrentBackward(
  cfg: RecurrentConfig,
  input: RecurrentInputs,
  tape: RecurrentTape,
  grads: RecurrentBackwardInput,
): RecurrentGradients {
  const pool = threadPool();
  const { arena, kernels } = pool;
  arena.reset();
  const pu = paddedUnits(cfg.units);
  const { batch: B, time: T, features: Fe, units: U } = cfg;
  const G = CELL_GATES[cfg.kind];
  if (!tape.block.live) throw new Error('a fused recurrent layer was asked for the gradient of the same forward pass twice');
  const lay = layInputs(cfg, pu, input, tape);
  const padded = (data: Float32Array | null, rows: number): number => {
    if (data === null) return 0;
    const at = arena.alloc(rows * pu * 4);
    padGateColumns(data, rows, 1, U, arena.view(at, rows * pu), pu);
    return at;
  };
  const dY = padded(grads.dY, B * T);
  const dhT = padded(grads.dhT, B);
  const dcT = padded(grads.dcT, B);
  const kernelT = arena.alloc(G * pu * Fe * 4);
  kernels.transpose(lay.kernel, Fe, G * pu, kernelT);
  const recurrentKernelT = arena.alloc(G * pu * pu * 4);
  kernels.transpose(lay.recurrentKernel, pu, G * pu, recurrentKernelT);
  const recurrentKernelTPacked = arena.alloc(Math.ceil(pu / 8) * 8 * G * pu * 4);
  kernels.packPanels(recurrentKernelT, pu, G * pu, pu, recurrentKernelTPacked);
  const dX = arena.alloc(B * T * Fe * 4);
  const dKernel = arena.alloc(Fe * G * pu * 4);
  const dRecurrentKernel = arena.alloc(pu * G * pu * 4);
  const dBias = input.bias !== null ? arena.alloc(G * pu * 4) : 0;
  const dh0 = arena.alloc(B * pu * 4);
  const dc0 = arena.alloc(B * pu * 4);
  const hPrev = arena.alloc(B * T * pu * 4);
  const rTimesHPrev = arena.alloc(cfg.kind === 'gru' ? B * T * pu * 4 : 0);
  const threads = Math.min(threadsFor(cfg, pu), pool.activeThreads);
  const stride = scratchStride(cfg, pu);
  const scratch = arena.alloc(stride * threads);
  const params = writeParams(cfg, pu, {
    flags: (cfg.goBackwards ? FLAG_BACKWARDS : 0) | (input.mask !== null ? FLAG_MASK : 0),
    x: lay.x, kernel: lay.kernel, recurrentKernel: lay.recurrentKernel, bias: lay.bias, h0: lay.h0, c0: lay.c0,
    mask: lay.mask, gates: lay.gates, h: lay.h, c: lay.c, dY, dhT, dcT, dX, dKernel, dRecurrentKernel, dBias, dh0, dc0,
    kernelT, recurrentKernelT, recurrentKernelTPacked, scratch, scratchStride: stride, hPrev, rTimesHPrev,
  });
  pool.run(TASK.recurrentBackward, params, threads);
  pool.run(TASK.recurrentWeightGradients, params);
  const result = {
    dX: arena.take(dX, B * T * Fe),
    dKernel: unpadGateColumns(arena.view(dKernel, Fe * G * pu), Fe, G, U, pu),
    dRecurrentKernel: unpadGateColumns(arena.view(dRecurrentKernel, pu * G * pu), U, G, U, pu),
    dBias: dBias !== 0 ? unpadGateColumns(arena.view(dBias, G * pu), 1, G, U, pu) : null,
    dh0: unpadGateColumns(arena.view(dh0, B * pu), B, 1, U, pu),
    dc0: cfg.kind === 'lstm' ? unpadGateColumns(arena.view(dc0, B * pu), B, 1, U, pu) : null,
  };
  tape.block.free();
  return result;
}
