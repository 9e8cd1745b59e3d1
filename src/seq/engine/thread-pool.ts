/**
 * The kernel threads: the main thread plus worker threads, all running the sequence kernels over
 * one shared WebAssembly memory. A task is dispatched synchronously (tfjs kernels are synchronous):
 * the main thread posts it in the control block, takes work items until none is left, then waits
 * for the workers that joined the task meanwhile, never for one that had not woken up yet (its
 * core busy with another process). Workers start in the background; until all of them are up, tasks run on the main
 * thread alone, with the same results (every task's split is independent of the thread count).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../embeddings/shared/package-root.js';
import { Arena } from './arena.js';
import { CONTROL, CONTROL_WORDS, JOIN_CLOSED, type WorkerData } from './control.js';
import { instantiateSeqKernels, seqWasmModule, type KernelBuild, type SeqKernelExports } from './wasm-module.js';

const INITIAL_PAGES = 256; // 16 MiB; grows on demand
const MAX_PAGES = 65536; // 4 GiB, wasm32's limit
// Below: each thread's 128 KiB buffer for packed blocks from 64 KiB on (assembly/seq/gemm.ts), room for 32 threads.
const ARENA_BASE = 8 << 20;
const MAX_THREADS = 32;
/** About 20-50 us of spinning before the main thread sleeps on the done counter. */
const MAIN_SPINS = 20_000;

export class ThreadPool {
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  readonly kernels: SeqKernelExports;
  private readonly module: WebAssembly.Module;
  /** Which kernel build runs (see wasm-module.ts). */
  readonly build: KernelBuild;
  private readonly control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  private readonly ctrl = new Int32Array(this.control);
  private workers: Worker[] = [];
  private wanted: number;
  private starting: Promise<void> = Promise.resolve();

  constructor(threads: number) {
    const { module, build } = seqWasmModule();
    this.module = module;
    this.build = build;
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
    this.kernels = instantiateSeqKernels(this.module, this.memory, 0);
    this.arena = new Arena(this.memory, ARENA_BASE);
    this.wanted = 1;
    this.setThreads(threads);
  }

  get threads(): number {
    return this.wanted;
  }

  /** Threads that take part in a task now: all wanted ones once their workers are up, else 1. */
  get activeThreads(): number {
    return this.wanted > 1 && Atomics.load(this.ctrl, CONTROL.ready) >= this.wanted - 1 ? this.wanted : 1;
  }

  setThreads(threads: number): void {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new RangeError(`engine threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    }
    this.wanted = threads;
    const missing = threads - 1 - this.workers.length;
    if (missing <= 0) return;
    const started: Promise<void>[] = [];
    for (let i = 0; i < missing; i++) {
      const data: WorkerData = { module: this.module, memory: this.memory, control: this.control, index: this.workers.length + 1 };
      const worker = new Worker(workerScript('seq/engine/worker.js'), { workerData: data });
      this.workers.push(worker);
      started.push(
        new Promise<void>((resolve, reject) => {
          worker.once('online', () => resolve());
          worker.once('error', reject);
        }),
      );
    }
    // Referenced while starting (so an awaited engineReady() keeps the process alive), then
    // unreferenced: idle kernel threads never keep a process from exiting.
    this.starting = Promise.all([this.starting, ...started])
      .then(() => this.waitReady())
      .finally(() => {
        for (const w of this.workers) w.unref();
      });
  }

  /** Resolves when every wanted worker runs its loop. */
  ready(): Promise<void> {
    return this.starting;
  }

  private async waitReady(): Promise<void> {
    // 'online' fires before a worker has compiled its kernels and entered its loop; poll briefly.
    while (Atomics.load(this.ctrl, CONTROL.ready) < this.workers.length) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Runs `task` on up to `maxThreads` threads and returns when all shares are done. */
  run(task: number, params: number, maxThreads = Infinity): void {
    const threads = Math.max(1, Math.min(this.activeThreads, maxThreads));
    if (threads === 1) {
      this.kernels.runTask(task, params, 0, 1);
      return;
    }
    const ctrl = this.ctrl;
    Atomics.store(ctrl, CONTROL.task, task);
    Atomics.store(ctrl, CONTROL.params, params);
    Atomics.store(ctrl, CONTROL.threads, threads);
    Atomics.store(ctrl, CONTROL.done, 0);
    Atomics.store(ctrl, CONTROL.failed, 0);
    Atomics.store(ctrl, CONTROL.joined, 0);
    Atomics.add(ctrl, CONTROL.generation, 1);
    Atomics.notify(ctrl, CONTROL.generation);
    // Our own share: work items until none is left (every task hands its work out as items).
    this.kernels.runTask(task, params, 0, threads);
    // Wait only for the workers that joined while work was left; one that was slow to wake (its
    // core busy with another process) finds the task closed and its items taken.
    const joined = Atomics.exchange(ctrl, CONTROL.joined, JOIN_CLOSED);
    let spins = 0;
    for (let done = Atomics.load(ctrl, CONTROL.done); done < joined; done = Atomics.load(ctrl, CONTROL.done)) {
      if (++spins > MAIN_SPINS) Atomics.wait(ctrl, CONTROL.done, done, 1);
    }
    const failed = Atomics.load(ctrl, CONTROL.failed);
    if (failed !== 0) throw new Error(`wordloom sequence kernel failed on worker thread ${failed}`);
  }
}

let pool: ThreadPool | null = null;

export function threadPool(): ThreadPool {
  pool ??= new ThreadPool(availableParallelism());
  return pool;
}
