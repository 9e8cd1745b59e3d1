/**
 * Co-occurrence counting over a corpus in bounded memory: each in-vocabulary word pairs with the
 * `window` in-vocabulary words before it on its line (and, symmetric, is paired back), each pair
 * weighted 1/distance, exactly as the C tool's `cooccur` (words outside the vocabulary are
 * skipped before distances are taken, and a window never crosses a line end). Counts gather in a
 * CooccurrenceTable; full hash tables spill sorted shards into a private temporary folder, and
 * the shards are merged into one sorted file of C-tool records. The folder is always removed.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { WordloomError } from '../../errors.js';
import { encodeCorpus, type CorpusOptions } from '../../text/corpus.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { throwIfAborted } from '../shared/interrupt.js';
import { CooccurrenceTable, MAX_WORDS } from './cooccur-table.js';
import { mergeShards } from './merge.js';
import type { GloveCountProgress } from './progress.js';
import { RecordWriter } from './records.js';

export interface CountOptions extends CorpusOptions {
  window: number;
  symmetric: boolean;
  /** Budget of the tables in MB. */
  memory: number;
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
  /** Shards written (the dense table's and every spill of the hash table). */
  shards: number;
  seconds: number;
  /** Bytes of the counting tables. */
  tableBytes: number;
}

const PROGRESS_EVERY_MS = 500;

/** Counts `corpus` with the vocabulary's words (GloVe id = vocabulary id - 3) into `output`. */
export async function countCooccurrences(corpus: string, vocabulary: Vocabulary, output: string, options: CountOptions): Promise<CountResult> {
  const words = vocabulary.size - Vocabulary.FIRST_WORD;
  if (words > MAX_WORDS) throw new WordloomError('EOPTION', `GloVe counts at most ${MAX_WORDS} words, the vocabulary has ${words}; raise --min-count or set --max-vocab`);
  const started = performance.now();
  const budget = options.memory * 1024 * 1024;
  const table = new CooccurrenceTable(words, budget * 0.5, budget * 0.4);
  const { window, symmetric } = options;
  const pairsPerToken = symmetric ? 2 * window : window;
  const shardDir = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'wordloom-glove-'));
  const shards: string[] = [];
  const newShard = (): RecordWriter => new RecordWriter(join(shardDir, `shard-${String(shards.push('')).padStart(4, '0')}.bin`));
  const spill = (): void => {
    const w = newShard();
    table.spillSparse(w);
    w.close();
    shards[shards.length - 1] = w.path;
  };
  const log = options.onLog ?? (() => undefined);
  log(`counting: ${words} words, window ${window} ${symmetric ? 'symmetric' : 'left only'}; dense table for rank products below ${table.maxProduct} (${mb(table.dense.byteLength)}), ${mb(table.bytes - table.dense.byteLength)} hash table`);

  const history = new Int32Array(window);
  let position = 0; // in-vocabulary words so far on this line
  let head = 0; // next slot of the ring to write
  const inverse = Float64Array.from({ length: window + 1 }, (_, d) => 1 / d);
  let tokens = 0;
  let bytesRead = 0;
  let totalBytes = 0;
  let lastReport = performance.now();
  const report = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    options.onProgress?.({ tokens, bytesRead, totalBytes, tokensPerSecond: elapsed > 0 ? tokens / elapsed : 0, shards: shards.length, elapsedSeconds: elapsed });
  };
  const temporaryOutput = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  try {
    for await (const ids of encodeCorpus(corpus, vocabulary, {
      ...options,
      unknown: 'skip',
      eos: true,
      onProgress: (p) => {
        bytesRead = p.bytesRead;
        totalBytes = p.totalBytes;
      },
    })) {
      throwIfAborted(options.signal, { started: false });
      const n = ids.length;
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        if (id === Vocabulary.EOS) {
          position = 0;
          head = 0;
          continue;
        }
        const w2 = id - 3; // 1-based GloVe id
        if (table.nearlyFull(pairsPerToken)) spill();
        // the ring holds the last `window` words; slot `head` is the oldest, the one before it the newest
        const reach = position < window ? position : window;
        let slot = head;
        for (let d = 1; d <= reach; d++) {
          slot = slot === 0 ? window - 1 : slot - 1;
          const w1 = history[slot]!;
          const weight = inverse[d]!;
          table.add(w1, w2, weight);
          if (symmetric) table.add(w2, w1, weight);
        }
        history[head] = w2;
        head = head === window - 1 ? 0 : head + 1;
        position++;
      }
      tokens += countWords(ids);
      const now = performance.now();
      if (now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now;
        report();
      }
    }
    report();
    if (table.used > 0) spill();
    const dense = new RecordWriter(join(shardDir, 'dense.bin'));
    table.writeDense(dense);
    dense.close();
    shards.unshift(dense.path);
    throwIfAborted(options.signal, { started: false });
    log(`merging ${shards.length} shard${shards.length === 1 ? '' : 's'}`);
    await mkdir(dirname(output), { recursive: true });
    const out = new RecordWriter(temporaryOutput);
    try {
      mergeShards(shards, out);
    } finally {
      out.close();
    }
    renameSync(temporaryOutput, output);
    return { path: output, records: out.count, tokens, shards: shards.length, seconds: (performance.now() - started) / 1000, tableBytes: table.bytes };
  } catch (err) {
    rmSync(temporaryOutput, { force: true });
    if (err instanceof WordloomError && err.code === 'EINTERRUPTED') {
      throw new WordloomError('EINTERRUPTED', 'counting interrupted (temporary shards removed; nothing to resume)');
    }
    throw err;
  } finally {
    rmSync(shardDir, { recursive: true, force: true });
  }
}

function countWords(ids: Int32Array): number {
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== Vocabulary.EOS) n++;
  return n;
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
