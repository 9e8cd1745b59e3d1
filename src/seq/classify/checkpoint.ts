/**
 * A recurrent classifier's training checkpoint: everything a resumed run needs to continue exactly
 * where the interrupted one stopped (the same final weights as a run never interrupted): the
 * settings, what the data was (to refuse other data), the position (the shared epoch loop's, plus
 * the batch, example counts, best validation figures and both random streams), the weights, the
 * best weights so far and both optimizers' slots. One file, written atomically, in the container
 * every wordloom checkpoint uses (a JSON header and raw arrays), its arrays stored as lm's and
 * seq2seq's (seq/training/checkpoint-arrays.ts).
 */
import { WordloomError } from '../../errors.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointArray } from '../../embeddings/shared/checkpoint.js';
import type { OptimizerState, SavedArray } from '../lm/optimizer.js';
import { putArrays, putOptimizer, takeArrays, takeOptimizer, type ArrayInfo, type OptimizerInfo } from '../training/checkpoint-arrays.js';
import type { LoopPosition } from '../training/epoch-loop.js';
import type { RecordedClassifierSettings } from './options.js';
import type { ClassifierEpochReport } from './progress.js';

const KIND = 'wordloom-classifier-checkpoint';
/** 2: the position is the shared epoch loop's (epochSteps added). 3: the word vectors' optimizer state covers the trained rows only (TrainedRows). */
const VERSION = 3;

/** Where a run stands between two training steps (the loop's position; epochLossSum sums each step's loss x its examples). */
export interface ClassifierRunPosition extends LoopPosition<ClassifierEpochReport> {
  /** The next batch of the epoch in progress. */
  batch: number;
  /** Training examples done over the whole run. */
  examplesDone: number;
  /** The epoch in progress so far: examples, and examples right. */
  epochExamples: number;
  epochCorrect: number;
  /** Best validation figures so far (null: none yet). */
  best: { accuracy: number; loss: number } | null;
  /** The batch-order generator's state at the start of the epoch in progress (its batches are drawn again from it). */
  shuffleState: number;
  /** The dropout generator's state now. */
  dropoutState: number;
}

/** What the data was: a resumed run must see the same. */
export interface ClassifierDataShape {
  labels: string[];
  vocabularySize: number;
  trainExamples: number;
  valExamples: number;
  trainTokens: number;
}

export interface ClassifierCheckpoint {
  settings: RecordedClassifierSettings;
  data: ClassifierDataShape;
  position: ClassifierRunPosition;
  weights: SavedArray[];
  bestWeights: SavedArray[] | null;
  /** The layers' optimizer, then the word vectors' (null when the vectors do not train). */
  optimizers: [OptimizerState, OptimizerState | null];
}

interface Header {
  kind: string;
  version: number;
  settings: RecordedClassifierSettings;
  data: ClassifierDataShape;
  position: ClassifierRunPosition;
  weights: ArrayInfo[];
  bestWeights: ArrayInfo[] | null;
  optimizers: [OptimizerInfo, OptimizerInfo | null];
}

export async function saveClassifierCheckpoint(path: string, c: ClassifierCheckpoint): Promise<void> {
  const arrays: Record<string, CheckpointArray> = {};
  const header: Header = {
    kind: KIND,
    version: VERSION,
    settings: c.settings,
    data: c.data,
    position: c.position,
    weights: putArrays(arrays, 'w', c.weights),
    bestWeights: c.bestWeights ? putArrays(arrays, 'b', c.bestWeights) : null,
    optimizers: [putOptimizer(arrays, c.optimizers[0], 'o0_'), c.optimizers[1] && putOptimizer(arrays, c.optimizers[1], 'o1_')],
  };
  await saveCheckpoint(path, header as unknown as Record<string, unknown>, arrays);
}

export async function loadClassifierCheckpoint(path: string): Promise<ClassifierCheckpoint> {
  const { header, arrays } = await loadCheckpoint<Header>(path);
  if (header.kind !== KIND) throw new WordloomError('EFORMAT', `${path} is not a classifier checkpoint (it is ${String(header.kind)})`);
  if (header.version !== VERSION) {
    throw new WordloomError('EFORMAT', `${path} is a classifier checkpoint of another wordloom version (v${header.version}, this one reads v${VERSION}); delete it and train again`);
  }
  return {
    settings: header.settings,
    data: header.data,
    position: header.position,
    weights: takeArrays(path, arrays, 'w', header.weights),
    bestWeights: header.bestWeights ? takeArrays(path, arrays, 'b', header.bestWeights) : null,
    optimizers: [takeOptimizer(path, arrays, header.optimizers[0], 'o0_'), header.optimizers[1] && takeOptimizer(path, arrays, header.optimizers[1], 'o1_')],
  };
}
