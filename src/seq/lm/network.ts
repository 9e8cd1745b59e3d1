/**
 * The language model's network: Embedding -> N recurrent layers (returnSequences) -> Dense
 * producing logits over the vocabulary, built from wordloom's fused layers as one tf.Sequential
 * with batchInputShape [null, null], so the same object trains, evaluates, generates and saves
 * as a plain tfjs model that runs on any batch size and sequence length.
 *
 * Training does not call model.predict: forward() applies the layers one by one, carrying the
 * recurrent states in and out, with dropout between layers and, for tied weights, the output
 * computed from the embedding table (the Dense kernel is then unused until syncTiedKernel copies
 * the table's transpose into it, so the saved model stays a plain Dense).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedDense, fusedEmbedding, fusedGRU, fusedLSTM, fusedSimpleRNN } from '../layers/index.js';
import { denseSoftmaxCrossEntropy } from '../losses/dense-softmax-cross-entropy.js';
import { sparseSoftmaxCrossEntropy } from '../losses/sparse-softmax-cross-entropy.js';
import type { CellName } from './options.js';
import { applyRecurrentWithState, isRecurrentLayer, type LayerStates } from './stateful.js';
import { tiedLogits } from './tied-output.js';
import { topLayerUnits, unitsPerLayer, type LayerUnits } from './layer-units.js';

export interface Architecture {
  /** Rows of the embedding table and outputs of the Dense layer (the vocabulary size, specials included). */
  vocabularySize: number;
  cell: CellName;
  layers: number;
  /** One size for every recurrent layer, or one per layer, lowest first (src/seq/lm/layer-units.ts). */
  units: LayerUnits;
  embedding: number;
  tieWeights: boolean;
}

/** tfjs class names of the cells. */
export const CELL_CLASS: Readonly<Record<CellName, string>> = { lstm: 'LSTM', gru: 'GRU', rnn: 'SimpleRNN' };

/**
 * Builds the network with seeded initial weights (`nextSeed` gives one seed per weight): every
 * recurrent weight and bias uniform in ±1/sqrt(units of its layer) and the Dense kernel in ±1/sqrt(inputs), as
 * PyTorch initialises its layers; the embedding table with unit variance (uniform in ±sqrt(3), as
 * PyTorch's N(0, 1); a char model learns several times faster in its first hundred steps than with
 * a small table) or, when it is also the output layer (tied weights), uniform in ±0.1 as PyTorch's
 * word_language_model; the Dense bias zero.
 */
export function buildNetwork(arch: Architecture, nextSeed: () => number): tf.Sequential {
  const uniform = (limit: number) => tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: nextSeed() });
  const layers: tf.layers.Layer[] = [
    fusedEmbedding({
      name: 'embedding',
      inputDim: arch.vocabularySize,
      outputDim: arch.embedding,
      batchInputShape: [null, null],
      embeddingsInitializer: uniform(arch.tieWeights ? 0.1 : Math.sqrt(3)),
    }),
  ];
  unitsPerLayer(arch.units, arch.layers).forEach((units, l) => {
    const k = 1 / Math.sqrt(units);
    const args = {
      name: `${CELL_CLASS[arch.cell].toLowerCase()}_${l + 1}`,
      units,
      returnSequences: true,
      activation: 'tanh' as const,
      kernelInitializer: uniform(k),
      recurrentInitializer: uniform(k),
      biasInitializer: uniform(k),
    };
    if (arch.cell === 'lstm') layers.push(fusedLSTM({ ...args, recurrentActivation: 'sigmoid', unitForgetBias: false }));
    else if (arch.cell === 'gru') layers.push(fusedGRU({ ...args, recurrentActivation: 'sigmoid' }));
    else layers.push(fusedSimpleRNN(args));
  });
  layers.push(
    fusedDense({
      name: 'logits',
      units: arch.vocabularySize,
      kernelInitializer: uniform(1 / Math.sqrt(topLayerUnits(arch.units))),
      biasInitializer: 'zeros',
    }),
  );
  return tf.sequential({ name: 'language_model', layers });
}

/** The variables training updates: all of the model's, but the Dense kernel when the weights are tied. */
export function trainableVariables(model: tf.LayersModel, tieWeights: boolean): tf.Variable[] {
  const output = model.layers[model.layers.length - 1]!;
  const tiedKernel = tieWeights ? output.trainableWeights[0] : undefined;
  return model.trainableWeights.filter((w) => w !== tiedKernel).map((w) => w.read() as tf.Variable);
}

export interface ForwardOptions {
  training: boolean;
  /** Dropout rate on each recurrent layer's output, applied when training. */
  dropout: number;
  /** Seeds of the dropout masks (one per mask), so that masks are reproducible. */
  nextSeed: () => number;
  tieWeights: boolean;
}

/** ids [batch, time] from `states` (null: zeros) -> logits [batch, time, vocabulary] and the final states. */
export function forward(model: tf.LayersModel, ids: tf.Tensor, states: LayerStates | null, options: ForwardOptions): { logits: tf.Tensor; states: LayerStates } {
  const { hidden: x, states: next } = forwardHidden(model, ids, states, options);
  const embedding = model.layers[0]!;
  const output = model.layers[model.layers.length - 1]!;
  let logits: tf.Tensor;
  if (options.tieWeights) {
    const table = embedding.trainableWeights[0]!.read();
    const bias = output.trainableWeights[1]?.read() ?? null;
    logits = tiedLogits(x, table, bias);
  } else {
    logits = output.apply(x) as tf.Tensor;
  }
  return { logits, states: next };
}

/**
 * The cross-entropy of predicting `targets` [batch, time] (the mean, or the sum), and the final
 * states, with the output layer and the loss as one op when the weights are not tied, so the
 * [batch x time, vocabulary] logits never become a tfjs tensor.
 */
export function forwardLoss(
  model: tf.LayersModel, ids: tf.Tensor, targets: tf.Tensor, states: LayerStates | null, options: ForwardOptions, reduction: 'mean' | 'sum' = 'mean',
): { loss: tf.Scalar; states: LayerStates } {
  if (options.tieWeights) {
    const r = forward(model, ids, states, options);
    return { loss: sparseSoftmaxCrossEntropy(targets, r.logits, reduction) as tf.Scalar, states: r.states };
  }
  const r = forwardHidden(model, ids, states, options);
  return { loss: denseSoftmaxCrossEntropy(r.hidden, model.layers[model.layers.length - 1]!, targets, reduction) as tf.Scalar, states: r.states };
}

/** The top recurrent layer's output [batch, time, units] (after dropout when training) and the final states. */
function forwardHidden(model: tf.LayersModel, ids: tf.Tensor, states: LayerStates | null, options: ForwardOptions): { hidden: tf.Tensor; states: LayerStates } {
  const [embedding, ...rest] = model.layers;
  rest.pop();
  let x = embedding!.apply(ids) as tf.Tensor;
  const next: LayerStates = [];
  for (const layer of rest) {
    if (!isRecurrentLayer(layer)) throw new Error(`language model layer ${layer.name} (${layer.getClassName()}) is not recurrent`);
    const r = applyRecurrentWithState(layer, x, states?.[next.length] ?? null, options.training);
    next.push(r.state);
    x = r.output;
    if (options.training && options.dropout > 0) x = tf.dropout(x, options.dropout, undefined, options.nextSeed());
  }
  return { hidden: x, states: next };
}

/** Copies the embedding table's transpose into the Dense kernel, so the model predicts on its own. */
export function syncTiedKernel(model: tf.LayersModel): void {
  const table = model.layers[0]!.trainableWeights[0]!.read();
  const kernel = model.layers[model.layers.length - 1]!.trainableWeights[0]!;
  tf.tidy(() => {
    kernel.write(tf.transpose(table));
  });
}
