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
import { WordloomError } from '../../errors.js';
import { SeededRandom } from '../../embeddings/shared/rng.js';
import { throwIfAborted } from '../../embeddings/shared/interrupt.js';
import { fusedBidirectional, fusedDense, fusedEmbedding, fusedGRU, fusedLSTM } from '../layers/index.js';
import { sparseSoftmaxCrossEntropy } from '../losses/sparse-softmax-cross-entropy.js';
import { clipByGlobalNorm } from '../lm/clip.js';
import { createOptimizer } from '../lm/optimizer.js';
import type { CellName } from '../lm/options.js';
import type { PoolingName } from './options.js';

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

/** Builds the network; every weight is set afterwards by initialiseWeights. */
export function buildRecurrentNetwork(arch: RecurrentArchitecture, freeze: boolean): tf.Sequential {
  const layers: tf.layers.Layer[] = [
    fusedEmbedding({
      name: 'embedding',
      inputDim: arch.vocabularySize,
      outputDim: arch.embedding,
      batchInputShape: [null, null],
      maskZero: arch.pooling === 'last',
      trainable: !freeze,
      embeddingsInitializer: 'zeros',
    }),
  ];
  for (let l = 0; l < arch.layers; l++) {
    const args = { name: `${arch.cell}_${l + 1}`, units: arch.units, returnSequences: l < arch.layers - 1 || arch.pooling !== 'last', recurrentActivation: 'sigmoid' as const,
      // initialiseWeights sets every weight: cheap initializers here (tfjs's orthogonal one is slow on big matrices).
      kernelInitializer: 'zeros' as const, recurrentInitializer: 'zeros' as const, biasInitializer: 'zeros' as const,
    };
    const cell = arch.cell === 'gru' ? fusedGRU(args) : fusedLSTM({ ...args, unitForgetBias: false });
    layers.push(arch.bidirectional ? fusedBidirectional({ layer: cell as unknown as tf.RNN, mergeMode: 'concat', name: `bidirectional_${l + 1}` }) : cell);
  }
  if (arch.pooling === 'max') layers.push(tf.layers.globalMaxPooling1d({ name: 'max_over_time' }));
  if (arch.pooling === 'mean') layers.push(tf.layers.globalAveragePooling1d({ name: 'mean_over_time' }));
  layers.push(fusedDense({ name: 'logits', units: arch.classes, kernelInitializer: 'zeros' }));
  layers.push(tf.layers.activation({ activation: 'softmax', name: 'probabilities' }));
  return tf.sequential({ name: 'text_classifier', layers });
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

/** ids [batch, time] (0 = padding) -> logits [batch, classes], the padding masked. */
export function recurrentLogits(
  model: tf.LayersModel, arch: RecurrentArchitecture, ids: tf.Tensor2D, training: boolean, dropout: number, nextSeed: () => number,
): tf.Tensor2D {
  const layers = model.layers;
  const mask = tf.cast(tf.notEqual(ids, 0), 'float32') as tf.Tensor2D;
  let x = layers[0]!.apply(ids) as tf.Tensor;
  let k = 1;
  for (let l = 0; l < arch.layers; l++, k++) {
    x = layers[k]!.apply(x, { mask, training }) as tf.Tensor;
    if (training && dropout > 0 && l < arch.layers - 1) x = tf.dropout(x, dropout, undefined, nextSeed());
  }
  if (arch.pooling !== 'last') {
    const m = mask.expandDims(2);
    const any = tf.minimum(tf.sum(mask, 1, true), 1);
    if (arch.pooling === 'max') x = tf.mul(tf.max(tf.add(tf.mul(x, m), tf.mul(tf.sub(m, 1), 1e9)), 1), any);
    else x = tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(mask, 1, true), 1));
    k++;
  }
  if (training && dropout > 0) x = tf.dropout(x, dropout, undefined, nextSeed());
  return layers[k]!.apply(x) as tf.Tensor2D;
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

/** Class probabilities [texts x classes] in text order, computed in batches of similar length. */
export function recurrentProbabilities(model: tf.LayersModel, arch: RecurrentArchitecture, ids: Int32Array, offsets: Int32Array, batch = 128): Float32Array {
  const n = offsets.length - 1;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => offsets[a + 1]! - offsets[a]! - (offsets[b + 1]! - offsets[b]!));
  const out = new Float32Array(n * arch.classes);
  for (let s = 0; s < n; s += batch) {
    const texts = order.slice(s, s + batch);
    const { values, time } = padBatch(ids, offsets, texts);
    const p = tf.tidy(() => tf.softmax(recurrentLogits(model, arch, tf.tensor2d(values, [texts.length, time], 'int32'), false, 0, () => 0)));
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
  dropout: number;
  weightDecay: number;
  clip: number;
  patience: number;
  seed: number;
  classWeights: Float32Array;
  signal: AbortSignal | undefined;
  onEpoch: (report: { epoch: number; trainLoss: number; valAccuracy: number | null; valLoss: number | null; improved: boolean; seconds: number }) => void;
}

/** Trains the model in place with Adam; on return it has the best epoch's weights. */
export async function trainRecurrent(
  model: tf.LayersModel,
  arch: RecurrentArchitecture,
  train: RecurrentData,
  validation: RecurrentData | null,
  options: RecurrentTrainingOptions,
): Promise<{ stopped: 'epochs' | 'early-stop'; bestEpoch: number | null; epochs: number }> {
  const random = new SeededRandom(options.seed);
  const nextSeed = (): number => random.nextUint32();
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = createOptimizer('adam', options.lr);
  const n = train.labels.length;
  const untrained = Math.log(arch.classes);
  let best: { accuracy: number; loss: number } | null = null;
  let bestEpoch: number | null = null;
  let bestWeights: tf.Tensor[] | null = null;
  let badEpochs = 0;
  let stopped: 'epochs' | 'early-stop' = 'epochs';
  let epoch = 0;
  const recent: number[] = [];
  try {
    while (epoch < options.epochs) {
      const start = performance.now();
      let lossSum = 0;
      let seen = 0;
      for (const texts of epochBatches(train.offsets, options.batch, random)) {
        throwIfAborted(options.signal, { started: true });
        const { values, time } = padBatch(train.ids, train.offsets, texts);
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
        try {
          result = tf.variableGrads(() => {
            const logits = recurrentLogits(model, arch, xs, true, options.dropout, nextSeed);
            const losses = sparseSoftmaxCrossEntropy(ys, logits, 'none');
            return tf.div(tf.sum(tf.mul(losses, ws)), weightSum) as tf.Scalar;
          }, variables);
        } finally {
          tf.dispose([xs, ys, ws]);
        }
        const loss = result.value.dataSync()[0]!;
        result.value.dispose();
        const clipped = Number.isFinite(loss) ? clipByGlobalNorm(result.grads, options.clip) : { norm: Number.NaN, grads: result.grads };
        recent.push(loss);
        if (recent.length > 10) recent.shift();
        const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
        if (!Number.isFinite(loss) || !Number.isFinite(clipped.norm) || (recent.length === 10 && mean > 3 * untrained)) {
          tf.dispose(Object.values(clipped.grads));
          const what = Number.isFinite(loss) && Number.isFinite(clipped.norm) ? `the loss averaged ${mean.toPrecision(3)} over the last 10 steps (an untrained model has ${untrained.toFixed(2)})` : 'the loss or gradient became NaN or infinite';
          throw new WordloomError('EDIVERGED', `training diverged at epoch ${epoch + 1}: ${what}; lower --lr (currently ${options.lr})`);
        }
        const ordered: tf.NamedTensorMap = {};
        for (const v of variables) ordered[v.name] = clipped.grads[v.name]!;
        optimizer.applyGradients(ordered);
        tf.dispose(Object.values(clipped.grads));
        if (options.weightDecay > 0) {
          const factor = 1 - options.lr * options.weightDecay;
          tf.tidy(() => {
            for (const v of variables) v.assign(tf.mul(v, factor));
          });
        }
        lossSum += loss * texts.length;
        seen += texts.length;
        await new Promise<void>((resolve) => setImmediate(resolve)); // lets an abort arrive
      }
      epoch++;
      const trainLoss = lossSum / Math.max(1, seen);
      const v = validation === null ? null : scoreProbabilities(recurrentProbabilities(model, arch, validation.ids, validation.offsets), validation.labels, arch.classes);
      const improved = v === null || best === null || v.accuracy > best.accuracy || (v.accuracy === best.accuracy && v.loss < best.loss);
      if (v !== null) {
        if (improved) {
          best = v;
          bestEpoch = epoch;
          badEpochs = 0;
          if (bestWeights) tf.dispose(bestWeights);
          bestWeights = model.getWeights().map((w) => w.clone());
        } else badEpochs++;
      }
      options.onEpoch({ epoch, trainLoss, valAccuracy: v?.accuracy ?? null, valLoss: v?.loss ?? null, improved, seconds: (performance.now() - start) / 1000 });
      if (v !== null && options.patience > 0 && badEpochs >= options.patience) {
        stopped = 'early-stop';
        break;
      }
    }
    if (bestWeights !== null && badEpochs > 0) model.setWeights(bestWeights);
    void n;
    return { stopped, bestEpoch, epochs: epoch };
  } finally {
    if (bestWeights) tf.dispose(bestWeights);
    optimizer.dispose();
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
