import { readFileSync } from 'node:fs';

/** Same relative path from src/seq/engine (vitest) and dist/seq/engine. */
export const SEQ_WASM_URL = new URL('../../../dist/wasm/seq.wasm', import.meta.url);

export interface SeqKernelExports {
  runTask(task: number, params: number, thread: number, threads: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  packPanels(b: number, ldb: number, k: number, n: number, dst: number): void;
  setThread(index: number): void;
}

let compiled: WebAssembly.Module | null = null;

/**
 * Compiled synchronously, once per thread: a tfjs kernel runs synchronously, so the first fused
 * layer call cannot wait for a promise. The module is small (~14 KB).
 */
export function seqWasmModule(): WebAssembly.Module {
  if (compiled === null) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(SEQ_WASM_URL);
    } catch (err) {
      throw new Error(`wordloom's sequence kernels are not built (${SEQ_WASM_URL.pathname}): run \`npm run build\``, { cause: err });
    }
    compiled = new WebAssembly.Module(bytes);
  }
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
