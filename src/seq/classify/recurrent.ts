/**
 * The recurrent classifier: an embedding initialised from the pretrained vectors (frozen or
 * fine-tuned), 1..N LSTM/GRU layers (optionally bidirectional) on wordloom's fused engine,
 * many-to-one (the last state, or max or mean over time), dropout, a softmax layer.
 *
 * One tf.Sequential holds it, so it saves as a plain tfjs layers model:
 *   Embedding (maskZero for 'last', so plain tfjs masks padding itself) -> [Bidirectional] LSTM/GRU
 *   x N -> [GlobalMax/AveragePooling1D] -> Dense (logits) -> Activation softmax.
 * Training and wordloom's own prediction do not call model.predict: forward() applies the layers
 * with the padding mask passed explicitly and pools over the real steps only (tfjs's pooling layers
 * know no masks, so plain tfjs gives the same probabilities for a sentence on its own, and for a
 * padded batch only with 'last').
 */
import * as tf from '@tensorflow/tfjs';
import { mixSeed, SeededRandom } from '../../embeddings/shared/rng.js';
import { removeCheckpoint } from '../../embeddings/shared/checkpoint.js';
import { fusedBidirectional, fusedDense, fusedEmbedding, fusedGRU, fusedLSTM } from '../layers/index.js';
import { maskedMaxPool, maskedMeanPool } from '../layers/masked-pooling.js';
import { sparseSoftmaxCrossEntropy } from '../losses/sparse-softmax-cross-entropy.js';
import { createOptimizer, restoreOptimizerState, saveOptimizerState, setLearningRate, type SavedArray } from '../lm/optimizer.js';
import type { CellName } from '../lm/options.js';
import { runEpochLoop } from '../training/epoch-loop.js';
import { ExplosionGuard } from '../training/explosion-guard.js';
import { applyGradientStep } from '../training/gradient-step.js';
import { getWeights, setWeights } from '../training/weights.js';
import { saveClassifierCheckpoint, type ClassifierCheckpoint, type ClassifierRunPosition } from './checkpoint.js';
import type { PoolingName } from './options.js';
import { ExampleMeter, type ClassifierEpochReport, type ClassifierProgress } from './progress.js';
import { TrainedRows } from './trained-rows.js';

export interface RecurrentArchitecture {
  vocabularySize: number;
  embedding: number;
  cell: CellName;
  layers: number;
  units: number;
  bidirectional: boolean;
  pooling: PoolingName;
  classes: number;
}

/**
 * Builds the network; every weight is set afterwards by initialiseWeights. 'max-mean' needs two
 * pooling branches, so it is a functional model (still plain tfjs layers); the others a Sequential.
 */
export function buildRecurrentNetwork(arch: RecurrentArchitecture, trainableEmbedding: boolean): tf.LayersModel {
  if (arch.pooling === 'max-mean') {
    const input = tf.input({ batchShape: [null, null], dtype: 'int32', name: 'ids' });
    return tf.model({ name: 'text_classifier', inputs: input, outputs: applyBranch(recurrentLayers(arch, trainableEmbedding, ''), input) });
  }
  const layers = recurrentLayers(arch, trainableEmbedding, '', true);
  return tf.sequential({ name: 'text_classifier', layers: [layers.embedding, ...layers.recurrent, ...layers.pooling, layers.logits, layers.probabilities] });
}

/**
 * An ensemble as one plain tfjs layers model: word ids -> each member's network (its layers named
 * `m1_embedding`, `m1_logits`, ..., `m2_...`) -> the mean of the members' probabilities (an Average
 * layer named 'probabilities'). Members may differ in shape; they share the input ids.
 */
export function buildRecurrentEnsemble(members: readonly RecurrentArchitecture[]): tf.LayersModel {
  const input = tf.input({ batchShape: [null, null], dtype: 'int32', name: 'ids' });
  const outputs = members.map((arch, m) => applyBranch(recurrentLayers(arch, false, memberPrefix(m)), input));
  const mean = tf.layers.average({ name: 'probabilities' }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ name: 'text_classifier_ensemble', inputs: input, outputs: mean });
}

/** Layer-name prefix of an ensemble's member m (0-based). */
export const memberPrefix = (m: number): string => `m${m + 1}_`;

interface RecurrentLayers {
  embedding: tf.layers.Layer;
  recurrent: tf.layers.Layer[];
  /** Sequential pooling ('max', 'mean'; none for 'last'; the branch pools itself for 'max-mean'). */
  pooling: tf.layers.Layer[];
  logits: tf.layers.Layer;
  probabilities: tf.layers.Layer;
  prefix: string;
  mode: PoolingName;
}

function recurrentLayers(arch: RecurrentArchitecture, trainableEmbedding: boolean, prefix: string, sequential = false): RecurrentLayers {
  const embedding = fusedEmbedding({
    name: `${prefix}embedding`,
    inputDim: arch.vocabularySize,
    outputDim: arch.embedding,
    ...(sequential ? { batchInputShape: [null, null] } : {}),
    maskZero: arch.pooling === 'last',
    trainable: trainableEmbedding,
    embeddingsInitializer: 'zeros',
  });
  const recurrent: tf.layers.Layer[] = [];
  for (let l = 0; l < arch.layers; l++) {
    const args = { name: `${prefix}${arch.cell}_${l + 1}`, units: arch.units, returnSequences: l < arch.layers - 1 || arch.pooling !== 'last', recurrentActivation: 'sigmoid' as const,
      // initialiseWeights sets every weight: cheap initializers here (tfjs's orthogonal one is slow on big matrices).
      kernelInitializer: 'zeros' as const, recurrentInitializer: 'zeros' as const, biasInitializer: 'zeros' as const,
    };
    const cell = arch.cell === 'gru' ? fusedGRU(args) : fusedLSTM({ ...args, unitForgetBias: false });
    recurrent.push(arch.bidirectional ? fusedBidirectional({ layer: cell as unknown as tf.RNN, mergeMode: 'concat', name: `${prefix}${recurrentLayerName(arch, l)}` }) : cell);
  }
  const pooling: tf.layers.Layer[] = [];
  if (arch.pooling === 'max') pooling.push(tf.layers.globalMaxPooling1d({ name: `${prefix}max_over_time` }));
  if (arch.pooling === 'mean') pooling.push(tf.layers.globalAveragePooling1d({ name: `${prefix}mean_over_time` }));
  const logits = fusedDense({ name: `${prefix}logits`, units: arch.classes, kernelInitializer: 'zeros' });
  const probabilities = tf.layers.activation({ activation: 'softmax', name: `${prefix}probabilities` });
  return { embedding, recurrent, pooling, logits, probabilities, prefix, mode: arch.pooling };
}

function recurrentLayerName(arch: RecurrentArchitecture, l: number): string {
  return arch.bidirectional ? `bidirectional_${l + 1}` : `${arch.cell}_${l + 1}`;
}

/** The layers applied to symbolic ids: the network's probabilities. */
function applyBranch(layers: RecurrentLayers, input: tf.SymbolicTensor): tf.SymbolicTensor {
  let x = layers.embedding.apply(input) as tf.SymbolicTensor;
  for (const layer of layers.recurrent) x = layer.apply(x) as tf.SymbolicTensor;
  if (layers.mode === 'max-mean') {
    const max = tf.layers.globalMaxPooling1d({ name: `${layers.prefix}max_over_time` }).apply(x) as tf.SymbolicTensor;
    const mean = tf.layers.globalAveragePooling1d({ name: `${layers.prefix}mean_over_time` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.concatenate({ name: `${layers.prefix}max_and_mean` }).apply([max, mean]) as tf.SymbolicTensor;
  }
  for (const layer of layers.pooling) x = layer.apply(x) as tf.SymbolicTensor;
  return layers.probabilities.apply(layers.logits.apply(x)) as tf.SymbolicTensor;
}

/**
 * The embedding from the table; recurrent weights uniform in ±1/sqrt(units) and the Dense kernel
 * in ±1/sqrt(inputs), as PyTorch initialises its layers; the Dense bias zero. Drawn from one seeded
 * generator, so the two directions of a bidirectional layer start apart.
 */
export function initialiseWeights(model: tf.LayersModel, arch: RecurrentArchitecture, table: Float32Array, seed: number): void {
  const random = new SeededRandom(seed);
  const uniform = (size: number, limit: number): Float32Array => {
    const a = new Float32Array(size);
    for (let i = 0; i < size; i++) a[i] = (2 * random.nextFloat() - 1) * limit;
    return a;
  };
  const values = model.weights.map((w) => {
    const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    if (w.originalName.startsWith('embedding/')) return table;
    if (w.originalName.startsWith('logits/')) return w.originalName.endsWith('bias') ? new Float32Array(size) : uniform(size, 1 / Math.sqrt(w.shape[0]!));
    return uniform(size, 1 / Math.sqrt(arch.units));
  });
  const tensors = values.map((v, i) => tf.tensor(v, model.weights[i]!.shape as number[]));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Dropout rates while training (0 = none). */
export interface RecurrentDropout {
  embedding: number;
  /** Between recurrent layers and on the sentence vector. */
  hidden: number;
}

const NO_DROPOUT: RecurrentDropout = { embedding: 0, hidden: 0 };

/** ids [batch, time] (0 = padding) -> logits [batch, classes], the padding masked. */
export function recurrentLogits(
  model: tf.LayersModel, arch: RecurrentArchitecture, ids: tf.Tensor2D, training: boolean, dropout: RecurrentDropout, nextSeed: () => number, prefix = '',
  trainedRows: TrainedRows | null = null,
): tf.Tensor2D {
  // With trainedRows, ids are its compact rows (<PAD> still 0) and the vectors come from its table.
  const mask = tf.cast(tf.notEqual(ids, 0), 'float32') as tf.Tensor2D;
  let x = trainedRows ? trainedRows.embed(ids) : (model.getLayer(`${prefix}embedding`).apply(ids) as tf.Tensor);
  if (training && dropout.embedding > 0) x = tf.dropout(x, dropout.embedding, undefined, nextSeed());
  for (let l = 0; l < arch.layers; l++) {
    x = model.getLayer(`${prefix}${recurrentLayerName(arch, l)}`).apply(x, { mask, training }) as tf.Tensor;
    if (training && dropout.hidden > 0 && l < arch.layers - 1) x = tf.dropout(x, dropout.hidden, undefined, nextSeed());
  }
  if (arch.pooling !== 'last') {
    const max = (): tf.Tensor => maskedMaxPool(x as tf.Tensor3D, mask);
    const mean = (): tf.Tensor => maskedMeanPool(x as tf.Tensor3D, mask);
    x = arch.pooling === 'max' ? max() : arch.pooling === 'mean' ? mean() : tf.concat([max(), mean()], 1);
  }
  if (training && dropout.hidden > 0) x = tf.dropout(x, dropout.hidden, undefined, nextSeed());
  return model.getLayer(`${prefix}logits`).apply(x) as tf.Tensor2D;
}

/** Padded batches of texts: ids [texts x time] with time the longest text of the batch (at least 1). */
export function padBatch(ids: Int32Array, offsets: Int32Array, texts: ArrayLike<number>): { values: Int32Array; time: number } {
  let time = 1;
  for (let i = 0; i < texts.length; i++) time = Math.max(time, offsets[texts[i]! + 1]! - offsets[texts[i]!]!);
  const values = new Int32Array(texts.length * time);
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    values.set(ids.subarray(offsets[t]!, offsets[t + 1]!), i * time);
  }
  return { values, time };
}

export interface RecurrentData {
  ids: Int32Array;
  offsets: Int32Array;
  labels: Int32Array;
}

/**
 * Class probabilities [texts x classes] in text order, computed in batches of similar length; for
 * an ensemble (`members`: each member's shape) the mean of the members' probabilities.
 */
export function recurrentProbabilities(
  model: tf.LayersModel, arch: RecurrentArchitecture, ids: Int32Array, offsets: Int32Array, batch = 128, members: readonly RecurrentArchitecture[] | null = null,
): Float32Array {
  const n = offsets.length - 1;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => offsets[a + 1]! - offsets[a]! - (offsets[b + 1]! - offsets[b]!));
  const out = new Float32Array(n * arch.classes);
  for (let s = 0; s < n; s += batch) {
    const texts = order.slice(s, s + batch);
    const { values, time } = padBatch(ids, offsets, texts);
    const p = tf.tidy(() => {
      const x = tf.tensor2d(values, [texts.length, time], 'int32');
      if (members === null) return tf.softmax(recurrentLogits(model, arch, x, false, NO_DROPOUT, () => 0));
      const each = members.map((a, m) => tf.softmax(recurrentLogits(model, a, x, false, NO_DROPOUT, () => 0, memberPrefix(m))));
      return tf.div(tf.addN(each), members.length);
    });
    const data = p.dataSync();
    p.dispose();
    texts.forEach((t, i) => out.set(data.subarray(i * arch.classes, (i + 1) * arch.classes), t * arch.classes));
  }
  return out;
}

/** Accuracy and mean cross-entropy of probabilities against labels. */
export function scoreProbabilities(p: Float32Array, labels: Int32Array, classes: number): { accuracy: number; loss: number } {
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    let arg = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + arg]!) arg = c;
    if (arg === y) correct++;
    loss -= Math.log(Math.max(p[i * classes + y]!, 1e-30));
  }
  const n = labels.length;
  return { accuracy: n > 0 ? correct / n : 0, loss: n > 0 ? loss / n : 0 };
}

export interface RecurrentTrainingOptions {
  lr: number;
  epochs: number;
  batch: number;
  dropout: RecurrentDropout;
  /** Share of the words replaced by <UNK> (removed when unknown words are skipped) while training. */
  wordDropout: number;
  weightDecay: number;
  clip: number;
  patience: number;
  lrDecay: number;
  /** The pretrained word vectors' learning rate as a multiple of lr (<UNK> and learned rows train at lr). */
  embeddingLrScale: number;
  /** The pretrained rows stay fixed throughout (freeze) or for the first freezeEpochs epochs. */
  freeze: boolean;
  freezeEpochs: number;
  /** Rows that train even while the pretrained ones are fixed: <UNK> and learned words (ids >= learnedFrom); none when -1. */
  unknownId: number;
  learnedFrom: number;
  seed: number;
  classWeights: Float32Array;
  signal: AbortSignal | undefined;
  /** Where to save the run after every epoch, every checkpointEvery seconds within one (0: never) and on abort; undefined = never. */
  checkpoint: string | undefined;
  checkpointEvery: number;
  /** The checkpoint's settings and data description (what saveClassifierCheckpoint records besides the run). */
  checkpointRecord: Pick<ClassifierCheckpoint, 'settings' | 'data'>;
  /** A checkpoint to continue from. */
  resumed: ClassifierCheckpoint | null;
  onProgress: ((p: ClassifierProgress) => void) | undefined;
  onEpoch: (report: ClassifierEpochReport) => void;
  onLog: (message: string) => void;
}

/**
 * Trains the model in place with Adam (the word vectors with an optimizer of their own, the
 * pretrained rows at embeddingLrScale x the rate) in the sequence trainers' shared epoch loop (runEpochLoop: abort,
 * checkpoints, validation, decay, early stop, best weights) and gradient step (applyGradientStep:
 * clipping, divergence); on return the model has the best epoch's weights. A checkpoint is saved
 * after every epoch but the last and on abort; a resumed run gives the weights of a run never
 * interrupted (the epoch's batches are drawn again from the saved generator state).
 */
export async function trainRecurrent(
  model: tf.LayersModel,
  arch: RecurrentArchitecture,
  train: RecurrentData,
  validation: RecurrentData | null,
  options: RecurrentTrainingOptions,
): Promise<{ stopped: 'epochs' | 'early-stop'; bestEpoch: number | null; epochs: number }> {
  const shuffler = new SeededRandom(options.seed);
  const dropoutRandom = new SeededRandom(mixSeed(options.seed, 1));
  const nextSeed = (): number => dropoutRandom.nextUint32();
  const embeddingLayer = model.getLayer('embedding');
  const modelTable = embeddingLayer.trainable ? (embeddingLayer.trainableWeights[0]!.read() as tf.Variable) : null;
  const layerVariables = model.trainableWeights.map((w) => w.read() as tf.Variable).filter((v) => v !== modelTable);
  // Only the rows the training texts read can change: the vectors train as a compact table of them.
  const trainedRows = modelTable ? new TrainedRows(embeddingLayer, train.ids) : null;
  const trainIds = trainedRows ? trainedRows.compactIds(train.ids) : train.ids;
  const embeddingVariable = trainedRows?.variable ?? null;
  const isOwnRow = (row: number): boolean => row >= options.learnedFrom || row === options.unknownId;
  const optimizer = createOptimizer('adam', options.lr);
  // The table's own rows (<UNK> and the learned words) start at random: they have nothing to keep,
  // so they learn at the full rate and only the pretrained rows at embeddingLrScale x it.
  const hasOwnRows = options.unknownId >= 0 || options.learnedFrom < arch.vocabularySize;
  // Adam's step is linear in its rate, so running the vectors' optimizer at the full rate and then
  // scaling the pretrained rows' change by embeddingLrScale is exactly a rate per row.
  const rowRates = trainedRows && hasOwnRows && options.embeddingLrScale !== 1 ? trainedRows.column(isOwnRow, 1, options.embeddingLrScale) : null;
  const embeddingRate = (lr: number): number => (rowRates ? lr : lr * options.embeddingLrScale);
  const embeddingOptimizer = embeddingVariable ? createOptimizer('adam', embeddingRate(options.lr)) : null;
  // While the pretrained rows are fixed, only <UNK> and the learned rows of the vectors' gradient pass.
  const rowMask = trainedRows && hasOwnRows && (options.freeze || options.freezeEpochs > 0) ? trainedRows.column(isOwnRow, 1, 0) : null;
  // Word dropout replaces a word by <UNK> (or removes it, as padding, when unknown words are skipped).
  // <PAD> and <UNK> keep their ids among the compact rows (the special rows come first and always train).
  const droppedWord = options.unknownId >= 0 ? options.unknownId : 0;
  const n = train.labels.length;
  const guard = new ExplosionGuard(arch.classes, 'per example');
  let position: ClassifierRunPosition = {
    epoch: 0, batch: 0, step: 0, examplesDone: 0, learningRate: options.lr, epochLossSum: 0, epochSteps: 0, epochExamples: 0, epochCorrect: 0,
    best: null, bestEpoch: null, badEpochs: 0, history: [], shuffleState: shuffler.getState(), dropoutState: 0,
  };
  let bestWeights: SavedArray[] | null = null;
  const log = options.onLog;
  try {
    if (options.resumed) {
      const r = options.resumed;
      setWeights(model, r.weights, options.checkpoint!);
      trainedRows?.fromModel();
      await restoreOptimizerState(optimizer, r.optimizers[0]);
      if (embeddingOptimizer && r.optimizers[1]) await restoreOptimizerState(embeddingOptimizer, r.optimizers[1]);
      bestWeights = r.bestWeights;
      position = r.position;
      dropoutRandom.setState(position.dropoutState);
      setLearningRate(optimizer, position.learningRate);
      if (embeddingOptimizer) setLearningRate(embeddingOptimizer, embeddingRate(position.learningRate));
      log(`resuming from ${options.checkpoint}: epoch ${position.epoch + 1}/${options.epochs}, step ${position.step}`);
    }
    const meter = new ExampleMeter(position.examplesDone);
    const totalExamples = options.epochs * n;
    // Set by startEpoch: the epoch's batches, and whether (and which) word vectors train in it.
    let batches: number[][] = [];
    let pretrainedFixed = false;
    let trainsEmbedding = false;
    let variables: tf.Variable[] = layerVariables;
    let lastLoss = 0;
    let epochStart = { examples: 0, time: 0 };
    let scored: { accuracy: number; loss: number } | null = null;

    /** One batch: forward with dropout, class-weighted loss, gradients, the shared clipped update, weight decay. Returns loss x examples. */
    const step = (index: number): number => {
      const texts = batches[index]!;
      const { values, time } = padBatch(trainIds, train.offsets, texts);
      if (options.wordDropout > 0) {
        for (let i = 0; i < values.length; i++) if (values[i] !== 0 && dropoutRandom.nextFloat() < options.wordDropout) values[i] = droppedWord;
      }
      const weights = new Float32Array(texts.length);
      const labels = new Int32Array(texts.length);
      let weightSum = 0;
      texts.forEach((t, i) => {
        labels[i] = train.labels[t]!;
        weights[i] = options.classWeights[labels[i]!]!;
        weightSum += weights[i]!;
      });
      const xs = tf.tensor2d(values, [texts.length, time], 'int32');
      const ys = tf.tensor1d(labels, 'int32');
      const ws = tf.tensor1d(weights);
      let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
      let correctTensor: tf.Scalar | null = null;
      try {
        result = tf.variableGrads(() => {
          const logits = recurrentLogits(model, arch, xs, true, options.dropout, nextSeed, '', trainedRows);
          correctTensor = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')) as tf.Scalar);
          const losses = sparseSoftmaxCrossEntropy(ys, logits, 'none');
          return tf.div(tf.sum(tf.mul(losses, ws)), weightSum) as tf.Scalar;
        }, variables);
      } finally {
        tf.dispose([xs, ys, ws]);
      }
      const loss = result.value.dataSync()[0]!;
      const correct = (correctTensor as tf.Scalar | null)?.dataSync()[0] ?? 0;
      tf.dispose([result.value, correctTensor as tf.Scalar | null].filter((t): t is tf.Scalar => t !== null));
      if (trainsEmbedding && pretrainedFixed && rowMask) {
        const g = result.grads[embeddingVariable!.name]!;
        result.grads[embeddingVariable!.name] = tf.mul(g, rowMask);
        g.dispose();
      }
      // A clone shares the variable's buffer, which the optimizer's assign leaves untouched.
      const vectorsBefore = trainsEmbedding && rowRates ? embeddingVariable!.clone() : null;
      applyGradientStep({
        losses: [loss], grads: result.grads, variables: layerVariables, optimizer, clip: options.clip, guards: [guard],
        at: { epoch: position.epoch, step: position.step, learningRate: position.learningRate },
        ...(trainsEmbedding ? { also: [{ optimizer: embeddingOptimizer!, variables: [embeddingVariable!] }] } : {}),
      });
      if (vectorsBefore) {
        const before = vectorsBefore;
        tf.tidy(() => embeddingVariable!.assign(tf.add(before, tf.mul(tf.sub(embeddingVariable!, before), rowRates!))));
        before.dispose();
      }
      if (options.weightDecay > 0) {
        // Decoupled (AdamW), on the layers only: decaying the pretrained vectors would pull them to zero.
        const factor = 1 - position.learningRate * options.weightDecay;
        tf.tidy(() => {
          for (const v of layerVariables) v.assign(tf.mul(v, factor));
        });
      }
      position.examplesDone += texts.length;
      position.epochExamples += texts.length;
      position.epochCorrect += correct;
      lastLoss = loss;
      return loss * texts.length;
    };

    const stopped = await runEpochLoop({
      options: { ...options, maxSteps: 0, onLog: log, onEpoch: undefined },
      position,
      indexKey: 'batch',
      get stepsPerEpoch() {
        return batches.length;
      },
      optimizer,
      bestWeights,
      weights: () => {
        trainedRows?.toModel();
        return getWeights(model);
      },
      setWeights: (saved, source) => {
        setWeights(model, saved, source);
        trainedRows?.fromModel();
      },
      save: async (best) => {
        position.dropoutState = dropoutRandom.getState();
        trainedRows?.toModel();
        await saveClassifierCheckpoint(options.checkpoint!, {
          ...options.checkpointRecord,
          position,
          weights: getWeights(model),
          bestWeights: best,
          optimizers: [await saveOptimizerState(optimizer), embeddingOptimizer ? await saveOptimizerState(embeddingOptimizer) : null],
        });
      },
      onLearningRate: (lr) => embeddingOptimizer && setLearningRate(embeddingOptimizer, embeddingRate(lr)),
      startEpoch: () => {
        shuffler.setState(position.shuffleState);
        batches = epochBatches(train.offsets, options.batch, shuffler);
        pretrainedFixed = options.freeze || position.epoch < options.freezeEpochs;
        trainsEmbedding = embeddingVariable !== null && (!pretrainedFixed || rowMask !== null);
        variables = trainsEmbedding ? [...layerVariables, embeddingVariable!] : layerVariables;
        epochStart = { examples: position.examplesDone, time: performance.now() };
      },
      step,
      afterStep: () =>
        options.onProgress?.(
          meter.snapshot({
            epoch: position.epoch + 1, epochs: options.epochs, examplesDone: position.examplesDone, totalExamples,
            learningRate: position.learningRate, loss: lastLoss, epochLoss: position.epochLossSum / position.epochExamples,
          }),
        ),
      validate: () => {
        trainedRows?.toModel();
        scored = validation === null ? null : scoreProbabilities(recurrentProbabilities(model, arch, validation.ids, validation.offsets), validation.labels, arch.classes);
        const v = scored;
        const best = position.best;
        // Accuracy first; a tie goes to the lower loss. The loop compares -accuracy.
        return {
          current: v === null ? null : -v.accuracy,
          best: best === null ? null : -best.accuracy,
          improved: v !== null && (best === null || v.accuracy > best.accuracy || (v.accuracy === best.accuracy && v.loss < best.loss)),
          keep: () => {
            position.best = v;
          },
          ...(v !== null && best !== null ? { notImproved: `validation accuracy did not improve (${(v.accuracy * 100).toFixed(2)}% <= ${(best.accuracy * 100).toFixed(2)}%)` } : {}),
        };
      },
      report: (facts) => {
        const v = scored as { accuracy: number; loss: number } | null;
        const seconds = (performance.now() - epochStart.time) / 1000;
        const report: ClassifierEpochReport = {
          epoch: position.epoch + 1,
          epochs: options.epochs,
          trainLoss: position.epochLossSum / Math.max(1, position.epochExamples),
          trainAccuracy: position.epochCorrect / Math.max(1, position.epochExamples),
          valAccuracy: v?.accuracy ?? null,
          valLoss: v?.loss ?? null,
          improved: facts.improved,
          learningRate: facts.learningRate,
          examplesPerSecond: seconds > 0 ? (position.examplesDone - epochStart.examples) / seconds : 0,
          seconds,
        };
        options.onEpoch(report);
        return report;
      },
      endEpoch: () => {
        position.epochExamples = 0;
        position.epochCorrect = 0;
        position.shuffleState = shuffler.getState();
      },
    });
    trainedRows?.toModel();
    if (options.checkpoint) await removeCheckpoint(options.checkpoint);
    return { stopped: stopped === 'early-stop' ? 'early-stop' : 'epochs', bestEpoch: position.bestEpoch, epochs: position.epoch };
  } finally {
    rowMask?.dispose();
    rowRates?.dispose();
    trainedRows?.dispose();
    optimizer.dispose();
    embeddingOptimizer?.dispose();
  }
}

/**
 * An epoch's batches: the texts shuffled, cut into pools of 50 batches, each pool sorted by length
 * and cut into batches (little padding), the batches shuffled (no order by length across the epoch).
 */
function epochBatches(offsets: Int32Array, batch: number, random: SeededRandom): number[][] {
  const n = offsets.length - 1;
  const order = Array.from({ length: n }, (_, i) => i);
  shuffle(order, random);
  const length = (t: number): number => offsets[t + 1]! - offsets[t]!;
  const batches: number[][] = [];
  const pool = batch * 50;
  for (let s = 0; s < n; s += pool) {
    const part = order.slice(s, s + pool).sort((a, b) => length(a) - length(b) || a - b);
    for (let b = 0; b < part.length; b += batch) batches.push(part.slice(b, b + batch));
  }
  shuffle(batches, random);
  return batches;
}

function shuffle<T>(items: T[], random: SeededRandom): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.nextFloat() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
