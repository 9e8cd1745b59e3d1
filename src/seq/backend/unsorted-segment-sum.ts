import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/*
 * UnsortedSegmentSum for the wasm backend, which ships none. tfjs needs it as the gradient of
 * `tf.gather`, so without it every Embedding layer fails on its first training step.
 *
 * Semantics are TensorFlow's: segmentIds has the shape of x's first k dimensions; row r of x
 * (x viewed as [rows, inner]) is added to segment segmentIds[r] of an output shaped
 * [numSegments, ...x.shape.slice(k)]; ids that are negative or >= numSegments are dropped.
 *
 * Float sums are accumulated in float64 and rounded once, in row order: that is the arithmetic
 * of the cpu backend (a masked multiply then a JavaScript sum), so the wasm and cpu backends give
 * bit-identical gradients. Accumulating in float32 would differ in the last bits wherever an id
 * repeats three or more times, which in an embedding batch is every common token.
 */

// Scratch reused across calls, grow-only: the kernel runs on every training step of every
// embedding. It is small: an int per segment, an int per row and a float64 row.
let segmentEnd = new Int32Array(0);
let rowsBySegment = new Int32Array(0);
let rowSum = new Float64Array(0);

/**
 * out[s * inner + j] = sum over rows r with ids[r] === s of x[r * inner + j], for every s in
 * [0, numSegments). `out` must hold numSegments * inner values; it is overwritten.
 */
export function segmentSumFloat32(
  x: Float32Array,
  ids: Int32Array,
  inner: number,
  numSegments: number,
  out: Float32Array,
): void {
  const rows = ids.length;
  if (segmentEnd.length < numSegments + 1) segmentEnd = new Int32Array(numSegments + 1);
  if (rowsBySegment.length < rows) rowsBySegment = new Int32Array(rows);
  if (rowSum.length < inner) rowSum = new Float64Array(inner);
  const end = segmentEnd;
  const order = rowsBySegment;
  const sum = rowSum;

  // A stable counting sort of the rows by segment: each segment's rows are then summed in row
  // order into one float64 row, read sequentially, and every output row is written once.
  end.fill(0, 0, numSegments + 1);
  for (let r = 0; r < rows; r++) {
    const s = ids[r]!;
    if (s >= 0 && s < numSegments) end[s + 1]!++;
  }
  for (let s = 0; s < numSegments; s++) end[s + 1]! += end[s]!;
  for (let r = 0; r < rows; r++) {
    const s = ids[r]!;
    if (s >= 0 && s < numSegments) order[end[s]!++] = r;
  }
  // end[s] is now where segment s's rows stop (and segment s + 1's begin).

  let begin = 0;
  for (let s = 0; s < numSegments; s++) {
    const stop = end[s]!;
    const o = s * inner;
    if (stop === begin) {
      out.fill(0, o, o + inner);
    } else if (stop === begin + 1) {
      const i = order[begin]! * inner;
      // + 0 as in a sum that starts from 0: -0 becomes +0, as on cpu.
      for (let j = 0; j < inner; j++) out[o + j] = x[i + j]! + 0;
    } else {
      sum.fill(0, 0, inner);
      for (let k = begin; k < stop; k++) {
        const i = order[k]! * inner;
        for (let j = 0; j < inner; j++) sum[j]! += x[i + j]!;
      }
      for (let j = 0; j < inner; j++) out[o + j] = sum[j]!;
    }
    begin = stop;
  }
}

/** The same for int32 (or bool) x: exact, wrapping like TensorFlow's int32 sums. */
export function segmentSumInt32(
  x: Int32Array | Uint8Array,
  ids: Int32Array,
  inner: number,
  numSegments: number,
  out: Int32Array,
): void {
  out.fill(0);
  const rows = ids.length;
  for (let r = 0; r < rows; r++) {
    const s = ids[r]!;
    if (s < 0 || s >= numSegments) continue;
    let o = s * inner;
    let i = r * inner;
    const end = i + inner;
    while (i < end) {
      out[o] = (out[o]! + x[i++]!) | 0;
      o++;
    }
  }
}

function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: {};
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const backend = args.backend as BackendWasm;

  const k = segmentIds.shape.length;
  if (k < 1 || k > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `unsortedSegmentSum: segmentIds shape [${segmentIds.shape.join(',')}] must be the leading dimensions of x shape [${x.shape.join(',')}]`,
    );
  }
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`unsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`);
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`unsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const innerShape = x.shape.slice(k);
  const inner = tf.util.sizeFromShape(innerShape);
  const outShape = [numSegments, ...innerShape];

  if (x.dtype === 'float32') {
    // makeOutput mallocs, which may grow the wasm heap and detach earlier views: take them after.
    const out = backend.makeOutput(outShape, 'float32');
    segmentSumFloat32(
      backend.typedArrayFromHeap(x) as Float32Array,
      backend.typedArrayFromHeap(segmentIds) as Int32Array,
      inner,
      numSegments,
      backend.typedArrayFromHeap(out) as Float32Array,
    );
    return out;
  }
  if (x.dtype === 'int32' || x.dtype === 'bool') {
    // int32 out for int32/bool in, as TensorFlow and tfjs's webgl backend do (cpu returns float32).
    const out = backend.makeOutput(outShape, 'int32');
    segmentSumInt32(
      backend.typedArrayFromHeap(x) as Int32Array | Uint8Array,
      backend.typedArrayFromHeap(segmentIds) as Int32Array,
      inner,
      numSegments,
      backend.typedArrayFromHeap(out) as Int32Array,
    );
    return out;
  }
  throw new Error(`unsortedSegmentSum: x of dtype ${x.dtype} is not supported on wasm`);
}

export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
