import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/*
 * Reverse for the wasm backend, replacing tfjs's own. A bidirectional recurrent layer reverses its
 * backward copy's output in time, and the gradient reverses it back: two calls a layer a step, and
 * tfjs's wasm kernel (one index computation per element) took 11% of a BiLSTM classifier's
 * training step. Reversing one axis is a copy of contiguous runs; several axes are done one after
 * another. Values are copied exactly, any dtype.
 */

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * out = x with the middle axis of [outer, length, inner] reversed. `out` must not be `x`.
 */
export function reverseMiddleAxis(x: Values, outer: number, length: number, inner: number, out: Values): void {
  const block = length * inner;
  for (let o = 0, base = 0; o < outer; o++, base += block) {
    for (let t = 0; t < length; t++) {
      const from = base + t * inner;
      const to = base + (length - 1 - t) * inner;
      for (let j = 0; j < inner; j++) out[to + j] = x[from + j]!;
    }
  }
}

/** out = x reversed along each of `axes` (of a tensor shaped `shape`); an axis listed twice is reversed twice, as on tfjs's cpu backend. */
export function reverseAxes(x: Values, shape: readonly number[], axes: readonly number[], out: Values): void {
  const size = (from: number, to: number): number => shape.slice(from, to).reduce((a, b) => a * b, 1);
  const unique = [...new Set(axes)].filter((a) => shape[a]! > 1 && axes.filter((b) => b === a).length % 2 === 1);
  if (unique.length === 0) {
    out.set(x);
    return;
  }
  let source = x;
  // Several axes: ping-pong through one scratch copy so the last pass lands in `out`.
  const scratch = unique.length > 1 ? (new (x.constructor as { new (n: number): Values })(x.length)) : out;
  unique.forEach((axis, i) => {
    const target = (unique.length - 1 - i) % 2 === 0 ? out : scratch;
    reverseMiddleAxis(source, size(0, axis), shape[axis]!, size(axis + 1, shape.length), target);
    source = target;
  });
}

function reverse(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const dims = (args.attrs as { dims: number | number[] }).dims;
  const axes = x.shape.length === 0 ? [] : tf.util.parseAxisParam(dims, x.shape);
  // makeOutput mallocs, which may grow the wasm heap and detach earlier views: take them after.
  const out = backend.makeOutput(x.shape, x.dtype);
  reverseAxes(backend.typedArrayFromHeap(x) as Values, x.shape, axes, backend.typedArrayFromHeap(out) as Values);
  return out;
}

export const reverseWasmConfig: tf.KernelConfig = {
  kernelName: tf.Reverse,
  backendName: 'wasm',
  kernelFunc: reverse,
};
