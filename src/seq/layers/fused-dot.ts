/**
 * tfjs's Dot (same config and serialized class name 'Dot') with its batched products on
 * wordloom's kernel threads: the attention scores (queries . keys, axes [2, 2]) and context
 * (weights . values, axes [2, 1]) of a seq2seq decoder. tfjs's wasm backend runs a scalar loop
 * for any transposed operand, which every gradient of these has.
 *
 * Fused: two float32 rank-3 inputs [batch, ., .] contracted over axes [2, 1], [2, 2] or [1, 1]
 * (negative axes allowed), without `normalize`. Anything else runs tfjs's own code.
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from '../engine/index.js';
import { runFusedOp } from './fused-op.js';
import { readFloats, tensorOf } from './tensor-io.js';
import { TFJS_BASE, TfjsDot } from './tfjs-classes.js';

interface DotInternals {
  axes: number | [number, number];
  normalize: boolean;
}

type Layout = 'NN' | 'NT' | 'TN';

/** Which product tfjs's batchDot computes for rank-3 inputs contracted over `axes`, or null (transposed both). */
function layoutOf(axes: [number, number]): Layout | null {
  const transposeX = axes[0] !== 2;
  const transposeY = axes[1] === 2;
  if (transposeX && transposeY) return null;
  return transposeX ? 'TN' : transposeY ? 'NT' : 'NN';
}

/** [batch, m, n] = op(x) op(y), with the shapes read from the stored layouts. */
function product(x: tf.Tensor, y: tf.Tensor, layout: Layout): tf.Tensor {
  const [batch, x1, x2] = x.shape as [number, number, number];
  const [, y1, y2] = y.shape as [number, number, number];
  const transposeA = layout === 'TN';
  const transposeB = layout === 'NT';
  const m = transposeA ? x2 : x1;
  const k = transposeA ? x1 : x2;
  const n = transposeB ? y1 : y2;
  const c = batchMatMul(readFloats(x), readFloats(y), { batch, m, k, n, transposeA, transposeB });
  return tensorOf(c, [batch, m, n]);
}

export class FusedDot extends TfjsDot {
  static readonly [TFJS_BASE] = TfjsDot;

  protected override mergeFunction(inputs: tf.Tensor[]): tf.Tensor {
    const layer = this as unknown as DotInternals;
    const [x, y] = inputs as [tf.Tensor, tf.Tensor];
    const raw = Array.isArray(layer.axes) ? layer.axes : [layer.axes, layer.axes];
    const axes = raw.map((a) => (a < 0 ? a + 3 : a)) as [number, number];
    const layout = inputs.length === 2 && x.rank === 3 && y.rank === 3 && x.dtype === 'float32' && y.dtype === 'float32' && !layer.normalize ? layoutOf(axes) : null;
    if (layout === null) return super.mergeFunction(inputs);
    const [out] = runFusedOp('FusedDot', {
      inputs: { x, y },
      forward: (_keep, save) => {
        save([x, y]);
        return [product(x, y, layout)];
      },
      backward: ([dz], [sx, sy]) => {
        // z = x y: dx = dz y^T, dy = x^T dz; z = x y^T: dx = dz y, dy = dz^T x; z = x^T y: dx = y dz^T, dy = x dz.
        const [a, b, d] = [sx!, sy!, dz!];
        if (layout === 'NN') return { x: product(d, b, 'NT'), y: product(a, d, 'TN') };
        if (layout === 'NT') return { x: product(d, b, 'NN'), y: product(d, a, 'TN') };
        return { x: product(b, d, 'NT'), y: product(a, d, 'NN') };
      },
    });
    return out!;
  }
}
