import * as tf from '@tensorflow/tfjs';
import { reverseWasmConfig } from './reverse.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

/** Kernels tfjs's wasm backend lacks that wordloom's models need for training. */
const WASM_FALLBACK_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSumWasmConfig];

/** Kernels that replace tfjs's own wasm kernels, which are much slower on the shapes the recurrent models use. */
const WASM_REPLACEMENT_KERNELS: readonly tf.KernelConfig[] = [reverseWasmConfig];

/**
 * Registers the fallback kernels for the wasm backend, skipping any already registered (by a
 * newer tfjs-backend-wasm, or an earlier call: tfjs warns on double registration), and the
 * replacement kernels in place of tfjs's. It does not load the wasm backend; the registry is global
 * and read on every kernel call.
 */
export function registerWasmFallbackKernels(): void {
  for (const config of WASM_FALLBACK_KERNELS) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  for (const config of WASM_REPLACEMENT_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc) continue;
    if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
