/**
 * A recurrent classifier's training checkpoint: everything a resumed run needs to continue exactly
 * where the interrupted one stopped (the same final weights as a run never interrupted): the
 * settings, what the data was (to refuse other data), the position (epoch, batch, learning rate,
 * validation history, both random streams), the weights, the best weights so far and both
 * optimizers' slots. One file, written atomically, in the container every wordloom checkpoint
 * uses (a JSON header and raw arrays), with the weights and optimizer state as lm's
 * (seq/training/weights.ts, lm/optimizer.ts saveOptimizerState).
 */
import { WordloomError } from '../../errors.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointArray } from '../../embeddings/shared/checkpoint.js';
import type { OptimizerState, SavedArray } from '../lm/optimizer.js';
import type { RecordedClassifierSettings } from './options.js';
import type { ClassifierEpochReport } from './progress.js';

const KIND = 'wordloom-classifier-checkpoint';
const VERSION = 1;

/** Where a run stands between two training steps. */
export interface ClassifierRunPosition {
  /** 0-based epoch in progress, and its next batch. */
  epoch: number;
  batch: number;
  /** Steps and training examples done over the whole run. */
  step: number;
  examplesDone: number;
  learningRate: number;
  /** The epoch in progress so far: summed (weighted) loss, examples, examples right. */
  epochLossSum: number;
  epochExamples: number;
  epochCorrect: number;
  /** Best validation figures so far (null: none yet), its 1-based epoch, and epochs since. */
  best: { accuracy: number; loss: number } | null;
  bestEpoch: number | null;
  badEpochs: number;
  history: ClassifierEpochReport[];
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

interface ArrayInfo {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
}

interface Header {
  kind: string;
  version: number;
  settings: RecordedClassifierSettings;
  data: ClassifierDataShape;
  position: ClassifierRunPosition;
  weights: ArrayInfo[];
  bestWeights: ArrayInfo[] | null;
  optimizers: ({ slots: ArrayInfo[]; betaPowers: [number, number] | null } | null)[];
}

const info = (a: SavedArray): ArrayInfo => ({ name: a.name, dtype: a.dtype, shape: a.shape });

export async function saveClassifierCheckpoint(path: string, c: ClassifierCheckpoint): Promise<void> {
  const arrays: Record<string, CheckpointArray> = {};
  const put = (prefix: string, list: SavedArray[]): void => list.forEach((a, i) => (arrays[`${prefix}${i}`] = a.values));
  put('w', c.weights);
  if (c.bestWeights) put('b', c.bestWeights);
  c.optimizers.forEach((o, k) => o && put(`o${k}_`, o.slots));
  const header: Header = {
    kind: KIND,
    version: VERSION,
    settings: c.settings,
    data: c.data,
    position: c.position,
    weights: c.weights.map(info),
    bestWeights: c.bestWeights?.map(info) ?? null,
    optimizers: c.optimizers.map((o) => o && { slots: o.slots.map(info), betaPowers: o.betaPowers }),
  };
  await saveCheckpoint(path, header as unknown as Record<string, unknown>, arrays);
}

export async function loadClassifierCheckpoint(path: string): Promise<ClassifierCheckpoint> {
  const { header, arrays } = await loadCheckpoint<Header>(path);
  if (header.kind !== KIND) throw new WordloomError('EFORMAT', `${path} is not a classifier checkpoint (it is ${String(header.kind)})`);
  if (header.version !== VERSION) {
    throw new WordloomError('EFORMAT', `${path} is a classifier checkpoint of another wordloom version (v${header.version}, this one reads v${VERSION}); delete it and train again`);
  }
  const take = (prefix: string, list: ArrayInfo[]): SavedArray[] =>
    list.map((a, i) => {
      const values = arrays[`${prefix}${i}`];
      const size = a.shape.reduce((p, d) => p * d, 1);
      const ok = values !== undefined && values.length === size && (a.dtype === 'int32' ? values instanceof Int32Array : values instanceof Float32Array);
      if (!ok) throw new WordloomError('EFORMAT', `${path}: checkpoint array ${a.name} is missing or has the wrong size`);
      return { ...a, values: values! };
    });
  const optimizer = (k: number): OptimizerState | null => {
    const o = header.optimizers[k];
    return o ? { slots: take(`o${k}_`, o.slots), betaPowers: o.betaPowers } : null;
  };
  return {
    settings: header.settings,
    data: header.data,
    position: header.position,
    weights: take('w', header.weights),
    bestWeights: header.bestWeights ? take('b', header.bestWeights) : null,
    optimizers: [optimizer(0)!, optimizer(1)],
  };
}
