/**
 * Moving data between tfjs tensors and the engine's memory with as few copies as tfjs allows.
 * On the wasm backend a tensor's values are read straight from tfjs's heap and a new tensor is
 * copied into it when made, so neither side allocates a JavaScript array; other backends keep the
 * array a tensor is made from, so it gets a copy of its own.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendInternals {
  dataIdMap: { has(dataId: object): boolean };
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): Float32Array | Int32Array | Uint8Array;
}

function wasmHeapOf(t: tf.Tensor): WasmBackendInternals | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as WasmBackendInternals;
  return backend.dataIdMap.has(t.dataId) ? backend : null;
}

/**
 * The float32 values of `t`: a view into tfjs's memory on wasm, valid only until tfjs's next op,
 * so copy it before running one. Never write to it.
 */
export function readFloats(t: tf.Tensor): Float32Array {
  if (t.dtype === 'float32') {
    const heap = wasmHeapOf(t);
    if (heap !== null) return heap.typedArrayFromHeap(t) as Float32Array;
  }
  const data = t.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/** A float32 tensor of `data`, which may be a view into the engine's memory (copied here when needed). */
export function tensorOf(data: Float32Array, shape: number[]): tf.Tensor {
  const owned = tf.getBackend() === 'wasm' ? data : data.slice();
  return tf.tensor(owned, shape, 'float32');
}

/** `t` itself when it is float32, else a float32 copy: tfjs's `toFloat` copies even a float32 tensor. */
export function floatTensor(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : t.toFloat();
}
