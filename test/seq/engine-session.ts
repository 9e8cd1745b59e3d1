/**
 * For test files that switch between the wasm and cpu backends and change the engine's thread
 * count: wasm's missing kernels registered and the engine's threads started before the tests; the
 * thread count and the cpu backend restored after them.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll } from 'vitest';
import { registerWasmFallbackKernels } from '../../src/seq/backend/index.js';
import { engineReady, engineThreads, setEngineThreads } from '../../src/seq/engine/index.js';

export function useEngineAcrossBackends(): { readonly originalThreads: number } {
  const state = { originalThreads: 1 };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    registerWasmFallbackKernels();
    await engineReady();
    state.originalThreads = engineThreads();
  });
  afterAll(async () => {
    setEngineThreads(state.originalThreads);
    await engineReady();
    await tf.setBackend('cpu');
  });
  return state;
}
