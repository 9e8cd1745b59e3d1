import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

/** Same relative paths from src/seq/engine (vitest) and dist/seq/engine. */
export const SEQ_WASM_URL = new URL('../../../dist/wasm/seq.wasm', import.meta.url);
export const SEQ_RELAXED_WASM_URL = new URL('../../../dist/wasm/seq-relaxed.wasm', import.meta.url);

export interface SeqKernelExports {
  runTask(task: number, params: number, thread: number, threads: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  packPanels(b: number, ldb: number, k: number, n: number, dst: number): void;
  setThread(index: number): void;
}

export type KernelBuild = 'relaxed-simd' | 'simd';

let compiled: { module: WebAssembly.Module; build: KernelBuild } | null = null;

function read(url: URL): Buffer {
  try {
    return readFileSync(url);
  } catch (err) {
    throw new Error(`wordloom's sequence kernels are not built (${url.pathname}): run \`npm run build\``, { cause: err });
  }
}

/**
 * The kernels' module, compiled synchronously once (a tfjs kernel runs synchronously, so the first
 * fused layer call cannot wait for a promise; the module is ~16 KB). The relaxed-SIMD build (fused
 * multiply-add in the products) is used when the engine compiles it: Node 20 needs V8's
 * --experimental-wasm-relaxed-simd, which is set here; WORDLOOM_RELAXED_SIMD=0 keeps the plain
 * SIMD build. Both builds give the same results whatever the thread count, not each other's bits.
 */
export function seqWasmModule(): { module: WebAssembly.Module; build: KernelBuild } {
  if (compiled !== null) return compiled;
  if (process.env['WORDLOOM_RELAXED_SIMD'] !== '0') {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      compiled = { module: new WebAssembly.Module(read(SEQ_RELAXED_WASM_URL)), build: 'relaxed-simd' };
      return compiled;
    } catch {
      // an engine without relaxed SIMD: the plain build below
    }
  }
  compiled = { module: new WebAssembly.Module(read(SEQ_WASM_URL)), build: 'simd' };
  return compiled;
}

/** `thread` picks the instance's own panel buffer in the shared memory (assembly/seq/gemm.ts). */
export function instantiateSeqKernels(module: WebAssembly.Module, memory: WebAssembly.Memory, thread: number): SeqKernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      // AssemblyScript's abort hook; the kernels are built with --noAssert, so it should never run.
      abort: () => {
        throw new Error('wordloom sequence kernel aborted');
      },
    },
  });
  const kernels = instance.exports as unknown as SeqKernelExports;
  kernels.setThread(thread);
  return kernels;
}
