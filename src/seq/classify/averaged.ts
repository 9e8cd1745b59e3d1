/**
 * The averaged model, fastText's supervised model on pretrained vectors: a text's vector is the
 * mean of its known words' rows and of its hashed word n-grams' rows of one table, and a softmax
 * layer reads it. Trained per example by SGD with a learning rate decaying linearly to zero, as
 * fastText does, in plain typed arrays: no tensors, no allocation per example, a few seconds for
 * SST-2's 6,920 sentences. The table's word rows start from the pretrained vectors (fine-tuned
 * unless frozen), the n-gram rows from zero; the output layer starts from zero as fastText's.
 *
 *   h       = (sum of rows r of the text) / (number of rows)          (dropout on h while training)
 *   logits  = W h + b,  p = softmax(logits),  loss = -weight[y] log p[y]
 *   SGD     : W -= lr ((p - onehot y) h^T + weightDecay W);  b -= lr (p - onehot y);  row r -= lr W^T (p - onehot y) / rows
 */
import { WordloomError } from '../../errors.js';
import { SeededRandom } from '../../embeddings/shared/rng.js';
import { throwIfAborted } from '../../embeddings/shared/interrupt.js';
import type { EncodedTexts } from './word-table.js';
import { ExampleMeter, type ClassifierEpochReport, type ClassifierProgress } from './progress.js';

/** fastText's multiplier for chaining word hashes into an n-gram hash. */
const NGRAM_HASH_MULTIPLIER = 116049371;

export interface AveragedShape {
  /** Word rows (the vocabulary size); n-gram rows follow them. */
  words: number;
  /** n-gram rows (0 when wordNgrams is 1). */
  buckets: number;
  wordNgrams: number;
  dim: number;
  classes: number;
}

/** The weights: the table ((words + buckets) x dim), the output layer (classes x dim) and its bias. */
export interface AveragedWeights {
  table: Float32Array;
  output: Float32Array;
  bias: Float32Array;
}

/** A text's rows into the table: rows[offsets[i] .. offsets[i + 1]) for text i. */
export interface FeatureRows {
  rows: Int32Array;
  offsets: Int32Array;
}

/** The table rows of every text: its known words, then its word n-grams' buckets (all tokens hashed, known or not, as fastText does). */
export function featureRows(encoded: EncodedTexts, shape: AveragedShape): FeatureRows {
  const texts = encoded.offsets.length - 1;
  const n = shape.buckets > 0 ? shape.wordNgrams : 1;
  let total = encoded.ids.length;
  for (let i = 0; i < texts; i++) {
    const len = encoded.tokenOffsets[i + 1]! - encoded.tokenOffsets[i]!;
    for (let g = 2; g <= n; g++) total += Math.max(0, len - g + 1);
  }
  const rows = new Int32Array(total);
  const offsets = new Int32Array(texts + 1);
  let k = 0;
  for (let i = 0; i < texts; i++) {
    for (let j = encoded.offsets[i]!; j < encoded.offsets[i + 1]!; j++) rows[k++] = encoded.ids[j]!;
    const from = encoded.tokenOffsets[i]!;
    const to = encoded.tokenOffsets[i + 1]!;
    for (let t = from; t < to; t++) {
      let h = encoded.tokenHashes[t]!;
      for (let g = 2; g <= n && t + g - 1 < to; g++) {
        h = (Math.imul(h, NGRAM_HASH_MULTIPLIER) + encoded.tokenHashes[t + g - 1]!) | 0;
        rows[k++] = shape.words + ((h >>> 0) % shape.buckets);
      }
    }
    offsets[i + 1] = k;
  }
  return { rows, offsets };
}

/** The mean of a text's rows into `h` (zeros for a text without rows). Returns the number of rows. */
export function averageInto(table: Float32Array, dim: number, features: FeatureRows, text: number, h: Float32Array): number {
  h.fill(0);
  const from = features.offsets[text]!;
  const to = features.offsets[text + 1]!;
  for (let k = from; k < to; k++) {
    const base = features.rows[k]! * dim;
    for (let j = 0; j < dim; j++) h[j]! += table[base + j]!;
  }
  const count = to - from;
  if (count > 0) {
    const inv = 1 / count;
    for (let j = 0; j < dim; j++) h[j]! *= inv;
  }
  return count;
}

/** Softmax of W h + b into `p`. */
export function softmaxInto(weights: AveragedWeights, dim: number, classes: number, h: Float32Array, p: Float32Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    let s = weights.bias[c]!;
    const base = c * dim;
    for (let j = 0; j < dim; j++) s += weights.output[base + j]! * h[j]!;
    p[c] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const e = Math.exp(p[c]! - max);
    p[c] = e;
    sum += e;
  }
  for (let c = 0; c < classes; c++) p[c]! /= sum;
}

export interface AveragedTrainingData {
  features: FeatureRows;
  labels: Int32Array;
}

export interface AveragedTrainingOptions {
  lr: number;
  epochs: number;
  dropout: number;
  weightDecay: number;
  patience: number;
  /** Word rows stay fixed (n-gram rows still train). */
  freeze: boolean;
  seed: number;
  /** Loss weight per class. */
  classWeights: Float32Array;
  signal: AbortSignal | undefined;
  onEpoch: (report: Omit<ClassifierEpochReport, 'epochs'>) => void;
  onProgress: ((p: ClassifierProgress) => void) | undefined;
}

export interface AveragedTrainingResult {
  stopped: 'epochs' | 'early-stop';
  /** 1-based epoch whose weights were kept (the best validation accuracy), null without validation. */
  bestEpoch: number | null;
  epochs: number;
}

/** Trains `weights` in place; on return they are the best epoch's. */
export function trainAveraged(
  shape: AveragedShape,
  weights: AveragedWeights,
  train: AveragedTrainingData,
  validation: AveragedTrainingData | null,
  options: AveragedTrainingOptions,
): AveragedTrainingResult {
  const { dim, classes, words } = shape;
  const n = train.labels.length;
  const random = new SeededRandom(options.seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const h = new Float32Array(dim);
  const keep = new Float32Array(dim);
  const dh = new Float32Array(dim);
  const p = new Float32Array(classes);
  const g = new Float32Array(classes);
  const untrained = Math.log(classes);
  const planned = options.epochs * n;
  const keepProb = 1 - options.dropout;
  let done = 0;
  let best: { accuracy: number; loss: number } | null = null;
  let bestEpoch: number | null = null;
  let bestWeights: AveragedWeights | null = null;
  let badEpochs = 0;
  let stopped: AveragedTrainingResult['stopped'] = 'epochs';
  let epoch = 0;
  const tableTrains = !options.freeze || shape.buckets > 0;
  const meter = new ExampleMeter(0);

  while (epoch < options.epochs) {
    const start = performance.now();
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.nextFloat() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    let lossSum = 0;
    let correct = 0;
    const epochLr = options.lr * Math.max(0, 1 - done / planned);
    for (let s = 0; s < n; s++) {
      if ((s & 1023) === 0) {
        throwIfAborted(options.signal, { started: true });
        if (s > 0 && options.onProgress) {
          options.onProgress(
            meter.snapshot({
              epoch: epoch + 1, epochs: options.epochs, examplesDone: done, totalExamples: planned,
              learningRate: options.lr * Math.max(0, 1 - done / planned), loss: lossSum / s, epochLoss: lossSum / s,
            }),
          );
        }
      }
      const text = order[s]!;
      const y = train.labels[text]!;
      const count = averageInto(weights.table, dim, train.features, text, h);
      if (options.dropout > 0) {
        for (let j = 0; j < dim; j++) {
          keep[j] = random.nextFloat() < keepProb ? 1 / keepProb : 0;
          h[j]! *= keep[j]!;
        }
      }
      softmaxInto(weights, dim, classes, h, p);
      const w = options.classWeights[y]!;
      const loss = -w * Math.log(Math.max(p[y]!, 1e-30));
      if (!Number.isFinite(loss) || !Number.isFinite(p[0]!)) {
        throw new WordloomError('EDIVERGED', `training diverged at epoch ${epoch + 1}, example ${s + 1}: the loss became ${loss}; lower --lr (currently ${options.lr})`);
      }
      lossSum += loss;
      let arg = 0;
      for (let c = 1; c < classes; c++) if (p[c]! > p[arg]!) arg = c;
      if (arg === y) correct++;
      const lr = options.lr * Math.max(0, 1 - done / planned);
      done++;
      for (let c = 0; c < classes; c++) g[c] = w * (p[c]! - (c === y ? 1 : 0));
      // The rows' gradient uses W before its update.
      if (tableTrains && count > 0) {
        dh.fill(0);
        for (let c = 0; c < classes; c++) {
          const gc = g[c]!;
          const base = c * dim;
          for (let j = 0; j < dim; j++) dh[j]! += weights.output[base + j]! * gc;
        }
        if (options.dropout > 0) for (let j = 0; j < dim; j++) dh[j]! *= keep[j]!;
        const scale = lr / count;
        const from = train.features.offsets[text]!;
        const to = train.features.offsets[text + 1]!;
        for (let k = from; k < to; k++) {
          const r = train.features.rows[k]!;
          if (options.freeze && r < words) continue;
          const base = r * dim;
          for (let j = 0; j < dim; j++) weights.table[base + j]! -= scale * dh[j]!;
        }
      }
      const decay = 1 - lr * options.weightDecay;
      for (let c = 0; c < classes; c++) {
        const step = lr * g[c]!;
        const base = c * dim;
        for (let j = 0; j < dim; j++) weights.output[base + j] = decay * weights.output[base + j]! - step * h[j]!;
        weights.bias[c]! -= step;
      }
    }
    epoch++;
    const trainLoss = lossSum / Math.max(1, n);
    if (trainLoss > 3 * untrained && classes > 1) {
      throw new WordloomError('EDIVERGED', `training diverged at epoch ${epoch}: the training loss averaged ${trainLoss.toPrecision(3)} (an untrained model has ${untrained.toFixed(2)}); lower --lr (currently ${options.lr})`);
    }
    const v = validation === null ? null : evaluateAveraged(shape, weights, validation);
    const improved = v === null || best === null || v.accuracy > best.accuracy || (v.accuracy === best.accuracy && v.loss < best.loss);
    if (v !== null) {
      if (improved) {
        best = v;
        bestEpoch = epoch;
        badEpochs = 0;
        bestWeights = copyWeights(weights, tableTrains, bestWeights);
      } else badEpochs++;
    }
    const seconds = (performance.now() - start) / 1000;
    options.onEpoch({
      epoch, trainLoss, trainAccuracy: correct / Math.max(1, n), valAccuracy: v?.accuracy ?? null, valLoss: v?.loss ?? null, improved,
      learningRate: epochLr, examplesPerSecond: seconds > 0 ? n / seconds : 0, seconds,
    });
    if (v !== null && options.patience > 0 && badEpochs >= options.patience) {
      stopped = 'early-stop';
      break;
    }
  }
  if (bestWeights !== null && badEpochs > 0) {
    if (tableTrains) weights.table.set(bestWeights.table);
    weights.output.set(bestWeights.output);
    weights.bias.set(bestWeights.bias);
  }
  return { stopped, bestEpoch, epochs: epoch };
}

function copyWeights(w: AveragedWeights, withTable: boolean, into: AveragedWeights | null): AveragedWeights {
  if (into === null) return { table: withTable ? w.table.slice() : new Float32Array(0), output: w.output.slice(), bias: w.bias.slice() };
  if (withTable) into.table.set(w.table);
  into.output.set(w.output);
  into.bias.set(w.bias);
  return into;
}

/** Accuracy and mean (unweighted) cross-entropy of the weights on labelled texts. */
export function evaluateAveraged(shape: AveragedShape, weights: AveragedWeights, data: AveragedTrainingData): { accuracy: number; loss: number } {
  const { dim, classes } = shape;
  const h = new Float32Array(dim);
  const p = new Float32Array(classes);
  let correct = 0;
  let loss = 0;
  const n = data.labels.length;
  for (let i = 0; i < n; i++) {
    averageInto(weights.table, dim, data.features, i, h);
    softmaxInto(weights, dim, classes, h, p);
    const y = data.labels[i]!;
    loss -= Math.log(Math.max(p[y]!, 1e-30));
    let arg = 0;
    for (let c = 1; c < classes; c++) if (p[c]! > p[arg]!) arg = c;
    if (arg === y) correct++;
  }
  return { accuracy: n > 0 ? correct / n : 0, loss: n > 0 ? loss / n : 0 };
}

/** The averaged vectors of every text, [texts x dim] row-major: the saved Dense model's input. */
export function averagedInputs(table: Float32Array, dim: number, features: FeatureRows): Float32Array {
  const texts = features.offsets.length - 1;
  const out = new Float32Array(texts * dim);
  for (let i = 0; i < texts; i++) averageInto(table, dim, features, i, out.subarray(i * dim, (i + 1) * dim));
  return out;
}
