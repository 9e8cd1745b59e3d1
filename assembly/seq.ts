// AssemblyScript entry of the WebAssembly SIMD sequence kernels (built by `npm run build:wasm` into
// dist/wasm/seq.wasm; not part of the tsc build): fused SimpleRNN/GRU/LSTM forward and backward
// passes and dense-layer products over a shared, imported memory.
//
// Every task takes a parameter block (assembly/seq/params.ts) and this thread's index among
// `threads`; each thread computes a disjoint share and all threads run the same module over the
// same memory (src/seq/engine/thread-pool.ts). The module has no static data and no allocator.
import { KIND_GRU, KIND_LSTM, P_KIND, param } from './seq/params';
import { lstmForward, lstmBackward } from './seq/lstm';
import { gruForward, gruBackward } from './seq/gru';
import { rnnForward, rnnBackward } from './seq/simple-rnn';
import { weightGradients } from './seq/recurrent-common';
import { denseForward, denseBackward, packKernelTransposed } from './seq/dense';
import { softmaxCrossEntropy, rowBest } from './seq/softmax-xent';
import { adamStep, sumsOfSquares } from './seq/adam';
import { batchMatMul } from './seq/batch-matmul';
export { transpose, packPanels, setThread } from './seq/gemm';

// Task codes: TASK in src/seq/engine/params.ts.
const RECURRENT_FORWARD = 1;
const RECURRENT_BACKWARD = 2;
const RECURRENT_WEIGHT_GRADIENTS = 3;
const DENSE_FORWARD = 4;
const DENSE_BACKWARD = 5;
const SOFTMAX_CROSS_ENTROPY = 6;
const ADAM_STEP = 7;
const BATCH_MATMUL = 8;
const PACK_KERNEL_TRANSPOSED = 9;
const SUMS_OF_SQUARES = 10;
const ROW_BEST = 11;

function gates(kind: i32): i32 {
  return kind == KIND_LSTM ? 4 : kind == KIND_GRU ? 3 : 1;
}

export function runTask(task: i32, p: usize, thread: i32, threads: i32): void {
  if (task == RECURRENT_FORWARD) {
    const kind = param(p, P_KIND);
    if (kind == KIND_LSTM) lstmForward(p, thread);
    else if (kind == KIND_GRU) gruForward(p, thread);
    else rnnForward(p, thread);
  } else if (task == RECURRENT_BACKWARD) {
    const kind = param(p, P_KIND);
    if (kind == KIND_LSTM) lstmBackward(p, thread);
    else if (kind == KIND_GRU) gruBackward(p, thread);
    else rnnBackward(p, thread);
  } else if (task == RECURRENT_WEIGHT_GRADIENTS) {
    weightGradients(p, gates(param(p, P_KIND)), threads);
  } else if (task == DENSE_FORWARD) {
    denseForward(p, threads);
  } else if (task == DENSE_BACKWARD) {
    denseBackward(p, threads);
  } else if (task == SOFTMAX_CROSS_ENTROPY) {
    softmaxCrossEntropy(p, threads);
  } else if (task == ADAM_STEP) {
    adamStep(p, threads);
  } else if (task == BATCH_MATMUL) {
    batchMatMul(p, threads);
  } else if (task == PACK_KERNEL_TRANSPOSED) {
    packKernelTransposed(p, threads);
  } else if (task == SUMS_OF_SQUARES) {
    sumsOfSquares(p, threads);
  } else if (task == ROW_BEST) {
    rowBest(p, threads);
  }
}
