/**
 * Co-occurrence counting over a corpus in bounded memory: each in-vocabulary word pairs with the
 * `window` in-vocabulary words before it on its line (and, symmetric, is paired back), each pair
 * weighted 1/distance, exactly as the C tool's `cooccur` (words outside the vocabulary are
 * skipped before distances are taken, and a window never crosses a line end).
 *
 * This thread tokenizes the corpus into a shared ring of id chunks; counting workers
 * (count-worker.ts) each read every chunk and count the pairs of their word1 partitions
 * (count-plan.ts) in the WebAssembly kernel, spill full hash tables as sorted shards into a
 * private temporary folder and merge their partitions; the partitions' records, concatenated in
 * order, are the sorted file of C-tool records. The folder is always removed, and the workers'
 * memory goes with them before this returns.
 */
import { closeSync, mkdtempSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WordloomError } from '../../errors.js';
import { encodeCorpus, type CorpusOptions } from '../../text/corpus.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { throwIfAborted } from '../shared/interrupt.js';
import { workerScript } from '../shared/package-root.js';
import { planCounting, threadTableBytes } from './count-plan.js';
import { CONSUMED, DONE, PRODUCED, RING_SLOTS, SHARDS, SLOT_TOKENS, STOP, allocateRing, ringViews, type CountWorkerData } from './count-protocol.js';
import type { GloveCountProgress } from './progress.js';

export interface CountOptions extends CorpusOptions {
  window: number;
  symmetric: boolean;
  /** Budget of the tables in MB. */
  memory: number;
  /** Counting threads (at most COUNT_PARTITIONS count); the records do not depend on it. Default: all cores. */
  threads?: number | undefined;
  tmpDir?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: GloveCountProgress) => void) | undefined;
  onLog?: ((message: string) => void) | undefined;
}

export interface CountResult {
  /** The merged file. */
  path: string;
  records: number;
  /** In-vocabulary tokens read. */
  tokens: number;
  /** Sparse shards spilled. */
  shards: number;
  seconds: number;
  /** Bytes of the counting tables (all threads). */
  tableBytes: number;
  /** Threads that counted. */
  threads: number;
}

const PROGRESS_EVERY_MS = 500;

interface WorkerResult {
  records: number;
  shards: number;
  bytes: number;
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Counts `corpus` with the vocabulary's words (GloVe id = vocabulary id - 3) into `output`. */
export async function countCooccurrences(corpus: string, vocabulary: Vocabulary, output: string, options: CountOptions): Promise<CountResult> {
  const started = performance.now();
  const words = vocabulary.size - Vocabulary.FIRST_WORD;
  const counts = new Float64Array(words + 1);
  for (let a = 1; a <= words; a++) counts[a] = vocabulary.count(a + 2);
  const plan = planCounting(counts, options.window, options.symmetric, options.memory * 1024 * 1024, options.threads ?? availableParallelism());
  const log = options.onLog ?? (() => undefined);
  let tableBytes = 0;
  for (let t = 0; t < plan.threads; t++) tableBytes += threadTableBytes(plan, t);
  log(
    `counting: ${words} words, window ${plan.window} ${plan.symmetric ? 'symmetric' : 'left only'}, ${plan.threads} thread${plan.threads === 1 ? '' : 's'}; ` +
      `dense table for rank products below ${plan.maxProduct} (${mb(plan.denseEntries * 8)}), hash tables ${mb(tableBytes - plan.denseEntries * 8)}`,
  );
  await mkdir(dirname(output), { recursive: true });
  const temporaryOutput = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  const shardDir = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'wordloom-glove-'));
  const ring = allocateRing();
  const { control, lengths, ids: slots } = ringViews(ring);
  const workers: Worker[] = [];
  const results: Promise<WorkerResult>[] = [];
  let failure: Error | null = null;
  const script = workerScript('embeddings/glove/count-worker.js');
  for (let t = 0; t < plan.threads; t++) {
    const workerData: CountWorkerData = { plan, threadIndex: t, ring, shardDir, partPath: t === 0 ? temporaryOutput : join(shardDir, `part-${t}.bin`) };
    const worker = new Worker(script, { workerData });
    workers.push(worker);
    results.push(
      new Promise<WorkerResult>((resolve, reject) => {
        let result: WorkerResult | null = null;
        worker.on('message', (m: { type: string; message?: string } & WorkerResult) => {
          if (m.type === 'done') result = m;
          else failure ??= new Error(`counting thread ${t}: ${m.message}`);
        });
        worker.on('error', (err) => void (failure ??= err));
        worker.on('exit', (code) => {
          if (result && code === 0) resolve(result);
          else reject((failure ??= new Error(`counting thread ${t} exited with code ${code}`)));
        });
      }),
    );
  }
  // a failed worker is reported by the awaits below; keep Node from calling it unhandled meanwhile
  for (const r of results) r.catch(() => undefined);

  let tokens = 0;
  let bytesRead = 0;
  let totalBytes = 0;
  let lastReport = performance.now();
  const report = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    options.onProgress?.({ tokens, bytesRead, totalBytes, tokensPerSecond: elapsed > 0 ? tokens / elapsed : 0, shards: Atomics.load(control, SHARDS), elapsedSeconds: elapsed });
  };
  const stop = (): void => {
    Atomics.store(control, STOP, 1);
    Atomics.notify(control, PRODUCED);
  };
  try {
    let produced = 0;
    for await (const ids of encodeCorpus(corpus, vocabulary, {
      ...options,
      chunkTokens: SLOT_TOKENS,
      unknown: 'skip',
      eos: true,
      onProgress: (p) => {
        bytesRead = p.bytesRead;
        totalBytes = p.totalBytes;
      },
    })) {
      throwIfAborted(options.signal, { started: false });
      // wait until every worker has taken the chunk that last used this slot
      for (let t = 0; t < plan.threads; t++) {
        for (;;) {
          if (failure) throw failure;
          const consumed = Atomics.load(control, CONSUMED + t);
          if (consumed > produced - RING_SLOTS) break;
          const wait = waitAsync(control, CONSUMED + t, consumed, 200);
          if (wait.async) await wait.value;
        }
      }
      const slot = produced % RING_SLOTS;
      slots.set(ids, slot * SLOT_TOKENS);
      lengths[slot] = ids.length;
      Atomics.store(control, PRODUCED, ++produced);
      Atomics.notify(control, PRODUCED);
      tokens += countWords(ids);
      const now = performance.now();
      if (now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now;
        report();
      }
    }
    report();
    Atomics.store(control, DONE, 1);
    Atomics.notify(control, PRODUCED);
    const abort = new Promise<never>((_, reject) => {
      if (!options.signal) return;
      options.signal.addEventListener('abort', () => reject(new WordloomError('EINTERRUPTED', 'interrupted')), { once: true });
    });
    abort.catch(() => undefined);
    const done = await Promise.race([Promise.all(results), abort]);
    let records = 0;
    let shards = 0;
    for (const r of done) {
      records += r.records;
      shards += r.shards;
    }
    log(`merged ${shards} shard${shards === 1 ? '' : 's'} and the dense table into ${records} records`);
    appendParts(temporaryOutput, workers.slice(1).map((_, i) => join(shardDir, `part-${i + 1}.bin`)));
    renameSync(temporaryOutput, output);
    return { path: output, records, tokens, shards, seconds: (performance.now() - started) / 1000, tableBytes, threads: plan.threads };
  } catch (err) {
    stop();
    await Promise.all(workers.map((w) => w.terminate()));
    rmSync(temporaryOutput, { force: true });
    if (err instanceof WordloomError && err.code === 'EINTERRUPTED') {
      throw new WordloomError('EINTERRUPTED', 'counting interrupted (temporary shards removed; nothing to resume)');
    }
    throw err;
  } finally {
    // the workers have exited (or were terminated): their tables are freed
    await Promise.allSettled(results);
    rmSync(shardDir, { recursive: true, force: true });
  }
}

/** Appends the files `parts` to `path`, in order. */
function appendParts(path: string, parts: string[]): void {
  if (parts.length === 0) return;
  const out = openSync(path, 'a');
  const block = Buffer.allocUnsafe(1 << 23);
  try {
    for (const part of parts) {
      const fd = openSync(part, 'r');
      try {
        for (;;) {
          const n = readSync(fd, block, 0, block.length, null);
          if (n === 0) break;
          let off = 0;
          while (off < n) off += writeSync(out, block, off, n - off);
        }
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    closeSync(out);
  }
}

function countWords(ids: Int32Array): number {
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== Vocabulary.EOS) n++;
  return n;
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
