export { recurrentForward, recurrentBackward, type RecurrentConfig, type RecurrentForwardInput, type RecurrentForwardOutput, type RecurrentTape, type RecurrentBackwardInput, type RecurrentGradients } from './recurrent-kernel.js';
export { denseForward, denseBackward, type DenseGradients, type DenseShape, type DenseTape } from './dense-kernel.js';
export { denseSoftmaxCrossEntropy, denseSoftmaxBackward, denseRowBest, type DenseSoftmaxTape } from './dense-softmax-kernel.js';
export { rowLogSumExps, softmaxCrossEntropy, takeSoftmaxGradient, type SoftmaxGradientTape } from './softmax-kernel.js';
export { ACTIVATION_CODES, isFusedActivation, type FusedActivation, type CellKind } from './params.js';
import { threadPool } from './thread-pool.js';

/**
 * Threads the fused kernels use (the calling thread included); default: all cores. Results are
 * the same for any thread count: work is split by batch rows and by output columns, never by the
 * summation order.
 */
export function setEngineThreads(threads: number): void {
  threadPool().setThreads(threads);
}

export function engineThreads(): number {
  return threadPool().threads;
}

/** Resolves when the kernel threads have started (until then, kernels run on the calling thread). */
export function engineReady(): Promise<void> {
  return threadPool().ready();
}

/** 'relaxed-simd' (fused multiply-add) or 'simd': which build of the kernels this process runs. */
export function engineBuild(): 'relaxed-simd' | 'simd' {
  return threadPool().build;
}
export { ResidentAdam, type AdamStepSettings } from './adam-kernel.js';
export { batchMatMul, type BatchMatMulShape } from './batch-matmul-kernel.js';
