/**
 * Per-thread word2vec training kernel: the WebAssembly SIMD kernel when the engine supports it
 * (and the .wasm was built), else the plain TypeScript kernel. Both run the same algorithm with
 * the same RNG sequences over the same shared model memory.
 *
 * Use: the main thread calls allocateModel(layout) once, fills syn0 / negTable / codes / points /
 * codeLengths, and posts `model.memory` (the WebAssembly.Memory itself) and `layout` to each
 * worker; a worker calls attachModel(memory, layout) and createThreadKernel(model, { threadIndex,
 * ... }) once, with a distinct threadIndex < layout.threads (each index owns a scratch region),
 * then trainSentence(...) per sentence. Each worker compiles dist/wasm/word2vec.wasm itself.
 */
import { WordloomError } from '../../../errors.js';
import { createJsKernel } from './js-kernel.js';
import type { KernelOptions, ThreadKernel } from './kernel-types.js';
import type { ModelMemory } from './model-memory.js';
import { createWasmKernel } from './wasm-kernel.js';

export type { KernelOptions, KernelRandomState, KernelStats, ThreadKernel } from './kernel-types.js';
export { randomStateLength } from './kernel-types.js';
export {
  allocateModel,
  attachModel,
  type ModelLayout,
  type ModelMemory,
  type ModelOffsets,
} from './model-memory.js';

/**
 * prefer 'js' always gives the JS kernel. Otherwise the wasm kernel, falling back to JS when wasm
 * cannot be loaded (missing build output, no SIMD or threads support); `kind` tells which one ran.
 */
export async function createThreadKernel(model: ModelMemory, opts: KernelOptions): Promise<ThreadKernel> {
  if (opts.prefer === 'js') return createJsKernel(model, opts);
  try {
    return await createWasmKernel(model, opts);
  } catch (err) {
    if (err instanceof WordloomError) throw err;
    return createJsKernel(model, opts);
  }
}
