/**
 * The arrays of a sequence trainer's checkpoint (weights, best weights, optimizer slots, carried
 * states) in the embeddings' checkpoint container (embeddings/shared/checkpoint.ts): each list is
 * stored under a prefix (`w0`, `w1`, ... ) and described in the JSON header by name, type and
 * shape, and read back checked against that description.
 */
import { WordloomError } from '../../errors.js';
import type { CheckpointArray } from '../../embeddings/shared/checkpoint.js';
import type { OptimizerState, SavedArray } from '../lm/optimizer.js';

/** How the header describes one stored array. */
export interface ArrayInfo {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
}

/** The optimizer's state as the header describes it. */
export interface OptimizerInfo {
  slots: ArrayInfo[];
  betaPowers: [number, number] | null;
}

/** Stores `list` in `arrays` under `prefix` and returns its description for the header. */
export function putArrays(arrays: Record<string, CheckpointArray>, prefix: string, list: readonly SavedArray[]): ArrayInfo[] {
  return list.map((a, i) => {
    arrays[`${prefix}${i}`] = a.values;
    return { name: a.name, dtype: a.dtype, shape: a.shape };
  });
}

/** The arrays the header describes under `prefix`; a missing one or one of the wrong size or type is EFORMAT naming `path`. */
export function takeArrays(path: string, arrays: Record<string, CheckpointArray>, prefix: string, list: readonly ArrayInfo[]): SavedArray[] {
  return list.map((a, i) => {
    const values = arrays[`${prefix}${i}`];
    const size = a.shape.reduce((p, d) => p * d, 1);
    const ok = values !== undefined && values.length === size && (a.dtype === 'int32' ? values instanceof Int32Array : values instanceof Float32Array);
    if (!ok) throw new WordloomError('EFORMAT', `${path}: checkpoint array ${a.name} is missing or has the wrong size`);
    return { ...a, values: values! } as SavedArray;
  });
}

/** An optimizer's slots under `prefix` (default 'o'; a trainer with several optimizers gives each its own). */
export function putOptimizer(arrays: Record<string, CheckpointArray>, state: OptimizerState, prefix = 'o'): OptimizerInfo {
  return { slots: putArrays(arrays, prefix, state.slots), betaPowers: state.betaPowers };
}

export function takeOptimizer(path: string, arrays: Record<string, CheckpointArray>, info: OptimizerInfo, prefix = 'o'): OptimizerState {
  return { slots: takeArrays(path, arrays, prefix, info.slots), betaPowers: info.betaPowers };
}
