/**
 * Fused SimpleRNN / GRU / LSTM forward and backward passes over whole batches of sequences:
 * typed arrays in tfjs's layouts in, typed arrays out. The work runs in the WebAssembly SIMD
 * kernels on the thread pool (batch rows split over threads for the recurrence, weight-gradient
 * columns for the products over all steps); results do not depend on the thread count.
 *
 * Inputs are read once, when the call starts. Outputs are views into the kernels' memory, valid
 * until the next engine call: copy them (or make tensors of them) before calling again.
 */
import { ACTIVATION_CODES, CELL_GATES, CELL_KIND_CODE, FLAG_BACKWARDS, FLAG_MASK, RECURRENT_FIELDS as F, RECURRENT_FIELD_COUNT, TASK, type CellKind, type FusedActivation } from './params.js';
import { padGateColumns, paddedUnits, unpadGateColumns } from './padding.js';
import { threadPool } from './thread-pool.js';
import { aligned, type TapeBlock } from './arena.js';

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

export interface RecurrentForwardInput {
  /** [batch, time, features] */
  x: Float32Array;
  /** [features, gates*units] */
  kernel: Float32Array;
  /** [units, gates*units] */
  recurrentKernel: Float32Array;
  /** [gates*units] or null */
  bias: Float32Array | null;
  /** [batch, units]; zeros when null */
  h0: Float32Array | null;
  /** [batch, units] (LSTM); zeros when null */
  c0: Float32Array | null;
  /** [batch, time], 0 = keep the state at that step; null = every step counts */
  mask: Float32Array | null;
  /** Return every step's output (else only the final state). */
  returnSequences: boolean;
  /** Keep what the backward pass needs (a tape), for recurrentBackward. */
  keepForBackward: boolean;
}

/**
 * What a forward pass keeps for its backward pass, left in the kernels' memory (padded layout):
 * its inputs, weights, gate activations and states. Freed by recurrentBackward, or when the tape
 * object is garbage-collected.
 */
export interface RecurrentTape {
  readonly block: TapeBlock;
  readonly layout: Layout;
  readonly hasBias: boolean;
  readonly hasMask: boolean;
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

/** Where a call's inputs and activations sit (byte offsets), all in one region. */
interface Layout {
  x: number;
  kernel: number;
  recurrentKernel: number;
  bias: number;
  h0: number;
  c0: number;
  mask: number;
  gates: number;
  h: number;
  c: number;
}

/** Sizes in bytes of the Layout's buffers, in its field order. */
function layoutSizes(cfg: RecurrentConfig, pu: number, hasBias: boolean, hasMask: boolean): Record<keyof Layout, number> {
  const { batch: B, time: T, features: Fe } = cfg;
  const G = CELL_GATES[cfg.kind];
  const lstm = cfg.kind === 'lstm';
  return {
    x: B * T * Fe * 4,
    kernel: Fe * G * pu * 4,
    recurrentKernel: pu * G * pu * 4,
    bias: hasBias ? G * pu * 4 : 0,
    h0: B * pu * 4,
    c0: lstm ? B * pu * 4 : 0,
    mask: hasMask ? B * T * 4 : 0,
    gates: B * T * G * pu * 4,
    h: B * T * pu * 4,
    c: lstm ? B * T * pu * 4 : 0,
  };
}

function carve(start: number, sizes: Record<keyof Layout, number>): { layout: Layout; end: number } {
  let at = start;
  const layout = {} as Layout;
  for (const key of Object.keys(sizes) as (keyof Layout)[]) {
    // An absent buffer is pointer 0, which the kernels read as "none".
    layout[key] = sizes[key] > 0 ? at : 0;
    at += aligned(sizes[key]);
  }
  return { layout, end: at };
}

function totalBytes(sizes: Record<keyof Layout, number>): number {
  return Object.values(sizes).reduce((sum, n) => sum + aligned(n), 0);
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

/** Copies the inputs and weights into their places, in the padded layout. */
function writeInputs(cfg: RecurrentConfig, pu: number, lay: Layout, input: RecurrentForwardInput): void {
  const { arena } = threadPool();
  const G = CELL_GATES[cfg.kind];
  const { batch: B, time: T, features: Fe, units: U } = cfg;
  arena.view(lay.x, B * T * Fe).set(input.x);
  padGateColumns(input.kernel, Fe, G, U, arena.view(lay.kernel, Fe * G * pu), pu);
  padGateColumns(input.recurrentKernel, U, G, U, arena.view(lay.recurrentKernel, pu * G * pu), pu);
  if (input.bias !== null) padGateColumns(input.bias, 1, G, U, arena.view(lay.bias, G * pu), pu);
  const h0 = arena.view(lay.h0, B * pu);
  if (input.h0 !== null) padGateColumns(input.h0, B, 1, U, h0, pu);
  else h0.fill(0);
  if (cfg.kind === 'lstm') {
    const c0 = arena.view(lay.c0, B * pu);
    if (input.c0 !== null) padGateColumns(input.c0, B, 1, U, c0, pu);
    else c0.fill(0);
  }
  if (input.mask !== null) arena.view(lay.mask, B * T).set(input.mask);
}

/**
 * Batch rows per slice of work (assembly/seq/slice.ts): about four slices per thread, so that the
 * threads even out when one of them is slowed (another process on its core), in whole 4-row blocks
 * of the product kernel; one slice when one thread runs.
 */
export function sliceRows(batch: number, threads: number): number {
  if (threads <= 1) return batch;
  return Math.min(batch, Math.max(4, Math.ceil(batch / (4 * threads) / 4) * 4));
}

function scratchStride(pu: number, rows: number): number {
  return aligned(4 * rows * pu * 4);
}

export function recurrentForward(cfg: RecurrentConfig, input: RecurrentForwardInput): RecurrentForwardOutput {
  const pool = threadPool();
  const { arena, kernels } = pool;
  const pu = paddedUnits(cfg.units);
  const { batch: B, time: T, units: U } = cfg;
  const G = CELL_GATES[cfg.kind];
  const hasBias = input.bias !== null;
  const hasMask = input.mask !== null;
  const sizes = layoutSizes(cfg, pu, hasBias, hasMask);
  let tape: RecurrentTape | null = null;
  let lay: Layout;
  if (input.keepForBackward) {
    const owner = {};
    const block = arena.allocTape(totalBytes(sizes), owner);
    lay = carve(block.start, sizes).layout;
    tape = Object.assign(owner, { block, layout: lay, hasBias, hasMask });
    arena.reset();
  } else {
    arena.reset();
    lay = carve(arena.alloc(totalBytes(sizes)), sizes).layout;
  }
  writeInputs(cfg, pu, lay, input);
  const recurrentKernelPacked = arena.alloc(Math.ceil((G * pu) / 8) * 8 * pu * 4);
  kernels.packPanels(lay.recurrentKernel, G * pu, pu, G * pu, recurrentKernelPacked);
  // Outputs in processing order: the states themselves when the layer runs forward in time
  // (row s of Y is row t = s of H), so only a reversed layer needs a buffer of its own.
  const y = input.returnSequences && cfg.goBackwards ? arena.alloc(B * T * pu * 4) : 0;
  const outputs = input.returnSequences ? (cfg.goBackwards ? y : lay.h) : 0;
  const hT = arena.alloc(B * pu * 4);
  const cT = arena.alloc(B * pu * 4);
  const threads = Math.min(threadsFor(cfg, pu), pool.activeThreads);
  const rows = sliceRows(B, threads);
  const stride = scratchStride(pu, rows);
  const scratch = arena.alloc(stride * threads);
  const params = writeParams(cfg, pu, {
    flags: (cfg.goBackwards ? FLAG_BACKWARDS : 0) | (hasMask ? FLAG_MASK : 0),
    x: lay.x, kernel: lay.kernel, bias: lay.bias, h0: lay.h0, c0: lay.c0,
    mask: lay.mask, gates: lay.gates, h: lay.h, c: lay.c, y, hT, cT, scratch, scratchStride: stride, sliceRows: rows,
    recurrentKernelPacked,
  });
  pool.run(TASK.recurrentForward, params, threads);
  return {
    y: outputs !== 0 ? unpadGateColumns(arena.view(outputs, B * T * pu), B * T, 1, U, pu) : null,
    hT: unpadGateColumns(arena.view(hT, B * pu), B, 1, U, pu),
    cT: cfg.kind === 'lstm' ? unpadGateColumns(arena.view(cT, B * pu), B, 1, U, pu) : null,
    tape,
  };
}

/** Runs the backward pass of the forward pass that made `tape`, and frees the tape. */
export function recurrentBackward(cfg: RecurrentConfig, tape: RecurrentTape, grads: RecurrentBackwardInput): RecurrentGradients {
  if (!tape.block.live) throw new Error('a fused recurrent layer was asked for the gradient of the same forward pass twice');
  const pool = threadPool();
  const { arena, kernels } = pool;
  arena.reset();
  const pu = paddedUnits(cfg.units);
  const { batch: B, time: T, features: Fe, units: U } = cfg;
  const G = CELL_GATES[cfg.kind];
  const lay = tape.layout;
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
  const dBias = tape.hasBias ? arena.alloc(G * pu * 4) : 0;
  const dh0 = arena.alloc(B * pu * 4);
  const dc0 = arena.alloc(B * pu * 4);
  const hPrev = arena.alloc(B * T * pu * 4);
  const rTimesHPrev = arena.alloc(cfg.kind === 'gru' ? B * T * pu * 4 : 0);
  const threads = Math.min(threadsFor(cfg, pu), pool.activeThreads);
  const rows = sliceRows(B, threads);
  const stride = scratchStride(pu, rows);
  const scratch = arena.alloc(stride * threads);
  const params = writeParams(cfg, pu, {
    flags: (cfg.goBackwards ? FLAG_BACKWARDS : 0) | (tape.hasMask ? FLAG_MASK : 0),
    x: lay.x, kernel: lay.kernel, bias: lay.bias, h0: lay.h0, c0: lay.c0,
    mask: lay.mask, gates: lay.gates, h: lay.h, c: lay.c, dY, dhT, dcT, dX, dKernel, dRecurrentKernel, dBias, dh0, dc0,
    kernelT, recurrentKernelTPacked, scratch, scratchStride: stride, sliceRows: rows, hPrev, rTimesHPrev,
  });
  pool.run(TASK.recurrentBackward, params, threads);
  pool.run(TASK.recurrentWeightGradients, params);
  // The results sit in scratch above the tape: freeing it now leaves them readable until the next call.
  tape.block.free();
  return {
    dX: arena.view(dX, B * T * Fe),
    dKernel: unpadGateColumns(arena.view(dKernel, Fe * G * pu), Fe, G, U, pu),
    dRecurrentKernel: unpadGateColumns(arena.view(dRecurrentKernel, pu * G * pu), U, G, U, pu),
    dBias: dBias !== 0 ? unpadGateColumns(arena.view(dBias, G * pu), 1, G, U, pu) : null,
    dh0: unpadGateColumns(arena.view(dh0, B * pu), B, 1, U, pu),
    dc0: cfg.kind === 'lstm' ? unpadGateColumns(arena.view(dc0, B * pu), B, 1, U, pu) : null,
  };
}
