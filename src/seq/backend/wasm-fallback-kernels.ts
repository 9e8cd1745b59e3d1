import * as tf from '@tensorflow/tfjs';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

/** Kernels tfjs's wasm backend lacks that wordloom's models need for training. */
const WASM_FALLBACK_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSumWasmConfig];

/**
 * Registers the fallback kernels for the wasm backend, skipping any already registered (by a
 * newer tfjs-backend-wasm, or an earlier call: tfjs warns on double registration). It does not
 * load the wasm backend; the registry is global and read on every kernel call.
 */
export function registerWasmFallbackKernels(): void {
  for (const config of WASM_FALLBACK_KERNELS) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
}
