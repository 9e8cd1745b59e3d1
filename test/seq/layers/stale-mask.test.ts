/**
 * tfjs 4.22's graph executor keeps ONE `kwargs` object for the whole model and only overwrites
 * `kwargs.mask` when a node's first input has a mask. A layer whose input has no mask therefore
 * receives the mask of an EARLIER layer. In an encoder-decoder (masked source, unmasked target)
 * the decoder gets the source mask: tfjs's own layers then silently mask the decoder with the
 * wrong steps (or crash when the source is shorter than the target).
 *
 * The fused layers cannot see where a mask came from, but a mask whose shape is not the input's
 * [batch, time] cannot belong to the input; these tests ask that the model then computes the
 * unmasked decoder (what the model means) instead of failing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedRecurrent, makeFusedDense } from './fused-api.js';
import { Fixtures, KINDS, assertTensorsClose, encoderDecoder, encoderDecoderBatch, tensorOf, tfjsRecurrent, useCpuBackend } from './harness.js';

beforeAll(useCpuBackend);

const ATOL = 1e-5;

describe('a decoder whose input has no mask, after a masked encoder, in a functional model', () => {
  it("(the tfjs bug itself: tfjs's own layers apply the encoder's mask to the decoder)", () => {
    const fx = new Fixtures(91);
    const m = encoderDecoder(tfjsRecurrent, (args) => tf.layers.dense(args as never), 'LSTM', false);
    const w = m.model.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.7, 0.7), t.shape));
    m.model.setWeights(w);
    const [src, tgt] = encoderDecoderBatch(fx, 6);
    tf.tidy(() => {
      const [, ...states] = m.encoder.apply(m.srcEmbedding.apply(src!), { mask: m.srcEmbedding.computeMask(src!) }) as tf.Tensor[];
      const unmasked = m.output.apply(m.decoder.apply(m.tgtEmbedding.apply(tgt!), { initialState: states })) as tf.Tensor;
      const viaExecutor = m.model.predict([src!, tgt!]) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(viaExecutor, unmasked))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
    tf.dispose([...w, src!, tgt!]);
    m.model.dispose();
  });

  for (const kind of KINDS) {
    it(`${kind}: the fused model computes the unmasked decoder (source 6 steps, target 5)`, () => {
      const fx = new Fixtures(90 + kind.length);
      const m = encoderDecoder(fusedRecurrent, makeFusedDense, kind, false);
      const w = m.model.getWeights().map((t) => tensorOf(fx.uniform(t.size, -0.7, 0.7), t.shape));
      m.model.setWeights(w);
      const [src, tgt] = encoderDecoderBatch(fx, 6);
      tf.tidy(() => {
        // Layer by layer, eagerly: the source mask goes to the encoder only.
        const [, ...states] = m.encoder.apply(m.srcEmbedding.apply(src!), { mask: m.srcEmbedding.computeMask(src!) }) as tf.Tensor[];
        const expected = m.output.apply(m.decoder.apply(m.tgtEmbedding.apply(tgt!), { initialState: states })) as tf.Tensor;
        assertTensorsClose(m.model.predict([src!, tgt!]) as tf.Tensor, expected, `${kind} unmasked decoder`, ATOL);
      });
      tf.dispose([...w, src!, tgt!]);
      m.model.dispose();
    });
  }
});
