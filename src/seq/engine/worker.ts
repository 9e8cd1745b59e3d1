/**
 * A kernel thread: runs its share of every task the main thread posts through the control block,
 * on its own instance of the sequence kernels over the same shared memory.
 */
import { workerData } from 'node:worker_threads';
import { CONTROL, SPIN_MS, type WorkerData } from './control.js';
import { instantiateSeqKernels } from './wasm-module.js';

const { module, memory, control, index } = workerData as WorkerData;
const kernels = instantiateSeqKernels(module, memory, index);
const ctrl = new Int32Array(control);

let seen = Atomics.load(ctrl, CONTROL.generation);
Atomics.add(ctrl, CONTROL.ready, 1);
Atomics.notify(ctrl, CONTROL.ready);

for (;;) {
  let generation = Atomics.load(ctrl, CONTROL.generation);
  if (generation === seen) {
    const until = performance.now() + SPIN_MS;
    let spins = 0;
    while ((generation = Atomics.load(ctrl, CONTROL.generation)) === seen) {
      if ((++spins & 1023) === 0 && performance.now() > until) {
        Atomics.wait(ctrl, CONTROL.generation, seen);
        spins = 0;
      }
    }
  }
  seen = generation;
  if (Atomics.load(ctrl, CONTROL.stop) !== 0) break;
  if (index >= Atomics.load(ctrl, CONTROL.threads)) continue;
  // Join the open task, or skip a closed one: the main thread waits only for workers that joined.
  // A worker that was slow to wake may join a later task than the generation it saw; that task's
  // work items are what it then takes, so it does that task's work (and may join it again after
  // seeing its generation: taking no item twice, it does nothing twice).
  if (Atomics.add(ctrl, CONTROL.joined, 1) < 0) continue;
  try {
    kernels.runTask(Atomics.load(ctrl, CONTROL.task), Atomics.load(ctrl, CONTROL.params), index, Atomics.load(ctrl, CONTROL.threads));
  } catch {
    Atomics.store(ctrl, CONTROL.failed, index);
  }
  Atomics.add(ctrl, CONTROL.done, 1);
  Atomics.notify(ctrl, CONTROL.done);
}
