/**
 * Loads the WebAssembly SIMD word2vec kernel (compiled from assembly/word2vec.ts by
 * `npm run build:wasm` into dist/wasm/word2vec.wasm) and instantiates it over the model's shared
 * memory. Each thread instantiates its own module instance with the SAME imported Memory, so all
 * threads update the same weights (Hogwild). The whole sentence loop runs inside wasm: one
 * JS -> wasm call per sentence.
 */
import { readFile } from 'node:fs/promises';
import { CTX, type ModelMemory } from './model-memory.js';
import { RANDOM_STATE_RING, checkRandomState, type KernelOptions, type KernelRandomState, type KernelStats, type ThreadKernel } from './kernel-types.js';
import { checkSentence, prepareThread } from './thread-context.js';

/** Same relative path from src/embeddings/word2vec/kernel (vitest) and dist/embeddings/word2vec/kernel. */
export const WASM_URL = new URL('../../../../dist/wasm/word2vec.wasm', import.meta.url);

interface KernelExports {
  trainSentence(ctx: number, length: number, alpha: number): void;
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** Compiles once per thread; rejects when the file is missing or the engine lacks SIMD/threads. */
export function loadWasmModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(WASM_URL).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

export async function createWasmKernel(model: ModelMemory, opts: KernelOptions): Promise<ThreadKernel> {
  const module = await loadWasmModule();
  const env: Record<string, unknown> = {
    memory: model.memory,
    // AssemblyScript's abort hook; the kernel is built with --noAssert so it should never run.
    abort: () => {
      throw new Error('word2vec wasm kernel aborted');
    },
  };
  const instance = await WebAssembly.instantiate(module, { env });
  const exports = instance.exports as unknown as KernelExports;
  const scratch = prepareThread(model, opts);
  const stats = new Float64Array(model.memory.buffer, scratch.ctx + CTX.loss, 3);
  const sentence = scratch.sentence;
  const ctx = scratch.ctx;
  const vocabSize = model.layout.vocabSize;
  // The wasm kernel keeps its RNG streams, ring cursor and ring in the context block between calls.
  const words = scratch.words;
  const ringSize = model.offsets.ringSize;
  const ring = new Uint32Array(model.memory.buffer, ctx + model.offsets.ring, ringSize);

  return {
    kind: 'wasm',
    trainSentence(ids: Int32Array, length: number, alpha: number): void {
      // The wasm side reads the sentence from this thread's buffer in the shared memory.
      checkSentence(ids, length, sentence.length, vocabSize);
      for (let i = 0; i < length; i++) sentence[i] = ids[i]!;
      exports.trainSentence(ctx, length, alpha);
    },
    takeStats(): KernelStats {
      const result = { loss: stats[0]!, examples: stats[1]!, pairs: stats[2]! };
      stats[0] = 0;
      stats[1] = 0;
      stats[2] = 0;
      return result;
    },
    getRandomState(): KernelRandomState {
      const streams = Array.from(words.subarray(CTX.rngWindow / 4, CTX.rngWindow / 4 + 8));
      return [...streams, words[CTX.ringHead / 4]!, words[CTX.ringCount / 4]!, ...Array.from(ring)];
    },
    setRandomState(state: KernelRandomState): void {
      checkRandomState(state, ringSize);
      for (let i = 0; i < 8; i++) words[CTX.rngWindow / 4 + i] = state[i]!;
      words[CTX.ringHead / 4] = state[8]!;
      words[CTX.ringCount / 4] = state[9]!;
      for (let i = 0; i < ringSize; i++) ring[i] = state[RANDOM_STATE_RING + i]!;
    },
  };
}
