/** Fields of the control block (an Int32Array over its own SharedArrayBuffer) shared with the workers. */
export const CONTROL = {
  /** Incremented by the main thread for every task; workers watch it. */
  generation: 0,
  task: 1,
  params: 2,
  /** Threads taking part in this task, the main thread included (workers with a higher index skip it). */
  threads: 3,
  /** Workers that finished this task. */
  done: 4,
  /** Workers that have started. */
  ready: 5,
  stop: 6,
  /** Set by a worker whose task threw; the main thread reports it. */
  failed: 7,
  /**
   * Workers that joined this task (Atomics.add returns the count before). The main thread sets it
   * to JOIN_CLOSED once it has done its own share: a worker arriving later (its core was busy
   * with another process) sees a negative count and skips the task, whose work items are taken.
   */
  joined: 8,
} as const;
export const CONTROL_WORDS = 9;

/** `joined` of a task that no worker may join any more (far below any count of joins). */
export const JOIN_CLOSED = -(1 << 30);

/**
 * How long a worker keeps spinning for the next task before it sleeps in Atomics.wait. A wake-up
 * costs ~50-60 us and a training step dispatches a handful of tasks a few ms apart, so a short
 * spin covers the gaps inside a step while an idle pool costs no CPU.
 */
export const SPIN_MS = 2;

export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
}
