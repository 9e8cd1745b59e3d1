import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { loadCheckpoint, saveCheckpoint } from '../shared/checkpoint.js';
import type { ModelMemory } from './kernel/index.js';
import { RECORDED_OPTIONS, type RecordedOptions, type Word2VecOptions } from './options.js';
import type { ThreadRandomState } from './worker-protocol.js';

const KIND = 'wordloom-word2vec';
/** 2: adds each thread's random state, so a resumed run is bit-identical to an uninterrupted one. */
const VERSION = 2;

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
  options: RecordedOptions;
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
  options: RecordedOptions;
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

export async function saveWord2VecCheckpoint(
  path: string,
  state: { options: Word2VecOptions; corpus: string; corpusIds: number; vocabulary: Vocabulary; model: ModelMemory; progress: Word2VecProgressState; randomStates: ThreadRandomState[] },
): Promise<void> {
  const options = Object.fromEntries(RECORDED_OPTIONS.map((k) => [k, state.options[k]])) as RecordedOptions;
  const header: Header = {
    kind: KIND,
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

export async function loadWord2VecCheckpoint(path: string): Promise<Word2VecCheckpoint> {
  const { header, arrays } = await loadCheckpoint<Header>(path);
  if (header.kind === KIND && typeof header.version === 'number' && header.version < VERSION) {
    throw new WordloomError(
      'EFORMAT',
      `${path} is a word2vec checkpoint of an older wordloom (v${header.version}, this one reads v${VERSION}); it cannot be resumed, delete it and train again`,
    );
  }
  if (header.kind !== KIND || header.version !== VERSION) {
    throw new WordloomError('EFORMAT', `${path} is not a word2vec checkpoint of this wordloom version (${header.kind} v${header.version})`);
  }
  const { words, counts } = header.vocabulary;
  // The exact saved id order: the weights' rows are indexed by it.
  const vocabulary = Vocabulary.fromList(words, counts, path);
  if (vocabulary.size !== words.length) throw new WordloomError('EFORMAT', `${path}: checkpoint vocabulary is inconsistent`);
  const f32 = (name: string): Float32Array | null => {
    const a = arrays[name];
    return a instanceof Float32Array ? a : null;
  };
  const syn0 = f32('syn0');
  if (!syn0) throw new WordloomError('EFORMAT', `${path}: checkpoint has no input weights`);
  if (!Array.isArray(header.randomStates) || header.randomStates.length !== header.threads) {
    throw new WordloomError('EFORMAT', `${path}: checkpoint random states do not match its ${header.threads} thread(s)`);
  }
  return {
    options: header.options,
    threads: header.threads,
    corpus: header.corpus,
    corpusIds: header.corpusIds,
    vocabulary,
    progress: header.progress,
    randomStates: header.randomStates,
    syn0,
    syn1neg: f32('syn1neg'),
    syn1: f32('syn1'),
  };
}
