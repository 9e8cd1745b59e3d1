/**
 * word2vec training (skip-gram / CBOW, negative sampling / hierarchical softmax) on all cores:
 *
 *   pass 1  build the vocabulary (streaming);
 *   pass 2  encode the corpus once to a temporary Int32 file of ids (EOS between lines);
 *   epochs  each worker thread reads its own contiguous slice of that file in bounded chunks,
 *           subsamples frequent words, and trains sentences on the shared weights (Hogwild).
 *
 * Memory is the model (2 x vocabulary x dim floats plus tables) and bounded buffers, whatever
 * the corpus size. The main thread only watches: progress, loss, divergence, interrupts and
 * checkpoints between epochs.
 */
import { throwIfAborted } from '../shared/interrupt.js';
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { buildVocabulary, encodeCorpus } from '../../text/corpus.js';
import { withCorpusPath, type CorpusInput } from '../../text/sentence-source.js';
import { VectorSet } from '../../vectors/vector-set.js';
import { DivergenceGuard } from '../shared/divergence.js';
import { splitRanges, writeIdFile, type IdFile } from '../shared/id-file.js';
import { linearLearningRate } from '../shared/learning-rate.js';
import { ProgressMeter } from '../shared/progress.js';
import { keepProbabilities } from '../shared/subsampling.js';
import { WorkerPool, type WorkerMessage } from '../shared/worker-pool.js';
import { workerScript } from '../shared/package-root.js';
import { removeCheckpoint } from '../shared/checkpoint.js';
import {
  WORD2VEC_CHECKPOINT,
  loadWord2VecCheckpoint,
  saveWord2VecCheckpoint,
  type CheckpointSpec,
  type Word2VecCheckpoint,
  type Word2VecProgressState,
} from './checkpoint.js';
import { createModel, type ModelInitialization } from './model-setup.js';
import { collectGarbage } from '../../util/collect-garbage.js';
import { type Word2VecOptions } from './options.js';
import { buildSubwordTable, type SubwordSettings } from '../../text/subwords.js';
import { randomStateLength, type ModelMemory } from './kernel/index.js';
import {
  CONTROL_BYTES,
  STOP_FLAG,
  WORDS_DONE,
  type DoneMessage,
  type EpochTask,
  type StatsMessage,
  type ThreadRandomState,
  type Word2VecWorkerData,
} from './worker-protocol.js';

export interface Word2VecResult {
  /** The trained input vectors of the real words (no special tokens), most frequent first. */
  vectors: VectorSet;
  vocabulary: Vocabulary;
  /** The options the run used (after defaults, or as recorded in the checkpoint on resume). */
  options: Word2VecOptions;
  /** Which kernel the workers ran. */
  kernel: 'wasm' | 'js';
  /** Words per epoch (after the vocabulary cut), seconds of this run, average loss of the last epoch. */
  wordsPerEpoch: number;
  seconds: number;
  loss: number;
}

/**
 * What a trainer built on this loop adds to word2vec: its options and checkpoint kind, and
 * (fastText) the character n-grams whose rows join each word's input vector.
 */
export interface TrainerSpec<O extends Word2VecOptions> extends CheckpointSpec<O> {
  /** n-gram settings, or null for plain word vectors (the word2vec path of the kernels). */
  subwords(options: O): SubwordSettings | null;
  /** Negative-table power and input init range; default word2vec C's (WORD2VEC_INITIALIZATION). */
  initialization?(options: O): ModelInitialization;
}

export const WORD2VEC_TRAINER: TrainerSpec<Word2VecOptions> = { ...WORD2VEC_CHECKPOINT, subwords: () => null };

/** The trained model itself, for trainers that save more than the word vectors (fastText .bin). */
export interface TrainedWeights {
  /** Input rows: every vocabulary id (specials included), then the n-gram rows. A view of the model memory. */
  input: Float32Array;
  /** Output rows (syn1neg for negative sampling, else syn1), one per vocabulary id. */
  output: Float32Array;
  /** The n-gram settings the model was trained with (null: none). */
  subwords: SubwordSettings | null;
}

/**
 * Trains word2vec on a corpus: a path (text file, .gz, folder of them; one sentence a line) or
 * sentences in memory (strings, or arrays of tokens).
 */
export async function trainWord2Vec(corpus: CorpusInput, partial: Partial<Word2VecOptions> = {}): Promise<Word2VecResult> {
  return withCorpusPath(corpus, partial.tmpDir, (path) => trainWordEmbeddings(path, partial, WORD2VEC_TRAINER));
}

/**
 * The shared training run of word2vec and fastText. The returned `vectors` are each word's input
 * vector: its own row, or with n-grams the mean of its row and its n-gram rows (what fastText
 * calls the word vector). `weights` only when asked for (it keeps the whole model memory alive).
 */
export async function trainWordEmbeddings<O extends Word2VecOptions>(
  corpus: string,
  partial: Partial<O>,
  spec: TrainerSpec<O>,
  keepWeights = false,
): Promise<Word2VecResult & { options: O; weights: TrainedWeights | null }> {
  let options = spec.resolve(partial);
  const log = options.onLog ?? (() => undefined);
  throwIfAborted(options.signal, { started: false });

  let vocabulary: Vocabulary;
  let resumed: Word2VecCheckpoint | null = null;
  if (options.resume) {
    resumed = await loadWord2VecCheckpoint(options.checkpoint!, spec);
    const ignored = spec.recorded.filter((k) => partial[k] !== undefined && partial[k] !== resumed!.options[k]);
    if (ignored.length > 0) log(`resume keeps the checkpoint's settings; ignoring ${ignored.map((k) => `${k}=${String(partial[k])}`).join(', ')}`);
    // The recorded options shape the model and its schedule; only threads and callbacks may change.
    options = spec.resolve({ ...partial, ...(resumed.options as Partial<O>), threads: partial.threads ?? resumed.threads });
    vocabulary = resumed.vocabulary;
    log(`resuming from ${options.checkpoint}: epoch ${resumed.progress.epoch + 1}/${options.epochs}, ${resumed.progress.wordsDone} words done`);
  } else if (options.readVocab !== undefined) {
    vocabulary = (await Vocabulary.load(options.readVocab)).prune({ minCount: options.minCount, ...(options.maxVocab > 0 ? { maxSize: options.maxVocab } : {}) });
    log(`vocabulary read from ${options.readVocab}`);
  } else {
    vocabulary = await buildVocabulary(corpus, {
      minCount: options.minCount,
      ...(options.maxVocab > 0 ? { maxSize: options.maxVocab } : {}),
      lowercase: options.lowercase,
      tokenizer: options.tokenizer,
    });
  }
  const realWords = vocabulary.size - Vocabulary.FIRST_WORD;
  if (realWords < 2) {
    throw new WordloomError('EEMPTY', `${corpus}: only ${realWords} word(s) occur at least ${options.minCount} times (option --min-count); nothing to train`);
  }
  log(`vocabulary: ${realWords} words, ${vocabulary.totalTokens} tokens`);

  throwIfAborted(options.signal, { started: false });
  const idFile = await writeIdFile(
    abortable(encodeCorpus(corpus, vocabulary, { unknown: 'skip', eos: true, lowercase: options.lowercase, tokenizer: options.tokenizer }), options.signal),
    Vocabulary.EOS,
    options.tmpDir ? { tmpDir: options.tmpDir } : {},
  );
  try {
    if (resumed && resumed.corpusIds !== idFile.length) {
      throw new WordloomError('EOPTION', `${corpus} differs from the corpus the checkpoint ${options.checkpoint} was trained on (${idFile.length} ids now, ${resumed.corpusIds} then)`);
    }
    return await runEpochs(corpus, options, vocabulary, idFile, resumed, spec, keepWeights);
  } finally {
    idFile.remove();
  }
}

async function runEpochs<O extends Word2VecOptions>(
  corpus: string,
  options: O,
  vocabulary: Vocabulary,
  idFile: IdFile,
  resumed: Word2VecCheckpoint | null,
  spec: TrainerSpec<O>,
  keepWeights: boolean,
): Promise<Word2VecResult & { options: O; weights: TrainedWeights | null }> {
  const log = options.onLog ?? (() => undefined);
  const { threads, epochs, dim } = options;
  const counts = Float64Array.from(vocabulary.counts);
  counts.fill(0, 0, Vocabulary.FIRST_WORD); // the special tokens are never trained
  const settings = spec.subwords(options);
  const withSubwords = settings !== null && settings.maxn > 0 && settings.bucket > 0;
  // The special tokens get no n-grams (as fastText's </s>): they are never trained. The table is
  // copied into the model memory, where the kernels and the steps below read it; this first copy
  // is dropped after that.
  let table = withSubwords ? buildSubwordTable(vocabulary.wordList(), settings, vocabulary.size, (i) => i < Vocabulary.FIRST_WORD) : null;
  collectGarbage(); // the corpus passes' garbage, before the model is allocated (see collect-garbage.ts)
  const model = createModel(
    {
      counts, dim, negative: options.negative, hs: options.hs, threads, maxSentence: options.maxSentence, bucket: withSubwords ? settings.bucket : 0, subwords: table,
      ...(spec.initialization ? { initialization: spec.initialization(options) } : {}),
    },
    resumed ? null : options.seed,
  );
  table = null;
  const subwords = withSubwords ? { starts: model.subwordStarts, rows: model.subwordRows } : null;
  if (subwords) {
    collectGarbage(); // the table's first copy, which would otherwise stay until V8 next collects
    log(`subwords: n-grams of ${settings!.minn}-${settings!.maxn} characters in ${settings!.bucket} rows, ${(subwords.rows.length / Math.max(1, vocabulary.size - Vocabulary.FIRST_WORD)).toFixed(1)} per word`);
  }
  if (resumed) restoreWeights(model, resumed);
  // The threads' random states as of the last round; the checkpoint saves them so a resumed run
  // draws exactly what an uninterrupted one would. Each thread owns a slice of the corpus, so they
  // only fit the same thread count: otherwise the threads start fresh streams.
  let randomStates: ThreadRandomState[] | null = null;
  if (resumed && resumed.threads === threads) {
    randomStates = resumed.randomStates;
    const expected = randomStateLength(model.offsets.ringSize);
    if (randomStates.some((r) => r.kernel.length !== expected)) {
      throw new WordloomError('EFORMAT', `${options.checkpoint}: checkpoint random states do not match the model`);
    }
  } else if (resumed) {
    log(`resuming with ${threads} thread(s) instead of the checkpoint's ${resumed.threads}: fresh random streams, so the result will not be identical to an uninterrupted run`);
  }

  const totalWords = idFile.words * epochs;
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const flags = new Int32Array(control);
  const counters = new BigInt64Array(control);
  let state: Word2VecProgressState = resumed?.progress ?? { epoch: 0, remaining: null, wordsDone: 0 };
  counters[WORDS_DONE] = BigInt(state.wordsDone);

  const keep = keepProbabilities(counts, options.sample);
  const pool = await WorkerPool.start(workerScript('embeddings/word2vec/worker.js'), threads, (threadIndex) => ({
    memory: model.memory,
    layout: model.layout,
    threadIndex,
    sg: !options.cbow,
    hs: options.hs,
    negative: options.negative,
    window: options.window,
    kernel: options.kernel,
    seed: options.seed,
    randomState: randomStates?.[threadIndex] ?? null,
    idPath: idFile.path,
    separatorId: Vocabulary.EOS,
    keep,
    control,
    alpha: options.alpha,
    minAlpha: options.minAlpha,
    totalWords,
  }) satisfies Word2VecWorkerData);

  const stop = (): void => {
    Atomics.store(flags, STOP_FLAG, 1);
  };
  const signal = options.signal;
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop(); // aborted while the workers were starting
  const meter = new ProgressMeter(totalWords, threads, state.wordsDone);
  const guard = new DivergenceGuard('--alpha', options.alpha);
  const save = async (progress: Word2VecProgressState): Promise<void> => {
    if (!options.checkpoint || !randomStates) return;
    await saveWord2VecCheckpoint(options.checkpoint, { options, corpus, corpusIds: idFile.length, vocabulary, model, progress, randomStates }, spec);
  };
  let kernel: 'wasm' | 'js' = 'js';
  let intervalLoss = 0;
  let intervalExamples = 0;
  let epochLoss = 0;
  let epochExamples = 0;
  let lastLoss = Number.NaN;
  let periodic: ReturnType<typeof setInterval> | undefined;
  let alpha = linearLearningRate(options.alpha, options.minAlpha, state.wordsDone, totalWords);
  const sampleRows = model.syn0.subarray(Vocabulary.FIRST_WORD * dim, Math.min(model.layout.vocabSize, Vocabulary.FIRST_WORD + 8) * dim);

  try {
    // Each round trains the rest of one epoch. A round ends early on abort, or when the periodic
    // checkpoint timer raises the stop flag: then the workers report what is left, the weights are
    // saved, and the next round continues the same epoch from there.
    if (options.checkpoint && options.checkpointEvery > 0) {
      periodic = setInterval(() => Atomics.store(flags, STOP_FLAG, 1), options.checkpointEvery * 1000);
      periodic.unref();
    }
    while (state.epoch < epochs) {
      const epoch = state.epoch;
      const ranges = state.remaining ?? splitRanges(idFile.length, threads);
      if (state.remaining === null) {
        epochLoss = 0;
        epochExamples = 0;
      }
      const onEvent = (_index: number, message: WorkerMessage): void => {
        if (message.type !== 'stats') return;
        const m = message as unknown as StatsMessage;
        guard.add(m.loss, m.examples);
        guard.checkWeights(sampleRows);
        intervalLoss += m.loss;
        intervalExamples += m.examples;
        epochLoss += m.loss;
        epochExamples += m.examples;
        alpha = m.alpha;
        if (intervalExamples > 0) {
          lastLoss = intervalLoss / intervalExamples;
          intervalLoss = 0;
          intervalExamples = 0;
        }
        options.onProgress?.(
          meter.snapshot({ epoch: epoch + 1, epochs, wordsDone: Number(Atomics.load(counters, WORDS_DONE)), learningRate: alpha, loss: lastLoss }),
        );
      };
      const tasks = distribute(ranges, threads).map((r) => ({ type: 'epoch', ranges: r }) satisfies EpochTask);
      const results = (await pool.run(tasks, onEvent)) as unknown as DoneMessage[];
      if (!signal?.aborted) Atomics.store(flags, STOP_FLAG, 0);
      kernel = results[0]?.kernel ?? kernel;
      randomStates = results.map((r) => r.randomState);
      const remaining = results.flatMap((r) => r.remaining);
      const wordsDone = Number(Atomics.load(counters, WORDS_DONE));
      state = remaining.length > 0 ? { epoch, remaining, wordsDone } : { epoch: epoch + 1, remaining: null, wordsDone };
      if (state.epoch >= epochs) break;
      await save(state);
      if (signal?.aborted) throwIfAborted(signal, { started: true, checkpoint: options.checkpoint });
      if (options.checkpoint) {
        log(
          state.remaining
            ? `checkpoint ${options.checkpoint} (epoch ${epoch + 1}/${epochs}, ${((100 * wordsDone) / totalWords).toFixed(1)}% done)`
            : `epoch ${epoch + 1}/${epochs} done; checkpoint ${options.checkpoint}`,
        );
      }
    }
  } finally {
    if (periodic) clearInterval(periodic);
    signal?.removeEventListener('abort', stop);
    await pool.terminate();
  }
  if (options.checkpoint && !options.keepCheckpoint) await removeCheckpoint(options.checkpoint);

  const first = Vocabulary.FIRST_WORD;
  const words = vocabulary.wordList().slice(first);
  const vectors = new VectorSet(words, model.syn0.slice(first * dim, vocabulary.size * dim), dim);
  if (subwords) averageSubwordRows(vectors.vectors, model.syn0, subwords, first, dim);
  const output = model.syn1neg ?? model.syn1;
  return {
    vectors,
    vocabulary,
    options,
    weights: keepWeights && output ? { input: model.syn0, output, subwords: subwords ? settings : null } : null,
    kernel,
    wordsPerEpoch: idFile.words,
    seconds: meter.elapsedSeconds(),
    loss: epochExamples > 0 ? epochLoss / epochExamples : lastLoss,
  };
}

/**
 * Turns each word's copied row into its word vector: the mean of its own row and its n-gram rows
 * (fastText's getWordVector). `into` holds the rows of ids first.. in order.
 */
function averageSubwordRows(into: Float32Array, input: Float32Array, table: { starts: Int32Array; rows: Int32Array }, first: number, dim: number): void {
  const words = into.length / dim;
  for (let w = 0; w < words; w++) {
    const id = first + w;
    const start = table.starts[id]!;
    const end = table.starts[id + 1]!;
    if (end === start) continue;
    const o = w * dim;
    for (let s = start; s < end; s++) {
      const r = table.rows[s]! * dim;
      for (let k = 0; k < dim; k++) into[o + k] = into[o + k]! + input[r + k]!;
    }
    const inv = 1 / (1 + end - start);
    for (let k = 0; k < dim; k++) into[o + k] = into[o + k]! * inv;
  }
}

/** Gives each thread its share of the ranges: one each when the counts match, else round-robin. */
function distribute(ranges: [number, number][], threads: number): [number, number][][] {
  const tasks: [number, number][][] = Array.from({ length: threads }, () => []);
  ranges.filter(([s, e]) => e > s).forEach((range, i) => tasks[i % threads]!.push(range));
  return tasks;
}

function restoreWeights(model: ModelMemory, from: { syn0: Float32Array; syn1neg: Float32Array | null; syn1: Float32Array | null }): void {
  const copy = (name: string, into: Float32Array | null, source: Float32Array | null) => {
    if (!into) return;
    if (!source || source.length !== into.length) throw new WordloomError('EFORMAT', `checkpoint weights ${name} do not match the model`);
    into.set(source);
  };
  copy('syn0', model.syn0, from.syn0);
  copy('syn1neg', model.syn1neg, from.syn1neg);
  copy('syn1', model.syn1, from.syn1);
}

/** Stops the encoding pass promptly on abort (nothing is trained yet, so no checkpoint). */
async function* abortable(chunks: AsyncIterable<Int32Array>, signal: AbortSignal | undefined): AsyncGenerator<Int32Array> {
  for await (const chunk of chunks) {
    throwIfAborted(signal, { started: false });
    yield chunk;
  }
}

