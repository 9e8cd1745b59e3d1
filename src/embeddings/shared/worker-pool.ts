import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';

/**
 * A fixed set of worker threads running one script. A worker posts `{ type: 'ready' }` once set
 * up, then answers each task with one `{ type: 'done', ... }`; anything else it posts in between
 * (progress, stats) goes to `onEvent`. `{ type: 'error', message }`, an exception or an early
 * exit fails the whole round.
 */
export interface WorkerMessage {
  type: string;
  [key: string]: unknown;
}

export class WorkerPool {
  private constructor(private readonly workers: Worker[]) {}

  /** Starts `count` workers and waits until each has posted `{ type: 'ready' }`. */
  static async start(script: string, count: number, dataFor: (index: number) => unknown): Promise<WorkerPool> {
    if (!existsSync(script)) {
      throw new Error(`worker script ${script} is missing: build the package first (npm run build)`);
    }
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, { workerData: dataFor(i) });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: WorkerMessage) => {
            if (m.type === 'ready') {
              cleanup();
              resolve();
            } else if (m.type === 'error') {
              cleanup();
              reject(new Error(`worker ${i} failed to start: ${String(m.message)}`));
            }
          };
          const onError = (err: Error) => {
            cleanup();
            reject(err);
          };
          const onExit = (code: number) => {
            cleanup();
            reject(new Error(`worker ${i} exited with code ${code} before it was ready`));
          };
          const cleanup = () => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          };
          worker.on('message', onMessage);
          worker.on('error', onError);
          worker.on('exit', onExit);
        }),
      );
    }
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.terminate();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Sends `tasks[i]` to worker i and resolves with every worker's 'done' message. Events posted
   * meanwhile reach `onEvent(workerIndex, message)`.
   */
  run(tasks: unknown[], onEvent: (index: number, message: WorkerMessage) => void): Promise<WorkerMessage[]> {
    return new Promise((resolve, reject) => {
      const results: WorkerMessage[] = new Array(tasks.length);
      let pending = tasks.length;
      let failed = false;
      const cleanups: (() => void)[] = [];
      const finish = (err?: Error) => {
        for (const c of cleanups) c();
        if (err) reject(err);
        else resolve(results);
      };
      tasks.forEach((task, i) => {
        const worker = this.workers[i]!;
        const onMessage = (m: WorkerMessage) => {
          if (failed) return;
          if (m.type === 'done') {
            results[i] = m;
            if (--pending === 0) finish();
          } else if (m.type === 'error') {
            failed = true;
            finish(new Error(String(m.message)));
          } else {
            try {
              onEvent(i, m);
            } catch (err) {
              failed = true;
              finish(err as Error);
            }
          }
        };
        const onError = (err: Error) => {
          if (failed) return;
          failed = true;
          finish(err);
        };
        const onExit = (code: number) => {
          if (failed) return;
          failed = true;
          finish(new Error(`worker ${i} exited with code ${code} during a task`));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
        worker.postMessage(task);
      });
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
