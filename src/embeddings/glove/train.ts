/**
 * GloVe training (Pennington et al. 2014) as the Stanford C tool does it: minimise
 * sum f(X_ij)(w_i . w~_j + b_i + b~_j - log X_ij)^2, f(x) = min(1, (x / xMax)^alpha), by AdaGrad
 * with the C tool's gradient clip, on worker threads sharing the weights without locks.
 *
 * The records (counted here from a corpus, or a C-tool co-occurrence file) are shuffled afresh
 * every iteration in bounded memory: when they fit in the budget they stay in shared memory and
 * each thread reshuffles its share; otherwise they are dealt once at random into block files
 * and every iteration visits the blocks in a new order, each reshuffled in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WordloomError } from '../../errors.js';
import { buildVocabulary } from '../../text/corpus.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { VectorSet } from '../../vectors/vector-set.js';
import { removeCheckpoint } from '../shared/checkpoint.js';
import { throwIfAborted } from '../shared/interrupt.js';
import { workerScript } from '../shared/package-root.js';
import { SeededRandom, mixSeed } from '../shared/rng.js';
import { WorkerPool, type WorkerMessage } from '../shared/worker-pool.js';
import { loadGloveCheckpoint, saveGloveCheckpoint, type GloveCheckpoint } from './checkpoint.js';
import { countCooccurrences, type CountResult } from './count.js';
import { GLOVE_RECORDED_OPTIONS, resolveGloveOptions, type GloveOptions } from './options.js';
import { RecordReader, RecordWriter } from './records.js';
import { STOP, allocateGloveMemory, type GloveTask, type GloveWorkerData } from './worker-protocol.js';

/** Where the records come from: a corpus to count, or counts already made (with their vocabulary). */
export type GloveSource = { corpus: string } | { cooccur: string; vocabulary: string | Vocabulary };

export interface GloveResult {
  /** W + W~ or W (options.vectors), most frequent word first. */
  vectors: VectorSet;
  vocabulary: Vocabulary;
  options: GloveOptions;
  /** The counting phase, when this run counted. */
  counting: CountResult | null;
  records: number;
  /** Cost of every iteration (of the whole run, resumed ones included). */
  costs: number[];
  /** Seconds of the training phase, and per iteration. */
  seconds: number;
  secondsPerIteration: number;
  /** Records skipped because their update was NaN or infinite (the C tool skips them too). */
  skipped: number;
}

export async function trainGlove(source: GloveSource, partial: Partial<GloveOptions> = {}): Promise<GloveResult> {
  let options = resolveGloveOptions(partial);
  const log = options.onLog ?? (() => undefined);
  throwIfAborted(options.signal, { started: false });
  let resumed: GloveCheckpoint | null = null;
  if (options.resume) {
    resumed = await loadGloveCheckpoint(options.checkpoint!);
    const ignored = GLOVE_RECORDED_OPTIONS.filter((k) => partial[k] !== undefined && partial[k] !== resumed!.options[k]);
    if (ignored.length > 0) log(`resume keeps the checkpoint's settings; ignoring ${ignored.map((k) => `${k}=${String(partial[k])}`).join(', ')}`);
    options = resolveGloveOptions({ ...partial, ...resumed.options });
    log(`resuming from ${options.checkpoint}: ${resumed.iterationsDone} of ${options.iter} iterations done`);
  }

  const workDir = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'wordloom-glove-train-'));
  try {
    let vocabulary: Vocabulary;
    let recordsPath: string;
    let counting: CountResult | null = null;
    if ('corpus' in source) {
      vocabulary =
        resumed?.vocabulary ??
        (await buildVocabulary(source.corpus, {
          minCount: options.minCount,
          ...(options.maxVocab > 0 ? { maxSize: options.maxVocab } : {}),
          lowercase: options.lowercase,
          tokenizer: options.tokenizer,
        }));
      checkWords(vocabulary, `${source.corpus}: only ${vocabulary.size - Vocabulary.FIRST_WORD} word(s) occur at least ${options.minCount} times (option --min-count); nothing to train`);
      log(`vocabulary: ${vocabulary.size - Vocabulary.FIRST_WORD} words`);
      counting = await countCooccurrences(source.corpus, vocabulary, join(workDir, 'cooccur.bin'), {
        window: options.window,
        symmetric: options.symmetric,
        memory: options.memory,
        threads: options.threads,
        tmpDir: workDir,
        lowercase: options.lowercase,
        tokenizer: options.tokenizer,
        signal: options.signal,
        onProgress: options.onCountProgress,
        onLog: log,
      });
      recordsPath = counting.path;
      log(`counted ${counting.records} co-occurring pairs in ${counting.tokens} tokens (${counting.seconds.toFixed(1)} s, ${counting.shards} shards)`);
    } else {
      vocabulary = resumed?.vocabulary ?? (typeof source.vocabulary === 'string' ? await Vocabulary.load(source.vocabulary) : source.vocabulary);
      checkWords(vocabulary, `${typeof source.vocabulary === 'string' ? source.vocabulary : 'vocabulary'}: fewer than 2 words; nothing to train`);
      recordsPath = source.cooccur;
    }
    return await trainOnRecords(recordsPath, vocabulary, options, resumed, counting, workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function checkWords(vocabulary: Vocabulary, message: string): void {
  if (vocabulary.size - Vocabulary.FIRST_WORD < 2) throw new WordloomError('EEMPTY', message);
}

async function trainOnRecords(
  recordsPath: string,
  vocabulary: Vocabulary,
  options: GloveOptions,
  resumed: GloveCheckpoint | null,
  counting: CountResult | null,
  workDir: string,
): Promise<GloveResult> {
  const log = options.onLog ?? (() => undefined);
  const words = vocabulary.size - Vocabulary.FIRST_WORD;
  const { dim, iter: iterations, threads } = options;
  const blocks = new RecordBlocks(recordsPath, words, options.memory, workDir, options.seed);
  const records = blocks.records;
  if (records === 0) throw new WordloomError('EEMPTY', `${recordsPath}: no co-occurrence records; nothing to train`);
  if (resumed && resumed.records !== records) {
    throw new WordloomError('EFORMAT', `${options.checkpoint}: the checkpoint was made on ${resumed.records} records, these are ${records}; the corpus or counts changed since (delete the checkpoint to start over)`);
  }
  log(`${records} records${blocks.count > 1 ? `, shuffled through ${blocks.count} blocks on disk` : ' held in memory'}`);

  const { memory, layout } = allocateGloveMemory(words, dim, blocks.blockSize, threads);
  const weights = new Float32Array(memory.buffer, layout.weights, layout.size);
  const gradsq = new Float32Array(memory.buffer, layout.gradsq, layout.size);
  const size = layout.size;
  blocks.attach(
    new Int32Array(memory.buffer, layout.word1, layout.blockCapacity),
    new Int32Array(memory.buffer, layout.word2, layout.blockCapacity),
    new Float64Array(memory.buffer, layout.values, layout.blockCapacity),
  );
  if (resumed) {
    weights.set(resumed.weights);
    gradsq.set(resumed.gradsq);
  } else {
    const random = new SeededRandom(mixSeed(options.seed, 1));
    for (let i = 0; i < size; i++) weights[i] = (random.nextFloat() - 0.5) / dim;
    gradsq.fill(1);
  }
  const control = new Int32Array(memory.buffer, layout.control, 4);
  const costs = resumed ? [...resumed.costs] : [];
  const firstIteration = resumed ? resumed.iterationsDone : 0;
  const onAbort = (): void => void Atomics.store(control, STOP, 1);
  options.signal?.addEventListener('abort', onAbort);

  const data = (threadIndex: number): GloveWorkerData => ({
    memory,
    layout,
    dim,
    words,
    xMax: options.xMax,
    alpha: options.alpha,
    eta: options.eta,
    gradClip: options.gradClip,
    kernel: options.kernel,
    threadIndex,
  });
  const pool = await WorkerPool.start(workerScript('embeddings/glove/worker.js'), threads, data);
  const started = performance.now();
  let skipped = 0;
  const save = async (iterationsDone: number): Promise<void> => {
    if (!options.checkpoint) return;
    await saveGloveCheckpoint(options.checkpoint, { options, vocabulary, records, iterationsDone, costs, weights, gradsq });
  };
  try {
    for (let iteration = firstIteration; iteration < iterations; iteration++) {
      const iterationStart = performance.now();
      let done = 0;
      let cost = 0;
      let finished = true;
      const skippedBefore = skipped;
      const order = blocks.order(iteration);
      for (let b = 0; b < order.length; b++) {
        const length = blocks.load(order[b]!);
        const tasks: GloveTask[] = [];
        for (let t = 0; t < threads; t++) {
          tasks.push({
            start: Math.floor((length * t) / threads),
            end: Math.floor((length * (t + 1)) / threads),
            seed: mixSeed(options.seed, ((iteration * 65536 + b) * 1024 + t) * 2 + 1),
          });
        }
        const results = await pool.run(tasks, (_, m: WorkerMessage) => {
          if (m.type !== 'progress') return;
          done += m.done as number;
          cost += m.cost as number;
          const elapsed = (performance.now() - iterationStart) / 1000;
          const rate = elapsed > 0 ? done / elapsed : 0;
          const left = (iterations - iteration) * records - done;
          options.onProgress?.({
            iteration: iteration + 1,
            iterations,
            done,
            records,
            fraction: (iteration * records + done) / (iterations * records),
            cost: done > 0 ? cost / done : Number.NaN,
            recordsPerSecond: rate,
            etaSeconds: rate > 0 ? left / rate : Number.POSITIVE_INFINITY,
          });
        });
        for (const m of results) {
          done += m.done as number;
          cost += m.cost as number;
          skipped += m.skipped as number;
          finished &&= m.finished as boolean;
        }
        if (!finished) break;
      }
      if (!finished || options.signal?.aborted) {
        await save(iteration);
        throwIfAborted(options.signal, { started: true, checkpoint: options.checkpoint });
      }
      const average = cost / records;
      checkFinite(average, weights, options.eta, skipped - skippedBefore, records);
      costs.push(average);
      const seconds = (performance.now() - iterationStart) / 1000;
      options.onIteration?.({ iteration: iteration + 1, iterations, cost: average, seconds, recordsPerSecond: seconds > 0 ? records / seconds : 0 });
      await save(iteration + 1);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.terminate();
    blocks.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (skipped > 0) log(`${skipped} updates were NaN or infinite and skipped (as the C tool does); consider a lower --eta`);
  const vectors = outputVectors(vocabulary, weights, dim, options.vectors === 'sum');
  if (options.checkpoint && !options.keepCheckpoint) await removeCheckpoint(options.checkpoint);
  const ran = iterations - firstIteration;
  return { vectors, vocabulary, options, counting, records, costs, seconds, secondsPerIteration: ran > 0 ? seconds / ran : 0, skipped };
}

/**
 * NaN guard: a non-finite cost or weight, or more than 1% of an iteration's updates skipped for
 * being NaN or infinite (the kernel skips them, as the C tool does, which keeps the weights finite
 * while the run goes nowhere), stops the run naming the option to lower.
 */
function checkFinite(cost: number, weights: Float32Array, eta: number, skipped: number, records: number): void {
  if (skipped > records / 100) {
    throw new WordloomError('EDIVERGED', `training diverged: ${skipped} of ${records} updates in an iteration were NaN or infinite; lower --eta (currently ${eta})`);
  }
  let bad = !Number.isFinite(cost);
  const step = Math.max(1, Math.floor(weights.length / 4096));
  for (let i = 0; i < weights.length && !bad; i += step) bad = !Number.isFinite(weights[i]!);
  if (bad) throw new WordloomError('EDIVERGED', `training diverged: the cost or the weights became NaN or infinite; lower --eta (currently ${eta})`);
}

/** W + W~ (sum) or W for each word, without the biases (the C tool's -model 2 or 1). */
function outputVectors(vocabulary: Vocabulary, weights: Float32Array, dim: number, sum: boolean): VectorSet {
  const words = vocabulary.size - Vocabulary.FIRST_WORD;
  const out = new Float32Array(words * dim);
  const row = dim + 1;
  for (let i = 0; i < words; i++) {
    for (let k = 0; k < dim; k++) {
      out[i * dim + k] = weights[i * row + k]! + (sum ? weights[(words + i) * row + k]! : 0);
    }
  }
  return new VectorSet(vocabulary.wordList().slice(Vocabulary.FIRST_WORD), out, dim);
}

/**
 * The records as blocks that fit the memory budget. One block: read once, kept in shared memory.
 * More: each record dealt to a random block file once (so every block is a random sample), and
 * each iteration loads the blocks in a fresh random order (the threads reshuffle within them).
 */
class RecordBlocks {
  readonly records: number;
  readonly count: number;
  /** Records the shared arrays must hold. */
  readonly blockSize: number;
  private word1: Int32Array = new Int32Array(0);
  private word2: Int32Array = new Int32Array(0);
  private values: Float64Array = new Float64Array(0);
  private files: string[] = [];
  private loaded = -1;
  private loadedLength = 0;

  constructor(
    private readonly path: string,
    private readonly words: number,
    memoryMb: number,
    private readonly workDir: string,
    private readonly seed: number,
  ) {
    const reader = new RecordReader(path, words);
    this.records = reader.total;
    reader.close();
    const capacity = Math.max(1 << 16, Math.floor((memoryMb * 1048576) / 16));
    this.count = Math.max(1, Math.ceil(this.records / capacity));
    this.blockSize = Math.max(1, this.count === 1 ? this.records : Math.ceil((this.records / this.count) * 1.1) + 1024);
  }

  /** Gives the shared arrays; reads the records into them (one block) or deals them into block files. */
  attach(word1: Int32Array, word2: Int32Array, values: Float64Array): void {
    this.word1 = word1;
    this.word2 = word2;
    this.values = values;
    const reader = new RecordReader(this.path, this.words);
    if (this.count === 1) {
      this.loadedLength = this.fill(reader);
      this.loaded = 0;
      return;
    }
    // deal the records at random into block files, keeping each block under its size
    const writers = Array.from({ length: this.count }, (_, b) => new RecordWriter(join(this.workDir, `block-${b}.bin`)));
    const random = new SeededRandom(mixSeed(this.seed, 7));
    try {
      while (reader.next()) {
        for (let i = 0; i < reader.length; i++) {
          let b = Math.floor(random.nextFloat() * this.count);
          while (writers[b]!.count >= this.blockSize) b = (b + 1) % this.count;
          writers[b]!.write(reader.word1[i]!, reader.word2[i]!, reader.value[i]!);
        }
      }
    } finally {
      for (const w of writers) w.close();
    }
    this.files = writers.map((w) => w.path);
  }

  private fill(reader: RecordReader): number {
    let n = 0;
    while (reader.next()) {
      this.word1.set(reader.word1.subarray(0, reader.length), n);
      this.word2.set(reader.word2.subarray(0, reader.length), n);
      this.values.set(reader.value.subarray(0, reader.length), n);
      n += reader.length;
    }
    return n;
  }

  /** The order of the blocks in an iteration. */
  order(iteration: number): number[] {
    const order = Array.from({ length: this.count }, (_, b) => b);
    const random = new SeededRandom(mixSeed(this.seed, 1000 + iteration));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random.nextFloat() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  /** Puts block b in the shared arrays; returns its length. */
  load(b: number): number {
    if (this.loaded === b) return this.loadedLength;
    this.loadedLength = this.fill(new RecordReader(this.files[b]!));
    this.loaded = b;
    return this.loadedLength;
  }

  close(): void {
    for (const f of this.files) rmSync(f, { force: true });
  }
}
