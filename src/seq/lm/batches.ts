/**
 * The training layout of truncated backpropagation through time (char-rnn, PyTorch's
 * word_language_model): the id stream is cut into `streams` contiguous pieces of equal length
 * that are read side by side, one row of the batch each, in windows of `seqLen` steps; the
 * target of every position is the next id of the stream. Because row b of window w + 1 continues
 * row b of window w, the recurrent state carries over from one window to the next.
 *
 *   stream b = ids[b * length .. (b + 1) * length]   (inputs; targets are shifted by one)
 *   window w = columns [w * seqLen, min(length, (w + 1) * seqLen))
 *
 * The last window may be shorter; the few ids beyond streams * length + 1 are not used.
 */
export interface StreamLayout {
  /** [streams, length] row-major: inputs[b * length + t] = ids[b * length + t]. */
  inputs: Int32Array;
  /** targets[b * length + t] = ids[b * length + t + 1]. */
  targets: Int32Array;
  streams: number;
  length: number;
}

export interface Window {
  /** [streams, time] row-major. */
  inputs: Int32Array;
  targets: Int32Array;
  streams: number;
  time: number;
}

/** Lays `ids` out as `streams` parallel streams; `length` is 0 when there are too few ids. */
export function batchify(ids: Int32Array, streams: number): StreamLayout {
  const length = ids.length > 1 ? Math.floor((ids.length - 1) / streams) : 0;
  const inputs = new Int32Array(streams * length);
  const targets = new Int32Array(streams * length);
  for (let b = 0; b < streams; b++) {
    inputs.set(ids.subarray(b * length, (b + 1) * length), b * length);
    targets.set(ids.subarray(b * length + 1, (b + 1) * length + 1), b * length);
  }
  return { inputs, targets, streams, length };
}

export function windowCount(layout: StreamLayout, seqLen: number): number {
  return Math.ceil(layout.length / seqLen);
}

/** Window `index` (0-based) of the layout. */
export function windowAt(layout: StreamLayout, index: number, seqLen: number): Window {
  const start = index * seqLen;
  const time = Math.min(seqLen, layout.length - start);
  if (!(time > 0)) throw new RangeError(`window ${index} is outside the ${windowCount(layout, seqLen)} windows of the layout`);
  const inputs = new Int32Array(layout.streams * time);
  const targets = new Int32Array(layout.streams * time);
  for (let b = 0; b < layout.streams; b++) {
    const from = b * layout.length + start;
    inputs.set(layout.inputs.subarray(from, from + time), b * time);
    targets.set(layout.targets.subarray(from, from + time), b * time);
  }
  return { inputs, targets, streams: layout.streams, time };
}
