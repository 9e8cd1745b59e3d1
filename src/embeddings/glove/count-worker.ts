/**
 * A counting worker: reads every chunk of ids from the shared ring and counts, in the
 * WebAssembly kernel (assembly/glove.ts, countChunk), the pairs whose word1 lies in its
 * partitions; spills a partition's hash table as a sorted shard when it fills; at the end merges
 * each partition's dense rows and shards into `partPath`. Its memory is its own and goes with the
 * thread, so the trainer allocates nothing on top of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { rowLength, threadRange } from './count-plan.js';
import { CONSUMED, DONE, PRODUCED, RING_SLOTS, SHARDS, SLOT_TOKENS, STOP, ringViews, type CountWorkerData } from './count-protocol.js';
import { mergePartition } from './merge.js';
import { RecordWriter } from './records.js';
import { STATIC_DATA_BYTES } from './worker-protocol.js';

/** Same relative path from src/embeddings/glove (vitest) and dist/embeddings/glove. */
const WASM_URL = new URL('../../../dist/wasm/glove.wasm', import.meta.url);

interface CountKernel {
  countSetup(window: number, symmetric: number, lo: number, hi: number, limit: number, rowStart: number, dense: number, part: number, tables: number, history: number, inverse: number): void;
  countChunk(ids: number, start: number, end: number): number;
  fullTables(): number;
  sortTable(t: number): number;
  clearTable(t: number): void;
  heapBase(): number;
}

const data = workerData as CountWorkerData;
const port = parentPort!;

function run(): { records: number; shards: number; bytes: number } {
  const { plan, threadIndex } = data;
  const { words, window } = plan;
  const { lo, hi, first, end } = threadRange(plan, threadIndex);
  const tables = end - first;

  // layout of this thread's memory (byte offsets, 16-aligned)
  let top = STATIC_DATA_BYTES;
  const take = (bytes: number): number => {
    const at = top;
    top = Math.ceil((top + bytes) / 16) * 16;
    return at;
  };
  const inverseAt = take((window + 1) * 8);
  const limitAt = take((words + 1) * 4);
  const rowStartAt = take((words + 2) * 4);
  const partAt = take((words + 1) * 4);
  const tablesAt = take(tables * 16);
  const historyAt = take(window * 4);
  const idsAt = take(SLOT_TOKENS * 4);
  let denseEntries = 0;
  for (let a = lo; a < hi; a++) denseEntries += rowLength(plan.maxProduct, words, a);
  const denseAt = take(denseEntries * 8);
  const tableBytes = plan.tableSlots * 16;
  const tableAt = Array.from({ length: tables }, () => take(tableBytes));
  const pages = Math.ceil(top / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer;
  const module = new WebAssembly.Module(readFileSync(WASM_URL));
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('glove wasm kernel aborted'); } } });
  const kernel = instance.exports as unknown as CountKernel;
  if (kernel.heapBase() > STATIC_DATA_BYTES) throw new Error(`glove.wasm has ${kernel.heapBase()} bytes of static data, more than the ${STATIC_DATA_BYTES} the layout leaves it`);

  const inverse = new Float64Array(buffer, inverseAt, window + 1);
  for (let d = 1; d <= window; d++) inverse[d] = 1 / d;
  new Int32Array(buffer, limitAt, words + 1).set(plan.limit);
  const rowStart = new Uint32Array(buffer, rowStartAt, words + 2);
  for (let a = 1; a <= words; a++) rowStart[a + 1] = rowStart[a]! + (a >= lo && a < hi ? rowLength(plan.maxProduct, words, a) : 0);
  const part = new Int32Array(buffer, partAt, words + 1);
  part.fill(-1);
  for (let t = 0; t < tables; t++) for (let a = plan.bounds[first + t]!; a < plan.bounds[first + t + 1]!; a++) part[a] = t;
  const descriptors = new Uint32Array(buffer, tablesAt, tables * 4);
  for (let t = 0; t < tables; t++) {
    descriptors[4 * t] = tableAt[t]!;
    descriptors[4 * t + 1] = plan.tableSlots - 1;
    descriptors[4 * t + 3] = plan.tableCapacity;
  }
  // rowStart indexes from this thread's first row; the kernel adds b - 1 to rowStart[a]
  kernel.countSetup(window, plan.symmetric ? 1 : 0, lo, hi, limitAt, rowStartAt, denseAt, partAt, tablesAt, historyAt, inverseAt);

  const shards: string[][] = Array.from({ length: tables }, () => []);
  const spill = (t: number): void => {
    const n = kernel.sortTable(t);
    const path = join(data.shardDir, `p${first + t}-${String(shards[t]!.length).padStart(4, '0')}.bin`);
    const w = new RecordWriter(path);
    w.writeBytes(new Uint8Array(buffer, tableAt[t]!, n * 16));
    w.close();
    shards[t]!.push(path);
    kernel.clearTable(t);
    Atomics.add(control, SHARDS, 1);
  };

  const { control, lengths, ids } = ringViews(data.ring);
  const chunk = new Int32Array(buffer, idsAt, SLOT_TOKENS);
  let consumed = 0;
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return { records: 0, shards: 0, bytes: top };
    const produced = Atomics.load(control, PRODUCED);
    if (consumed === produced) {
      if (Atomics.load(control, DONE) !== 0 && Atomics.load(control, PRODUCED) === consumed) break;
      Atomics.wait(control, PRODUCED, produced, 100);
      continue;
    }
    const slot = consumed % RING_SLOTS;
    const n = lengths[slot]!;
    chunk.set(ids.subarray(slot * SLOT_TOKENS, slot * SLOT_TOKENS + n));
    Atomics.store(control, CONSUMED + threadIndex, ++consumed);
    Atomics.notify(control, CONSUMED + threadIndex);
    let i = 0;
    while (i < n) {
      i = kernel.countChunk(idsAt, i, n);
      const full = kernel.fullTables();
      for (let t = 0; t < tables; t++) if ((full & (1 << t)) !== 0) spill(t);
    }
  }
  for (let t = 0; t < tables; t++) if (descriptors[4 * t + 2]! > 0) spill(t);

  const out = new RecordWriter(data.partPath);
  const dense = new Float64Array(buffer, denseAt, denseEntries);
  try {
    for (let t = 0; t < tables; t++) {
      mergePartition({ lo: plan.bounds[first + t]!, hi: plan.bounds[first + t + 1]!, rowStart: rowStart.subarray(0), values: dense }, shards[t]!, out);
    }
  } finally {
    out.close();
  }
  let spilled = 0;
  for (const s of shards) spilled += s.length;
  return { records: out.count, shards: spilled, bytes: top };
}

try {
  port.postMessage({ type: 'done', ...run() });
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message });
}
