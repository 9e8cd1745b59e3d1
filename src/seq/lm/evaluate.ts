/**
 * Validation figures of a language model on an id stream: the stream is laid out in parallel
 * streams (as for training) and read window by window with the state carried, so every position
 * but each stream's first is predicted from all of its stream before it. The loss is the mean
 * cross-entropy in nats over the predicted positions; perplexity is its exponential; for character
 * models, bits per character is loss / ln 2.
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { batchify, windowAt, windowCount } from './batches.js';
import { forwardLoss } from './network.js';
import type { LanguageModelLevel } from './options.js';
import type { LanguageModelEvaluation } from './progress.js';
import { disposeStates, type LayerStates } from './stateful.js';

export interface EvaluationLayout {
  /** Parallel streams (fewer when the text is short). */
  batch: number;
  seqLen: number;
}

/** Figures from a summed loss over `tokens` positions. */
export function figures(lossSum: number, tokens: number, level: LanguageModelLevel): LanguageModelEvaluation {
  const loss = lossSum / tokens;
  return { loss, perplexity: Math.exp(loss), bitsPerChar: level === 'char' ? loss / Math.LN2 : null, tokens };
}

export function evaluateIds(
  model: tf.LayersModel,
  ids: Int32Array,
  layout: EvaluationLayout,
  level: LanguageModelLevel,
  tieWeights = false,
): LanguageModelEvaluation {
  if (ids.length < 2) {
    throw new WordloomError('EEMPTY', `evaluation needs a text of at least 2 tokens (one to read, one to predict), got ${ids.length}`);
  }
  const streams = Math.max(1, Math.min(layout.batch, ids.length - 1));
  const data = batchify(ids, streams);
  const windows = windowCount(data, layout.seqLen);
  const options = { training: false, dropout: 0, nextSeed: () => 0, tieWeights };
  let states: LayerStates | null = null;
  let lossSum = 0;
  try {
    for (let w = 0; w < windows; w++) {
      const win = windowAt(data, w, layout.seqLen);
      const previous: LayerStates | null = states;
      const result: { loss: tf.Scalar; states: LayerStates } = tf.tidy(() => {
        const x = tf.tensor2d(win.inputs, [win.streams, win.time], 'int32');
        const y = tf.tensor2d(win.targets, [win.streams, win.time], 'int32');
        return forwardLoss(model, x, y, previous, options, 'sum');
      });
      lossSum += result.loss.dataSync()[0]!;
      result.loss.dispose();
      disposeStates(previous);
      states = result.states;
    }
  } finally {
    disposeStates(states);
  }
  return figures(lossSum, streams * data.length, level);
}
