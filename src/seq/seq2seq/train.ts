/**
 * Seq2seq training: teacher forcing over shuffled, padded batches, with the language models'
 * optimizers, clipping, explosion guard, validation, learning-rate decay, early stopping, best
 * weights, checkpoints, abort and resume (src/seq/training).
 *
 *   pairs   -> training and validation pairs (a seeded share, or a separate file) -> vocabularies
 *   epoch   -> the training pairs in a seeded order (a function of seed and epoch, so a resumed run
 *              sees the same batches) cut into batches; per batch: encoder over the sources,
 *              decoder over `<BOS> y1..yn` (whole sequence in one call for Luong without input
 *              feeding, else step by step, with scheduled sampling if asked), cross-entropy of
 *              `y1..yn <EOS>` averaged over the real (unpadded) target tokens, gradients, clipping,
 *              one optimizer step
 *   end     -> validation loss (teacher forced) and greedy exact match / token accuracy on up to
 *              valDecode pairs; the loss drives decay, early stopping and the best weights
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { SeededRandom, mixSeed } from '../../embeddings/shared/rng.js';
import { loadCheckpoint, removeCheckpoint, saveCheckpoint, type CheckpointArray } from '../../embeddings/shared/checkpoint.js';
import { throwIfAborted } from '../../embeddings/shared/interrupt.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { setEngineThreads } from '../engine/index.js';
import { denseSoftmaxCrossEntropy } from '../losses/dense-softmax-cross-entropy.js';
import { sparseSoftmaxCrossEntropy } from '../losses/sparse-softmax-cross-entropy.js';
import { sequenceAccuracy } from '../metrics/sequence-accuracy.js';
import { ExplosionGuard } from '../training/explosion-guard.js';
import { putArrays, putOptimizer, takeArrays, takeOptimizer, type ArrayInfo, type OptimizerInfo } from '../training/checkpoint-arrays.js';
import { runEpochLoop } from '../training/epoch-loop.js';
import { applyGradientStep } from '../training/gradient-step.js';
import { keepRecordedSettings } from '../training/resumed-settings.js';
import { recordedValues } from '../../util/option-spec.js';
import { topLayerUnits } from '../lm/layer-units.js';
import { createOptimizer, restoreOptimizerState, saveOptimizerState, setLearningRate, type OptimizerState, type SavedArray } from '../lm/optimizer.js';
import { getModelsWeights, setModelsWeights } from '../training/weights.js';
import { buildVocabularies, padBatch, PairCodec, type EncodedPair, type PaddedBatch } from './codec.js';
import { SEQ2SEQ_FORMAT, SEQ2SEQ_FORMAT_VERSION, type Seq2seqConfig } from './config.js';
import { greedyDecode } from './decode.js';
import { Seq2seqModel } from './model.js';
import { buildSeq2seqNetwork, decodeBodySteps, decoderBody, decodeSteps, encode, type Seq2seqArchitecture, type Seq2seqNetwork } from './network.js';
import { SEQ2SEQ_RECORDED_SETTINGS, resolveSeq2seqOptions, trainsStepByStep, type Seq2seqOptions, type Seq2seqRecordedSettings } from './options.js';
import { readPairs, type Pair } from './pairs.js';
import type { Seq2seqEpochReport, Seq2seqEvaluation } from './progress.js';

export interface TrainedSeq2seqModel extends Seq2seqModel {
  readonly history: Seq2seqEpochReport[];
}

interface Position {
  epoch: number;
  /** Next batch of the epoch. */
  batch: number;
  step: number;
  learningRate: number;
  epochLossSum: number;
  epochSteps: number;
  best: Seq2seqEvaluation | null;
  bestEpoch: number | null;
  badEpochs: number;
  history: Seq2seqEpochReport[];
  randomState: number;
}

interface Checkpoint {
  settings: Seq2seqRecordedSettings;
  trainPairs: number;
  valPairs: number;
  source: Vocabulary;
  target: Vocabulary;
  position: Position;
  weights: SavedArray[];
  bestWeights: SavedArray[] | null;
  optimizer: OptimizerState;
}

const CHECKPOINT_KIND = 'wordloom-seq2seq-checkpoint';

/**
 * Trains on a pairs file (path) or on pairs given in memory. Resolves with the model (best
 * validation weights); rejects with a WordloomError for bad options or pairs, divergence or an
 * abort (EINTERRUPTED, after saving the checkpoint).
 */
export async function trainSeq2seq(data: string | readonly Pair[], partial: Partial<Seq2seqOptions> = {}): Promise<TrainedSeq2seqModel> {
  let options = resolveSeq2seqOptions(partial);
  const log = options.onLog ?? (() => undefined);
  throwIfAborted(options.signal, { started: false });
  let resumed: Checkpoint | null = null;
  if (options.resume) {
    resumed = await loadSeq2seqCheckpoint(options.checkpoint!);
    options = resolveSeq2seqOptions(keepRecordedSettings(partial, SEQ2SEQ_RECORDED_SETTINGS, resumed.settings, log));
  }
  const name = typeof data === 'string' ? data : 'the pairs';
  const all = typeof data === 'string' ? await readPairs(data) : data;
  if (all.length === 0) throw new WordloomError('EEMPTY', `${name} has no pairs`);
  let train: readonly Pair[];
  let validation: readonly Pair[];
  if (options.valFile) {
    train = all;
    validation = await readPairs(options.valFile);
  } else {
    const order = shuffled(all.length, new SeededRandom(mixSeed(options.seed, 0x5eed)));
    const held = all.length > 1 ? Math.floor(all.length * options.valFraction) : 0;
    validation = order.slice(0, held).map((i) => all[i]!);
    train = order.slice(held).map((i) => all[i]!);
  }
  if (resumed && (resumed.trainPairs !== train.length || resumed.valPairs !== validation.length)) {
    throw new WordloomError('EOPTION', `${name} differs from the pairs the checkpoint ${options.checkpoint} was trained on (${train.length} + ${validation.length} pairs now, ${resumed.trainPairs} + ${resumed.valPairs} then)`);
  }
  const settings = { level: options.level, tokenizer: options.level === 'char' ? ('characters' as const) : options.tokenizer, lowercase: options.lowercase };
  const vocabularies = resumed ? { source: resumed.source, target: resumed.target } : buildVocabularies(train, settings, options);
  const codec = new PairCodec(vocabularies.source, vocabularies.target, settings);
  const encodePairs = (pairs: readonly Pair[]): EncodedPair[] => pairs.map((p) => ({ source: codec.sourceIds(p.source), target: codec.targetIds(p.target) }));
  const trainIds = encodePairs(train);
  const valIds = encodePairs(validation);
  log(
    `vocabularies: ${codec.source.size} source and ${codec.target.size} target ids (4 special tokens each); ` +
      `training: ${train.length} pairs, validation: ${validation.length}; ` +
      `decoder trained ${trainsStepByStep(options) ? 'step by step' : 'over whole sequences in one call'}`,
  );
  return run(options, codec, trainIds, valIds, resumed);
}

function shuffled(n: number, random: SeededRandom): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(random.nextFloat() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  return order;
}

/** The mean cross-entropy per real target token of a padded batch (teacher forcing; scheduled sampling when `sample` is given). */
export function batchLoss(network: Seq2seqNetwork, batch: PaddedBatch, stepwise: boolean, sample: (() => boolean) | null, training: boolean): tf.Scalar {
  const { rows, sourceLength: S, targetLength: T } = batch;
  const src = tf.tensor2d(batch.source, [rows, S], 'int32');
  const out = tf.tensor2d(batch.targetOut, [rows, T], 'int32');
  const mask = tf.tensor2d(batch.targetMask, [rows, T]);
  try {
    return tf.tidy(() => {
      const encoded = encode(network, src, training);
      const maskedMean = (losses: tf.Tensor): tf.Scalar => tf.div(tf.sum(tf.mul(losses, mask)), batch.targetTokens) as tf.Scalar;
      if (!stepwise) {
        // The whole target in one call; the output layer and the loss as one op, over the real
        // target positions only: the output layer is most of a step's work, and padding is often
        // a third of the positions.
        const { attentional } = decodeBodySteps(network, tf.tensor2d(batch.targetIn, [rows, T], 'int32'), encoded.states, encoded, training);
        const { positions, labels } = realTargetPositions(batch);
        const real = tf.gather(tf.reshape(attentional, [rows * T, attentional.shape[2]]), tf.tensor1d(positions, 'int32'));
        return tf.div(denseSoftmaxCrossEntropy(real, decoderBody(network).output, tf.tensor1d(labels, 'int32'), 'sum'), batch.targetTokens) as tf.Scalar;
      }
      // Step by step: Bahdanau, input feeding or scheduled sampling.
      const V = network.arch.targetVocabularySize;
      const steps: tf.Tensor[] = [];
      let states = encoded.states;
      let feed: tf.Tensor3D | null = network.arch.inputFeeding ? tf.zeros([rows, 1, topLayerUnits(network.arch.units)]) : null;
      const previous = new Int32Array(rows);
      let last: Float32Array | null = null;
      for (let t = 0; t < T; t++) {
        for (let r = 0; r < rows; r++) {
          let id = batch.targetIn[r * T + t]!;
          if (t > 0 && sample !== null && sample()) {
            // the model's own previous prediction instead of the reference token
            let best = 0;
            for (let v = 1; v < V; v++) if (last![(r * V + v)]! > last![r * V + best]!) best = v;
            id = best;
          }
          previous[r] = id;
        }
        const step = decodeSteps(network, tf.tensor2d(previous, [rows, 1], 'int32'), states, encoded, feed, training);
        steps.push(step.logits);
        if (sample !== null) last = step.logits.dataSync() as Float32Array;
        states = step.states;
        feed = step.attentional;
      }
      return maskedMean(sparseSoftmaxCrossEntropy(out, tf.concat(steps, 1), 'none'));
    });
  } finally {
    tf.dispose([src, out, mask]);
  }
}

/** The flat indices (row * T + t) of a batch's real target positions, and their labels. */
export function realTargetPositions(batch: PaddedBatch): { positions: Int32Array; labels: Int32Array } {
  const positions = new Int32Array(batch.targetTokens);
  const labels = new Int32Array(batch.targetTokens);
  let n = 0;
  for (let i = 0; i < batch.targetMask.length; i++) {
    if (batch.targetMask[i] === 0) continue;
    positions[n] = i;
    labels[n++] = batch.targetOut[i]!;
  }
  if (n !== batch.targetTokens) throw new Error(`padded batch: ${n} real target positions, but targetTokens is ${batch.targetTokens}`);
  return { positions, labels };
}

/** Validation: teacher-forced loss over all pairs, greedy exact match and token accuracy over the first `decode`. */
export function evaluatePairs(network: Seq2seqNetwork, pairs: readonly EncodedPair[], codec: PairCodec, options: { batch: number; decode: number; maxLength: number }): Seq2seqEvaluation {
  const stepwise = network.arch.attention === 'bahdanau' || network.arch.inputFeeding;
  let lossSum = 0;
  let tokens = 0;
  for (let i = 0; i < pairs.length; i += options.batch) {
    const batch = padBatch(pairs.slice(i, i + options.batch));
    const loss = batchLoss(network, batch, stepwise, null, false);
    lossSum += loss.dataSync()[0]! * batch.targetTokens;
    tokens += batch.targetTokens;
    loss.dispose();
  }
  const decoded = pairs.slice(0, options.decode);
  let exactMatch: number | null = null;
  let tokenAccuracy: number | null = null;
  if (decoded.length > 0) {
    const predictions: string[][] = [];
    for (let i = 0; i < decoded.length; i += 256) {
      const hyps = greedyDecode(network, decoded.slice(i, i + 256).map((p) => p.source), options.maxLength);
      for (const h of hyps) predictions.push(h.ids.map((id) => codec.target.word(id)));
    }
    const acc = sequenceAccuracy(predictions, decoded.map((p) => Array.from(p.target, (id) => codec.target.word(id))));
    exactMatch = acc.exactMatch;
    tokenAccuracy = acc.tokenAccuracy;
  }
  return { loss: tokens > 0 ? lossSum / tokens : Number.NaN, pairs: pairs.length, exactMatch, tokenAccuracy, decoded: decoded.length };
}

async function run(options: Seq2seqOptions, codec: PairCodec, train: EncodedPair[], validation: EncodedPair[], resumed: Checkpoint | null): Promise<TrainedSeq2seqModel> {
  const log = options.onLog ?? (() => undefined);
  setEngineThreads(options.threads);
  if (train.length === 0) throw new WordloomError('EEMPTY', 'no training pairs are left after holding out the validation pairs; lower --val or give more pairs');
  const arch: Seq2seqArchitecture = {
    sourceVocabularySize: codec.source.size,
    targetVocabularySize: codec.target.size,
    cell: options.cell,
    layers: options.layers,
    units: options.units,
    embedding: options.embedding,
    bidirectional: options.bidirectional,
    attention: options.attention,
    inputFeeding: options.inputFeeding,
    attentionUnits: options.attentionUnits > 0 ? options.attentionUnits : topLayerUnits(options.units),
    localP: options.localP,
    window: options.window,
  };
  const init = new SeededRandom(options.seed);
  const network = buildSeq2seqNetwork(arch, () => init.nextUint32());
  const models = [network.encoder, network.decoder];
  const variables = models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  const optimizer = createOptimizer(options.optimizer, options.lr);
  const stepwise = trainsStepByStep(options);
  // A loop, not Math.max(...lengths): spreading 180k arguments overflows the stack.
  const maxTargetLength = train.reduce((m, p) => Math.max(m, p.target.length), 1);
  const decodeLimit = 2 * maxTargetLength + 10;
  const batchesPerEpoch = Math.ceil(train.length / options.batch);
  const plannedSteps = options.maxSteps > 0 ? Math.min(options.maxSteps, batchesPerEpoch * options.epochs) : batchesPerEpoch * options.epochs;
  const random = new SeededRandom(mixSeed(options.seed, 0x5a3b));
  let position: Position = { epoch: 0, batch: 0, step: 0, learningRate: options.lr, epochLossSum: 0, epochSteps: 0, best: null, bestEpoch: null, badEpochs: 0, history: [], randomState: random.getState() };
  let bestWeights: SavedArray[] | null = null;
  const allWeights = (): SavedArray[] => getModelsWeights(models);
  let succeeded = false;
  try {
    if (resumed) {
      setModelsWeights(models, resumed.weights, options.checkpoint!);
      await restoreOptimizerState(optimizer, resumed.optimizer);
      bestWeights = resumed.bestWeights;
      position = resumed.position;
      setLearningRate(optimizer, position.learningRate);
      log(`resuming from ${options.checkpoint}: epoch ${position.epoch + 1}/${options.epochs}, batch ${position.batch + 1}/${batchesPerEpoch}, step ${position.step}`);
    }
    random.setState(position.randomState);
    const guards = [new ExplosionGuard(codec.target.size)];
    const sample = options.samplingRatio > 0 ? (): boolean => random.nextFloat() < options.samplingRatio : null;
    const start = performance.now();
    const startStep = position.step;
    let targetTokens = 0;
    let order: number[] = [];
    let evaluation: Seq2seqEvaluation | null = null;

    const stopped = await runEpochLoop({
      options,
      position,
      indexKey: 'batch',
      stepsPerEpoch: batchesPerEpoch,
      optimizer,
      bestWeights,
      weights: allWeights,
      setWeights: (saved, source) => setModelsWeights(models, saved, source),
      save: async (best) => {
        position.randomState = random.getState();
        await saveSeq2seqCheckpoint(options.checkpoint!, {
          settings: recordedValues(options, SEQ2SEQ_RECORDED_SETTINGS), trainPairs: train.length, valPairs: validation.length, source: codec.source, target: codec.target,
          position, weights: allWeights(), bestWeights: best, optimizer: await saveOptimizerState(optimizer),
        });
      },
      // the pairs in an order that is a function of the seed and the epoch, so a resumed run sees the same batches
      startEpoch: () => {
        order = shuffled(train.length, new SeededRandom(mixSeed(options.seed, position.epoch + 1)));
      },
      step: (index) => {
        const from = index * options.batch;
        const batch = padBatch(order.slice(from, from + options.batch).map((i) => train[i]!));
        const { value, grads } = tf.variableGrads(() => batchLoss(network, batch, stepwise, sample, true), variables);
        const loss = value.dataSync()[0]!;
        value.dispose();
        applyGradientStep({ losses: [loss], grads, variables, optimizer, clip: options.clip, guards, at: position });
        targetTokens += batch.targetTokens;
        return loss;
      },
      afterStep: (loss) => {
        if (!options.onProgress) return;
        const elapsed = (performance.now() - start) / 1000;
        const done = position.step - startStep;
        options.onProgress({
          epoch: position.epoch + 1, epochs: options.epochs, step: position.step, totalSteps: plannedSteps,
          fraction: Math.min(1, position.step / plannedSteps), pairsPerSecond: elapsed > 0 ? (done * options.batch) / elapsed : 0,
          tokensPerSecond: elapsed > 0 ? targetTokens / elapsed : 0,
          learningRate: position.learningRate, loss, epochLoss: position.epochLossSum / position.epochSteps,
          elapsedSeconds: elapsed, etaSeconds: done > 0 ? ((plannedSteps - position.step) * elapsed) / done : Number.POSITIVE_INFINITY,
        });
      },
      validate: () => {
        evaluation = validation.length > 0 ? evaluatePairs(network, validation, codec, { batch: Math.max(options.batch, 256), decode: options.valDecode, maxLength: decodeLimit }) : null;
        const current = evaluation;
        const keep = (): void => {
          position.best = current;
        };
        return { current: current?.loss ?? null, best: position.best?.loss ?? null, keep };
      },
      report: (facts): Seq2seqEpochReport => ({
        epoch: position.epoch + 1, epochs: options.epochs, trainLoss: facts.trainLoss,
        validation: evaluation, improved: facts.improved, learningRate: facts.learningRate, nextLearningRate: facts.nextLearningRate, step: position.step, seconds: facts.trainSeconds,
      }),
    });
    const config: Seq2seqConfig = {
      format: SEQ2SEQ_FORMAT,
      version: SEQ2SEQ_FORMAT_VERSION,
      level: codec.settings.level,
      tokenizer: codec.settings.tokenizer,
      lowercase: codec.settings.lowercase,
      architecture: arch,
      maxTargetLength,
      training: {
        settings: recordedValues(options, SEQ2SEQ_RECORDED_SETTINGS), stopped, steps: position.step, epochs: position.history.length, trainPairs: train.length, valPairs: validation.length,
        seconds: (performance.now() - start) / 1000, history: position.history, bestEpoch: position.bestEpoch,
      },
      validation: position.best,
    };
    const model = new Seq2seqModel(network, codec, config) as Seq2seqModel & { history: Seq2seqEpochReport[] };
    model.history = position.history;
    succeeded = true;
    if (options.checkpoint) await removeCheckpoint(options.checkpoint);
    return model;
  } finally {
    optimizer.dispose();
    if (!succeeded) for (const m of models) m.dispose();
  }
}

async function saveSeq2seqCheckpoint(path: string, c: Checkpoint): Promise<void> {
  const arrays: Record<string, CheckpointArray> = {};
  const header = {
    kind: CHECKPOINT_KIND, version: 1, settings: c.settings, trainPairs: c.trainPairs, valPairs: c.valPairs,
    source: { words: c.source.wordList(), counts: Array.from(c.source.counts) },
    target: { words: c.target.wordList(), counts: Array.from(c.target.counts) },
    position: c.position,
    weights: putArrays(arrays, 'w', c.weights),
    bestWeights: c.bestWeights ? putArrays(arrays, 'b', c.bestWeights) : null,
    optimizer: putOptimizer(arrays, c.optimizer),
  };
  await saveCheckpoint(path, header, arrays);
}

async function loadSeq2seqCheckpoint(path: string): Promise<Checkpoint> {
  type Header = Omit<Checkpoint, 'source' | 'target' | 'weights' | 'bestWeights' | 'optimizer'> & {
    kind: string; version: number;
    source: { words: string[]; counts: number[] }; target: { words: string[]; counts: number[] };
    weights: ArrayInfo[]; bestWeights: ArrayInfo[] | null; optimizer: OptimizerInfo;
  };
  const { header, arrays } = await loadCheckpoint<Header>(path);
  if (header.kind !== CHECKPOINT_KIND || header.version !== 1) throw new WordloomError('EFORMAT', `${path} is not a seq2seq checkpoint of this wordloom version (it is ${String(header.kind)} v${String(header.version)})`);
  return {
    settings: header.settings, trainPairs: header.trainPairs, valPairs: header.valPairs,
    source: Vocabulary.fromList(header.source.words, header.source.counts, path),
    target: Vocabulary.fromList(header.target.words, header.target.counts, path),
    position: header.position,
    weights: takeArrays(path, arrays, 'w', header.weights),
    bestWeights: header.bestWeights ? takeArrays(path, arrays, 'b', header.bestWeights) : null,
    optimizer: takeOptimizer(path, arrays, header.optimizer),
  };
}
