/**
 * Layout of the parameter blocks the wasm sequence kernels read (one i32 per field; pointers are
 * byte offsets into the shared memory). Mirrors assembly/seq/params.ts: keep the two in sync.
 */
export const RECURRENT_FIELDS = {
  kind: 0,
  batch: 1,
  time: 2,
  features: 3,
  units: 4,
  flags: 5,
  activation: 6,
  recurrentActivation: 7,
  x: 8,
  kernel: 9,
  sliceRows: 10,
  bias: 11,
  h0: 12,
  c0: 13,
  mask: 14,
  gates: 15,
  h: 16,
  c: 17,
  y: 18,
  hT: 19,
  cT: 20,
  dY: 21,
  dhT: 22,
  dcT: 23,
  dX: 24,
  dKernel: 25,
  dRecurrentKernel: 26,
  dBias: 27,
  dh0: 28,
  dc0: 29,
  kernelT: 30,
  nextSlice: 31,
  scratch: 32,
  scratchStride: 33,
  hPrev: 34,
  rTimesHPrev: 35,
  recurrentKernelPacked: 36,
  recurrentKernelTPacked: 37,
  nextColumns: 38,
} as const;
export const RECURRENT_FIELD_COUNT = 39;

export const DENSE_FIELDS = {
  rows: 0,
  inputs: 1,
  outputs: 2,
  x: 3,
  kernel: 4,
  bias: 5,
  y: 6,
  dY: 7,
  kernelT: 8,
  dX: 9,
  dKernel: 10,
  dBias: 11,
  next: 12,
} as const;
export const DENSE_FIELD_COUNT = 13;

export const FLAG_BACKWARDS = 1;
export const FLAG_MASK = 2;

/** Task codes of runTask in assembly/seq.ts. */
export const TASK = {
  recurrentForward: 1,
  recurrentBackward: 2,
  recurrentWeightGradients: 3,
  denseForward: 4,
  denseBackward: 5,
  softmaxCrossEntropy: 6,
  adamStep: 7,
  batchMatMul: 8,
  packKernelTransposed: 9,
  sumsOfSquares: 10,
  rowBest: 11,
} as const;

export type CellKind = 'rnn' | 'gru' | 'lstm';
export const CELL_KIND_CODE: Record<CellKind, number> = { rnn: 0, gru: 1, lstm: 2 };
export const CELL_GATES: Record<CellKind, number> = { rnn: 1, gru: 3, lstm: 4 };

/** Activations the fused kernels implement (assembly/seq/activations.ts), by tfjs's names. */
export const ACTIVATION_CODES = { linear: 0, tanh: 1, sigmoid: 2, hardSigmoid: 3, relu: 4 } as const;
export type FusedActivation = keyof typeof ACTIVATION_CODES;

export function isFusedActivation(name: string): name is FusedActivation {
  return Object.prototype.hasOwnProperty.call(ACTIVATION_CODES, name);
}
