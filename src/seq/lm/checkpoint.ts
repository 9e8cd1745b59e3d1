/**
 * A language-model training checkpoint: everything a resumed run needs to continue exactly where
 * the interrupted one stopped (the same final weights as a run never interrupted): the settings,
 * the vocabulary, the position (epoch, window, step, learning rate, validation history), the
 * random state, the weights, the best weights so far, the optimizer's slots and the recurrent
 * states carried into the next window. One file, written atomically (the embeddings' checkpoint
 * container: a JSON header and raw arrays).
 */
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointArray } from '../../embeddings/shared/checkpoint.js';
import type { OptimizerState, SavedArray } from './optimizer.js';
import { putArrays, putOptimizer, takeArrays, takeOptimizer, type ArrayInfo, type OptimizerInfo } from '../training/checkpoint-arrays.js';
import type { RecordedSettings } from './options.js';
import type { EpochReport, LanguageModelEvaluation } from './progress.js';

const KIND = 'wordloom-lm-checkpoint';
const VERSION = 1;

/** Where a run stands between two training steps. */
export interface RunPosition {
  /** 0-based epoch in progress, and the next window of it. */
  epoch: number;
  window: number;
  /** Steps and training tokens done over the whole run. */
  step: number;
  tokensDone: number;
  learningRate: number;
  /** Sum of the step losses of the epoch in progress, and their number. */
  epochLossSum: number;
  epochSteps: number;
  /** Best validation figures so far (null: none yet), and epochs since they last improved. */
  best: LanguageModelEvaluation | null;
  /** 1-based epoch of `best`. */
  bestEpoch: number | null;
  badEpochs: number;
  history: EpochReport[];
  /** Bidirectional runs: the backward model's epoch loss sum and best validation figures (absent in forward-only runs). */
  backwardLossSum?: number;
  bestBackward?: LanguageModelEvaluation | null;
  /** The dropout generator's state. */
  randomState: number;
}

export interface LanguageModelCheckpoint {
  settings: RecordedSettings;
  /** Token counts of the training and validation streams, to refuse a text that changed. */
  trainTokens: number;
  valTokens: number;
  vocabulary: Vocabulary;
  position: RunPosition;
  /** The forward model's weights followed, in a bidirectional run, by the backward model's (and so for bestWeights). */
  weights: SavedArray[];
  bestWeights: SavedArray[] | null;
  /** Carried recurrent states, per layer ([h] or [h, c]), the backward model's layers after the forward's; null at the start of an epoch. */
  states: SavedArray[][] | null;
  optimizer: OptimizerState;
}

interface Header {
  kind: string;
  version: number;
  settings: RecordedSettings;
  trainTokens: number;
  valTokens: number;
  vocabulary: { words: string[]; counts: number[] };
  position: RunPosition;
  weights: ArrayInfo[];
  bestWeights: ArrayInfo[] | null;
  states: ArrayInfo[][] | null;
  optimizer: OptimizerInfo;
}

export async function saveLanguageModelCheckpoint(path: string, c: LanguageModelCheckpoint): Promise<void> {
  const arrays: Record<string, CheckpointArray> = {};
  const weights = putArrays(arrays, 'w', c.weights);
  const bestWeights = c.bestWeights ? putArrays(arrays, 'b', c.bestWeights) : null;
  const states = c.states?.map((layer, l) => putArrays(arrays, `s${l}_`, layer)) ?? null;
  const header: Header = {
    kind: KIND,
    version: VERSION,
    settings: c.settings,
    trainTokens: c.trainTokens,
    valTokens: c.valTokens,
    vocabulary: { words: c.vocabulary.wordList(), counts: Array.from(c.vocabulary.counts) },
    position: c.position,
    weights,
    bestWeights,
    states,
    optimizer: putOptimizer(arrays, c.optimizer),
  };
  await saveCheckpoint(path, header as unknown as Record<string, unknown>, arrays);
}

export async function loadLanguageModelCheckpoint(path: string): Promise<LanguageModelCheckpoint> {
  const { header, arrays } = await loadCheckpoint<Header>(path);
  if (header.kind !== KIND) throw new WordloomError('EFORMAT', `${path} is not a language-model checkpoint (it is ${String(header.kind)})`);
  if (header.version !== VERSION) {
    throw new WordloomError('EFORMAT', `${path} is a language-model checkpoint of another wordloom version (v${header.version}, this one reads v${VERSION}); delete it and train again`);
  }
  const { words, counts } = header.vocabulary;
  return {
    settings: header.settings,
    trainTokens: header.trainTokens,
    valTokens: header.valTokens,
    vocabulary: Vocabulary.fromList(words, counts, path),
    position: header.position,
    weights: takeArrays(path, arrays, 'w', header.weights),
    bestWeights: header.bestWeights ? takeArrays(path, arrays, 'b', header.bestWeights) : null,
    states: header.states?.map((layer, l) => takeArrays(path, arrays, `s${l}_`, layer)) ?? null,
    optimizer: takeOptimizer(path, arrays, header.optimizer),
  };
}
