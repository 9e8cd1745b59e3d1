import { WordloomError } from '../../errors.js';
import { printable } from '../../util/printable.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { loadCheckpoint, saveCheckpoint } from '../shared/checkpoint.js';
import type { ModelMemory } from './kernel/index.js';
import { RECORDED_OPTIONS, resolveWord2VecOptions, type RecordedOptions, type Word2VecOptions } from './options.js';
import type { ThreadRandomState } from './worker-protocol.js';

/** 2: adds each thread's random state, so a resumed run is bit-identical to an uninterrupted one. */
const VERSION = 2;

/**
 * What differs between the trainers that share this checkpoint (word2vec, fastText): the file's
 * kind, the options it records and how they are checked, and how many input rows the model has
 * (fastText appends its n-gram rows to the word rows).
 */
export interface CheckpointSpec<O extends Word2VecOptions = Word2VecOptions> {
  kind: string;
  /** Used in messages: "a word2vec checkpoint". */
  name: string;
  recorded: readonly (keyof O & string)[];
  resolve(partial: Partial<O>): O;
  inputRows(options: O, vocabularySize: number): number;
}

export const WORD2VEC_CHECKPOINT: CheckpointSpec = {
  kind: 'wordloom-word2vec',
  name: 'word2vec',
  recorded: RECORDED_OPTIONS,
  resolve: resolveWord2VecOptions,
  inputRows: (_options, vocabularySize) => vocabularySize,
};

/** Where a run stands: the next epoch to run (0-based) and, if it was cut, what is left of it. */
export interface Word2VecProgressState {
  epoch: number;
  /** Unfinished id ranges of `epoch`, or null when the epoch starts from scratch. */
  remaining: [number, number][] | null;
  /** Words processed so far over the whole run (the learning-rate position). */
  wordsDone: number;
}

interface Header {
  kind: string;
  version: number;
  options: Record<string, unknown>;
  threads: number;
  corpus: string;
  /** Length of the encoded corpus, to refuse a corpus that changed since. */
  corpusIds: number;
  vocabulary: { words: string[]; counts: number[] };
  progress: Word2VecProgressState;
  /** One per thread (index = thread), as the workers reported them when they stopped. */
  randomStates: ThreadRandomState[];
}

export interface Word2VecCheckpoint {
  options: RecordedOptions & Record<string, unknown>;
  threads: number;
  corpus: string;
  corpusIds: number;
  vocabulary: Vocabulary;
  progress: Word2VecProgressState;
  randomStates: ThreadRandomState[];
  syn0: Float32Array;
  syn1neg: Float32Array | null;
  syn1: Float32Array | null;
}

export async function saveWord2VecCheckpoint<O extends Word2VecOptions>(
  path: string,
  state: { options: O; corpus: string; corpusIds: number; vocabulary: Vocabulary; model: ModelMemory; progress: Word2VecProgressState; randomStates: ThreadRandomState[] },
  spec: CheckpointSpec<O> = WORD2VEC_CHECKPOINT as unknown as CheckpointSpec<O>,
): Promise<void> {
  const options = Object.fromEntries(spec.recorded.map((k) => [k, state.options[k]]));
  const header: Header = {
    kind: spec.kind,
    version: VERSION,
    options,
    threads: state.options.threads,
    corpus: state.corpus,
    corpusIds: state.corpusIds,
    vocabulary: { words: state.vocabulary.wordList(), counts: Array.from(state.vocabulary.counts) },
    progress: state.progress,
    randomStates: state.randomStates,
  };
  const arrays: Record<string, Float32Array> = { syn0: state.model.syn0 };
  if (state.model.syn1neg) arrays.syn1neg = state.model.syn1neg;
  if (state.model.syn1) arrays.syn1 = state.model.syn1;
  await saveCheckpoint(path, header as unknown as Record<string, unknown>, arrays);
}

/**
 * Reads a checkpoint written by saveWord2VecCheckpoint, checking every field a resumed run relies
 * on (options, vocabulary, progress, random states, weight sizes), so a damaged file is refused
 * with a message instead of failing somewhere inside training.
 */
export async function loadWord2VecCheckpoint<O extends Word2VecOptions>(
  path: string,
  spec: CheckpointSpec<O> = WORD2VEC_CHECKPOINT as unknown as CheckpointSpec<O>,
): Promise<Word2VecCheckpoint> {
  const { header, arrays } = await loadCheckpoint<Header>(path);
  if (header.kind === spec.kind && typeof header.version === 'number' && header.version < VERSION) {
    throw new WordloomError(
      'EFORMAT',
      `${path} is a ${spec.name} checkpoint of an older wordloom (v${header.version}, this one reads v${VERSION}); it cannot be resumed, delete it and train again`,
    );
  }
  if (header.kind !== spec.kind || header.version !== VERSION) {
    throw new WordloomError('EFORMAT', `${path} is not a ${spec.name} checkpoint of this wordloom version (${printable(String(header.kind), 40)} v${printable(String(header.version), 20)})`);
  }
  const damaged = (what: string) => new WordloomError('EFORMAT', `${path}: checkpoint is damaged (${what}); delete it and train again`);
  const options = checkOptions(header.options, damaged, spec);
  if (!Number.isSafeInteger(header.threads) || header.threads < 1 || header.threads > 1024) throw damaged('thread count');
  if (typeof header.corpus !== 'string') throw damaged('corpus name');
  if (!Number.isSafeInteger(header.corpusIds) || header.corpusIds < 0) throw damaged('corpus length');
  const { words, counts } = (isRecord(header.vocabulary) ? header.vocabulary : {}) as Partial<Header['vocabulary']>;
  if (!Array.isArray(words) || !Array.isArray(counts) || !words.every((w) => typeof w === 'string') || !counts.every((c) => typeof c === 'number' && c >= 0 && Number.isFinite(c))) {
    throw damaged('vocabulary');
  }
  // The exact saved id order: the weights' rows are indexed by it.
  const vocabulary = Vocabulary.fromList(words, counts, path);
  if (vocabulary.size !== words.length) throw new WordloomError('EFORMAT', `${path}: checkpoint vocabulary is inconsistent`);
  const progress = checkProgress(header.progress, options.epochs, header.corpusIds, damaged);
  if (!Array.isArray(header.randomStates) || header.randomStates.length !== header.threads) {
    throw new WordloomError('EFORMAT', `${path}: checkpoint random states do not match its ${header.threads} thread(s)`);
  }
  for (const state of header.randomStates as unknown[]) {
    if (!isRecord(state) || !isUint32(state.subsampling) || !Array.isArray(state.kernel) || !state.kernel.every(isUint32)) throw damaged('random states');
  }
  const f32 = (name: string): Float32Array | null => {
    const a = arrays[name];
    return a instanceof Float32Array ? a : null;
  };
  const syn0 = f32('syn0');
  if (!syn0) throw new WordloomError('EFORMAT', `${path}: checkpoint has no input weights`);
  const weights = { syn0, syn1neg: f32('syn1neg'), syn1: f32('syn1') };
  for (const [name, wanted] of [['syn0', true], ['syn1neg', options.negative > 0], ['syn1', options.hs]] as const) {
    const a = weights[name];
    const height = name === 'syn0' ? spec.inputRows(options, vocabulary.size) : vocabulary.size;
    if (wanted && (a === null || a.length !== height * options.dim)) throw damaged(`weights ${name} are missing or not ${height} x ${options.dim}`);
    if (a !== null && !a.every(Number.isFinite)) throw damaged(`weights ${name} hold values that are not finite numbers`);
  }
  return {
    options: header.options as Word2VecCheckpoint['options'],
    threads: header.threads,
    corpus: header.corpus,
    corpusIds: header.corpusIds,
    vocabulary,
    progress,
    randomStates: header.randomStates,
    ...weights,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUint32(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff;
}

/** The recorded options, checked as a run would check them. */
function checkOptions<O extends Word2VecOptions>(recorded: unknown, damaged: (what: string) => WordloomError, spec: CheckpointSpec<O>): O {
  if (!isRecord(recorded)) throw damaged('options');
  for (const key of spec.recorded) if (!(key in recorded)) throw damaged(`option ${key} missing`);
  for (const key of ['cbow', 'hs', 'lowercase'] as const) if (typeof recorded[key] !== 'boolean') throw damaged(`option ${key}`);
  try {
    return spec.resolve({ ...(recorded as Partial<O>), threads: 1, resume: false, checkpoint: undefined });
  } catch (err) {
    throw damaged(err instanceof WordloomError ? err.message : 'options');
  }
}

/** Where the run stands: an epoch of the run, ranges inside the corpus, a count of words done. */
function checkProgress(progress: unknown, epochs: number, corpusIds: number, damaged: (what: string) => WordloomError): Word2VecProgressState {
  if (!isRecord(progress)) throw damaged('progress');
  const { epoch, remaining, wordsDone } = progress;
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 0 || (epoch as number) > epochs) throw damaged('progress epoch');
  if (typeof wordsDone !== 'number' || !Number.isSafeInteger(wordsDone) || wordsDone < 0) throw damaged('progress word count');
  if (remaining !== null) {
    const inside = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= corpusIds;
    if (!Array.isArray(remaining) || !remaining.every((r) => Array.isArray(r) && r.length === 2 && inside(r[0]) && inside(r[1]) && r[0] <= r[1])) {
      throw damaged('progress ranges');
    }
  }
  return progress as unknown as Word2VecProgressState;
}
