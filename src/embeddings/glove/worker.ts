/**
 * A GloVe worker thread: shuffles its range of the current block of records in place, then runs
 * AdaGrad on each record against the shared weights without locks (Hogwild), as the C tool's
 * glove_thread does: same cost, gradient clip, NaN skips and AdaGrad accumulators. Nothing is
 * allocated per record.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SeededRandom } from '../shared/rng.js';
import type { GloveTask, GloveWorkerData } from './worker-protocol.js';
import { STOP } from './worker-protocol.js';

const data = workerData as GloveWorkerData;
const port = parentPort!;
const W = new Float32Array(data.weights);
const G = new Float32Array(data.gradsq);
const word1 = new Int32Array(data.word1);
const word2 = new Int32Array(data.word2);
const values = new Float64Array(data.values);
const control = new Int32Array(data.control);
const { dim, words, xMax, alpha, eta, gradClip } = data;
const row = dim + 1;
const update1 = new Float32Array(dim);
const update2 = new Float32Array(dim);
const REPORT_EVERY = 1 << 16;

function shuffle(start: number, end: number, random: SeededRandom): void {
  for (let i = end - 1; i > start; i--) {
    const j = start + Math.floor(random.nextFloat() * (i - start + 1));
    const a = word1[i]!;
    word1[i] = word1[j]!;
    word1[j] = a;
    const b = word2[i]!;
    word2[i] = word2[j]!;
    word2[j] = b;
    const x = values[i]!;
    values[i] = values[j]!;
    values[j] = x;
  }
}

const clip = (g: number): number => (g > gradClip ? gradClip : g < -gradClip ? -gradClip : g);

function train(task: GloveTask): void {
  shuffle(task.start, task.end, new SeededRandom(task.seed));
  let cost = 0;
  let skipped = 0;
  let reported = task.start;
  let r = task.start;
  for (; r < task.end; r++) {
    if (r - reported >= REPORT_EVERY) {
      port.postMessage({ type: 'progress', done: r - reported, cost });
      cost = 0;
      reported = r;
      if (Atomics.load(control, STOP) !== 0) break;
    }
    const l1 = (word1[r]! - 1) * row;
    const l2 = (word2[r]! - 1 + words) * row;
    const x = values[r]!;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += W[l1 + k]! * W[l2 + k]!;
    const diff = dot + W[l1 + dim]! + W[l2 + dim]! - Math.log(x);
    const fdiff = x > xMax ? diff : Math.pow(x / xMax, alpha) * diff;
    if (!Number.isFinite(fdiff)) {
      skipped++;
      continue;
    }
    cost += 0.5 * fdiff * diff;
    let sum1 = 0;
    let sum2 = 0;
    for (let k = 0; k < dim; k++) {
      const t1 = clip(fdiff * W[l2 + k]!) * eta;
      const t2 = clip(fdiff * W[l1 + k]!) * eta;
      const u1 = t1 / Math.sqrt(G[l1 + k]!);
      const u2 = t2 / Math.sqrt(G[l2 + k]!);
      update1[k] = u1;
      update2[k] = u2;
      sum1 += u1;
      sum2 += u2;
      G[l1 + k]! += t1 * t1;
      G[l2 + k]! += t2 * t2;
    }
    if (Number.isFinite(sum1) && Number.isFinite(sum2)) {
      for (let k = 0; k < dim; k++) {
        W[l1 + k]! -= update1[k]!;
        W[l2 + k]! -= update2[k]!;
      }
    }
    const b1 = fdiff / Math.sqrt(G[l1 + dim]!);
    const b2 = fdiff / Math.sqrt(G[l2 + dim]!);
    if (Number.isFinite(b1)) W[l1 + dim]! -= b1;
    if (Number.isFinite(b2)) W[l2 + dim]! -= b2;
    const f2 = fdiff * fdiff;
    G[l1 + dim]! += f2;
    G[l2 + dim]! += f2;
  }
  port.postMessage({ type: 'done', done: r - reported, cost, skipped, finished: r >= task.end });
}

port.on('message', (task: GloveTask) => {
  try {
    train(task);
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message });
  }
});
port.postMessage({ type: 'ready' });
