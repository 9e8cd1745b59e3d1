/**
 * A GloVe worker thread: shuffles its range of the current block of records in place, then runs
 * AdaGrad on each record against the shared weights without locks (Hogwild), as the C tool's
 * glove_thread does: same cost, gradient clip, NaN skips and AdaGrad accumulators. The update
 * runs in the WebAssembly SIMD kernel (assembly/glove.ts) or, as a fallback, in the JS loop below;
 * neither allocates per record.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { SeededRandom } from '../shared/rng.js';
import { STATIC_DATA_BYTES, STOP, type GloveTask, type GloveWorkerData } from './worker-protocol.js';

/** Same relative path from src/embeddings/glove (vitest) and dist/embeddings/glove. */
const WASM_URL = new URL('../../../dist/wasm/glove.wasm', import.meta.url);

const data = workerData as GloveWorkerData;
const port = parentPort!;
const { layout, dim, words, xMax, alpha, eta, gradClip } = data;
const buffer = data.memory.buffer;
const W = new Float32Array(buffer, layout.weights, layout.size);
const G = new Float32Array(buffer, layout.gradsq, layout.size);
const word1 = new Int32Array(buffer, layout.word1, layout.blockCapacity);
const word2 = new Int32Array(buffer, layout.word2, layout.blockCapacity);
const values = new Float64Array(buffer, layout.values, layout.blockCapacity);
const control = new Int32Array(buffer, layout.control, 4);
const scratch = layout.scratch + data.threadIndex * 2 * dim * 4;
const update1 = new Float32Array(buffer, scratch, dim);
const update2 = new Float32Array(buffer, scratch + dim * 4, dim);
const row = dim + 1;
const REPORT_EVERY = 1 << 16;

interface WasmKernel {
  train(weights: number, gradsq: number, word1: number, word2: number, values: number, start: number, end: number, dim: number, words: number, xMax: number, alpha: number, eta: number, gradClip: number, update: number): void;
  cost(): number;
  skipped(): number;
  heapBase(): number;
}

async function loadWasm(): Promise<WasmKernel | null> {
  if (data.kernel === 'js') return null;
  try {
    const module = await WebAssembly.compile(await readFile(WASM_URL));
    const instance = await WebAssembly.instantiate(module, { env: { memory: data.memory, abort: () => { throw new Error('glove wasm kernel aborted'); } } });
    const kernel = instance.exports as unknown as WasmKernel;
    if (kernel.heapBase() > STATIC_DATA_BYTES) throw new Error(`glove.wasm has ${kernel.heapBase()} bytes of static data, more than the ${STATIC_DATA_BYTES} the layout leaves it`);
    return kernel;
  } catch (err) {
    if (data.kernel === 'wasm') throw err;
    return null;
  }
}

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

/** The JS update of records [start, end): the cost added and the records skipped. */
function trainJs(start: number, end: number, out: { cost: number; skipped: number }): void {
  let cost = 0;
  let skipped = 0;
  for (let r = start; r < end; r++) {
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
  out.cost = cost;
  out.skipped = skipped;
}

async function start(): Promise<void> {
  const wasm = await loadWasm();
  const piece = { cost: 0, skipped: 0 };
  const runPiece = (from: number, to: number): void => {
    if (wasm) {
      wasm.train(layout.weights, layout.gradsq, layout.word1, layout.word2, layout.values, from, to, dim, words, xMax, alpha, Math.fround(eta), Math.fround(gradClip), scratch);
      piece.cost = wasm.cost();
      piece.skipped = wasm.skipped();
    } else trainJs(from, to, piece);
  };
  port.on('message', (task: GloveTask) => {
    try {
      shuffle(task.start, task.end, new SeededRandom(task.seed));
      let skipped = 0;
      let r = task.start;
      let stopped = false;
      while (r < task.end) {
        const to = Math.min(task.end, r + REPORT_EVERY);
        runPiece(r, to);
        skipped += piece.skipped;
        port.postMessage({ type: 'progress', done: to - r, cost: piece.cost });
        r = to;
        if (r < task.end && Atomics.load(control, STOP) !== 0) {
          stopped = true;
          break;
        }
      }
      port.postMessage({ type: 'done', done: 0, cost: 0, skipped, finished: !stopped });
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message });
    }
  });
  port.postMessage({ type: 'ready', kernel: wasm ? 'wasm' : 'js' });
}

start().catch((err: Error) => port.postMessage({ type: 'error', message: err.message }));
