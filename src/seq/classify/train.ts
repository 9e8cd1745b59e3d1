/**
 * Training a text classifier on pretrained word vectors:
 *
 *   labelled file -> classes (labelSetOf), validation (a file, or a seeded random share)
 *   vectors       -> word table (the vectors' first words and every training word they know)
 *   avg           -> mean rows (+ n-grams) -> softmax, per-example SGD in typed arrays (averaged.ts)
 *   rnn           -> embedding -> fused LSTM/GRU -> pooling -> softmax, Adam (recurrent.ts)
 *   every epoch   -> validation accuracy; early stop after `patience` epochs without improvement,
 *                    the best epoch's weights kept
 *   autotune      -> randomSearch over the settings, each trial one training run, the best kept
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { SeededRandom } from '../../embeddings/shared/rng.js';
import { throwIfAborted } from '../../embeddings/shared/interrupt.js';
import { KeyedVectors } from '../../vectors/keyed-vectors.js';
import { setEngineThreads } from '../engine/index.js';
import { fusedDense } from '../layers/index.js';
import { randomSearch, type ParameterValue, type SearchParameter } from '../tune/random-search.js';
import { evaluateAveraged, featureRows, trainAveraged, type AveragedShape } from './averaged.js';
import { Classifier } from './classifier.js';
import { CLASSIFIER_FORMAT, CLASSIFIER_FORMAT_VERSION, type ClassifierConfig } from './config.js';
import { classIndices, labelSetOf, readLabelledFile, type LabelledSet } from './labelled-file.js';
import { RECORDED_CLASSIFIER_SETTINGS, recordedClassifierSettings, resolveClassifierOptions, type ClassifierOptions, type ClassifierSetting } from './options.js';
import { loadClassifierCheckpoint, type ClassifierCheckpoint, type ClassifierDataShape } from './checkpoint.js';
import { definedOnly } from '../../util/option-spec.js';
import { keepRecordedSettings } from '../training/resumed-settings.js';
import type { ClassifierEpochReport } from './progress.js';
import { buildRecurrentNetwork, initialiseWeights, recurrentProbabilities, scoreProbabilities, trainRecurrent, type RecurrentArchitecture } from './recurrent.js';
import { buildWordTable, classifierTokenizer, encodeTexts, type EncodedTexts, type PretrainedVectors, type WordTable } from './word-table.js';

export interface TrainedClassifier extends Classifier {
  readonly history: ClassifierEpochReport[];
}

/** The prepared data every training run (and every autotune trial) shares. */
interface Prepared {
  labels: string[];
  table: WordTable;
  train: { encoded: EncodedTexts; classes: Int32Array };
  validation: { encoded: EncodedTexts; classes: Int32Array } | null;
  vectorsPath: string | null;
}

/**
 * Trains a classifier on `train` (a labelled file or a parsed set) over `vectors` (a vectors file
 * in any format wordloom loads, or loaded vectors). Resolves with the model (best validation
 * weights); rejects with a WordloomError for bad options or files (EOPTION, EFORMAT with the
 * line), divergence (EDIVERGED) or an abort (EINTERRUPTED).
 */
export async function trainClassifier(
  train: string | LabelledSet,
  vectors: string | KeyedVectors | PretrainedVectors,
  partial: Partial<ClassifierOptions> = {},
): Promise<TrainedClassifier> {
  let options = resolveClassifierOptions(partial);
  const log = options.onLog ?? (() => undefined);
  throwIfAborted(options.signal, { started: false });
  setEngineThreads(options.threads);
  let resumed: ClassifierCheckpoint | null = null;
  if (options.resume) {
    resumed = await loadClassifierCheckpoint(options.checkpoint!);
    options = resolveClassifierOptions(keepRecordedSettings(definedOnly(partial), RECORDED_CLASSIFIER_SETTINGS, resumed.settings, log));
  }
  if (options.model === 'avg' && options.checkpoint) {
    log('the averaged model trains in seconds: no checkpoint is written for it');
    options = { ...options, checkpoint: undefined };
  }
  const prepared = await prepare(train, vectors, options, log);
  if (resumed) checkResumedData(resumed, prepared, options.checkpoint!);
  if (!options.autotune) return trainOnce(prepared, options, resumed);

  const space = searchSpace(options);
  const initial = Object.fromEntries(space.map((p) => [p.name, options[p.name as ClassifierSetting] as ParameterValue]));
  const start = performance.now();
  const search = await randomSearch<TrainedClassifier>({
    space,
    initial,
    budgetSeconds: options.budget,
    seed: options.seed,
    ...(options.signal ? { signal: options.signal } : {}),
    run: async (params, signal) => {
      const trial = await trainOnce(prepared, { ...options, ...params, signal, onEpoch: undefined, onProgress: undefined, checkpoint: undefined }, null);
      return { score: trial.config.validation!.accuracy, result: trial };
    },
    dispose: (model) => model.dispose(),
    ...(options.onTrial ? { onTrial: options.onTrial } : {}),
  });
  const best = search.result;
  best.config.autotune = { budgetSeconds: options.budget, seconds: (performance.now() - start) / 1000, trials: search.trials, best: search.best.params };
  log(`autotune: ${search.trials.length} trials; best ${describeParams(search.best.params)} (validation accuracy ${(search.best.score! * 100).toFixed(2)}%)`);
  return best;
}

/** What autotune searches: learning rate, weight decay, dropout, epochs, and the hidden size (rnn) or the n-gram length and table size (avg). */
function searchSpace(options: ClassifierOptions): SearchParameter[] {
  const common: SearchParameter[] = [
    { name: 'weightDecay', kind: 'log', min: 1e-6, max: 1e-2 },
    { name: 'dropout', kind: 'linear', min: 0, max: 0.6 },
  ];
  if (options.model === 'avg') {
    return [
      { name: 'lr', kind: 'log', min: 0.01, max: 2 },
      ...common,
      { name: 'epochs', kind: 'integer', min: 2, max: 50, log: true },
      { name: 'wordNgrams', kind: 'integer', min: 1, max: 3 },
      // fastText's autotune searches the n-gram table's size too (collisions against memory: 300k rows of 100 floats is 120 MB).
      { name: 'buckets', kind: 'integer', min: 10_000, max: 300_000, log: true },
    ];
  }
  return [
    { name: 'lr', kind: 'log', min: 3e-4, max: 1e-2 },
    ...common,
    { name: 'epochs', kind: 'integer', min: 2, max: 20, log: true },
    { name: 'units', kind: 'integer', min: 32, max: 512, log: true },
  ];
}

export function describeParams(params: Record<string, ParameterValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`)
    .join(', ');
}

async function prepare(train: string | LabelledSet, vectors: string | KeyedVectors | PretrainedVectors, options: ClassifierOptions, log: (m: string) => void): Promise<Prepared> {
  const trainSet = typeof train === 'string' ? await readLabelledFile(train) : train;
  let valSet: LabelledSet | null = null;
  let trainExamples = trainSet.examples;
  if (options.valFile) {
    valSet = await readLabelledFile(options.valFile);
  } else if (options.valFraction > 0) {
    const order = Array.from(trainSet.examples.keys());
    const random = new SeededRandom(options.seed ^ 0x5eed);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random.nextFloat() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const held = Math.round(order.length * options.valFraction);
    if (held > 0 && held < order.length) {
      const heldSet = new Set(order.slice(0, held));
      valSet = { ...trainSet, examples: trainSet.examples.filter((_, i) => heldSet.has(i)) };
      trainExamples = trainSet.examples.filter((_, i) => !heldSet.has(i));
    }
  }
  const trainPart: LabelledSet = { ...trainSet, examples: trainExamples };
  const labels = labelSetOf(trainSet);
  if (labels.length < 2) throw new WordloomError('EEMPTY', `${trainSet.source}: every example has the label ${JSON.stringify(labels[0])}; a classifier needs at least 2 classes`);
  const trainClasses = classIndices(trainPart, labels);
  const valClasses = valSet ? classIndices(valSet, labels) : null;

  let pretrained: PretrainedVectors;
  let vectorsPath: string | null = null;
  if (typeof vectors === 'string') {
    vectorsPath = vectors;
    pretrained = withSubwords(await KeyedVectors.fromFile(vectors, { onWarning: (m) => log(`warning: ${m}`) }));
  } else pretrained = vectors instanceof KeyedVectors ? withSubwords(vectors) : vectors;
  const tokenize = classifierTokenizer(options);
  const trainTokens = trainPart.examples.map((e) => tokenize(e.text));
  const valTokens = valSet?.examples.map((e) => tokenize(e.text)) ?? [];
  const table = buildWordTable(pretrained, trainTokens, valTokens, options.maxVectors, { unknown: options.unknown, minCount: options.minCount, seed: options.seed });
  const encodedTrain = encodeTexts(trainTokens, table.vocabulary, table.unknownId);
  const encodedVal = valSet ? encodeTexts(valTokens, table.vocabulary, table.unknownId) : null;
  log(
    `${trainPart.examples.length} training examples, ${labels.length} classes (${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', ...' : ''}); ` +
      (valSet ? `validation: ${valSet.examples.length} examples${options.valFile ? ` from ${options.valFile}` : ` (${options.valFraction} of the training file)`}` : 'no validation'),
  );
  log(
    `word table: ${table.vocabulary.size - 4} words of dimension ${table.dim}` +
      (table.learnedFrom < table.vocabulary.size ? ` (${table.vocabulary.size - table.learnedFrom} of them learned: training words without a vector)` : '') +
      `; unknown (${table.unknownId < 0 ? 'skipped' : 'read as <UNK>'}): ${encodedTrain.unknown} of ${encodedTrain.tokens} training tokens` +
      (encodedVal ? `, ${encodedVal.unknown} of ${encodedVal.tokens} validation tokens` : ''),
  );
  return {
    labels,
    table,
    train: { encoded: encodedTrain, classes: trainClasses },
    validation: encodedVal ? { encoded: encodedVal, classes: valClasses! } : null,
    vectorsPath,
  };
}

/** Loaded vectors as the word table reads them; a fastText model (.bin) also builds vectors for unseen words. */
function withSubwords(kv: KeyedVectors): PretrainedVectors {
  const subwords = kv.subwords;
  return {
    dim: kv.dim,
    words: kv.words,
    get: (word) => kv.get(word),
    ...(subwords ? { subwordVector: (word: string) => subwords.vectorFor(word) } : {}),
  };
}

/** Loss weight per class: 1, or examples / (classes x examples of the class) for 'balanced'. */
function classWeights(classes: Int32Array, k: number, weighting: ClassifierOptions['classWeights']): Float32Array {
  const weights = new Float32Array(k).fill(1);
  if (weighting === 'none') return weights;
  const counts = new Float64Array(k);
  for (const c of classes) counts[c]!++;
  for (let c = 0; c < k; c++) weights[c] = counts[c]! > 0 ? classes.length / (k * counts[c]!) : 0;
  return weights;
}

/** A resumed run must see the data its checkpoint was trained on. */
function checkResumedData(resumed: ClassifierCheckpoint, p: Prepared, checkpoint: string): void {
  const now = dataShape(p);
  const then = resumed.data;
  const differs = (Object.keys(now) as (keyof ClassifierDataShape)[]).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(then[k]));
  if (differs.length > 0) {
    throw new WordloomError(
      'EOPTION',
      `the data differs from what the checkpoint ${checkpoint} was trained on (${differs.map((k) => `${k} ${JSON.stringify(now[k])} now, ${JSON.stringify(then[k])} then`).join('; ')}); ` +
        'give the same files and vectors, or start over with --force',
    );
  }
}

function dataShape(p: Prepared): ClassifierDataShape {
  return {
    labels: p.labels,
    vocabularySize: p.table.vocabulary.size,
    trainExamples: p.train.classes.length,
    valExamples: p.validation?.classes.length ?? 0,
    trainTokens: p.train.encoded.tokens,
  };
}

async function trainOnce(p: Prepared, options: ClassifierOptions, resumed: ClassifierCheckpoint | null): Promise<TrainedClassifier> {
  const start = performance.now();
  const k = p.labels.length;
  const history: ClassifierEpochReport[] = [];
  const common = {
    lr: options.lr,
    epochs: options.epochs,
    dropout: options.dropout,
    weightDecay: options.weightDecay,
    patience: options.patience,
    seed: options.seed,
    classWeights: classWeights(p.train.classes, k, options.classWeights),
    signal: options.signal,
    onEpoch: (r: Omit<ClassifierEpochReport, 'epochs'>) => {
      const report = { ...r, epochs: options.epochs };
      history.push(report);
      options.onEpoch?.(report);
    },
    onProgress: options.onProgress,
  };
  const { vocabulary, vectors, dim } = p.table;
  let model: tf.LayersModel;
  let result: { stopped: 'epochs' | 'early-stop'; bestEpoch: number | null; epochs: number };
  let averaged: AveragedShape | null = null;
  let recurrent: RecurrentArchitecture | null = null;
  let table: Float32Array | null = null;
  let validation: { accuracy: number; loss: number } | null = null;
  if (options.model === 'avg') {
    const shape: AveragedShape = { words: vocabulary.size, buckets: options.wordNgrams > 1 ? options.buckets : 0, wordNgrams: options.wordNgrams, dim, classes: k };
    table = new Float32Array((shape.words + shape.buckets) * dim);
    table.set(vectors);
    const weights = { table, output: new Float32Array(k * dim), bias: new Float32Array(k) };
    const train = { features: featureRows(p.train.encoded, shape), labels: p.train.classes };
    const val = p.validation ? { features: featureRows(p.validation.encoded, shape), labels: p.validation.classes } : null;
    result = trainAveraged(shape, weights, train, val, { ...common, freeze: options.freeze });
    validation = val ? evaluateAveraged(shape, weights, val) : null;
    model = denseSoftmax(weights.output, weights.bias, dim, k);
    averaged = shape;
  } else {
    recurrent = {
      vocabularySize: vocabulary.size, embedding: dim, cell: options.cell, layers: options.layers, units: options.units,
      bidirectional: options.bidirectional, pooling: options.pooling, classes: k,
    };
    const ownRows = p.table.unknownId >= 0 || p.table.learnedFrom < vocabulary.size;
    model = buildRecurrentNetwork(recurrent, !options.freeze || ownRows);
    try {
      initialiseWeights(model, recurrent, vectors, options.seed);
      const data = (e: EncodedTexts, classes: Int32Array) => ({ ids: e.ids, offsets: e.offsets, labels: classes });
      if (resumed) history.push(...resumed.position.history);
      result = await trainRecurrent(model, recurrent, data(p.train.encoded, p.train.classes), p.validation ? data(p.validation.encoded, p.validation.classes) : null, {
        ...common,
        dropout: { embedding: options.embeddingDropout, hidden: options.dropout },
        wordDropout: options.wordDropout,
        batch: options.batch,
        clip: options.clip,
        lrDecay: options.lrDecay,
        embeddingLrScale: options.embeddingLrScale,
        freeze: options.freeze,
        freezeEpochs: options.freezeEpochs,
        unknownId: p.table.unknownId,
        learnedFrom: p.table.learnedFrom,
        checkpoint: options.checkpoint,
        checkpointEvery: options.checkpointEvery,
        checkpointRecord: { settings: recordedClassifierSettings(options), data: dataShape(p) },
        resumed,
        onLog: options.onLog ?? (() => undefined),
      });
      if (p.validation) {
        validation = scoreProbabilities(recurrentProbabilities(model, recurrent, p.validation.encoded.ids, p.validation.encoded.offsets), p.validation.classes, k);
      }
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
  const config: ClassifierConfig = {
    format: CLASSIFIER_FORMAT,
    version: CLASSIFIER_FORMAT_VERSION,
    model: options.model,
    labels: p.labels,
    tokenizer: options.tokenizer,
    lowercase: options.lowercase,
    unknown: options.unknown,
    averaged,
    recurrent,
    training: {
      settings: recordedClassifierSettings(options),
      vectors: p.vectorsPath,
      stopped: result.stopped,
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      trainExamples: p.train.classes.length,
      valExamples: p.validation?.classes.length ?? 0,
      tokens: p.train.encoded.tokens,
      unknownTokens: p.train.encoded.unknown,
      seconds: (performance.now() - start) / 1000,
      history,
    },
    validation: validation && { ...validation, examples: p.validation!.classes.length },
  };
  const trained = new Classifier(model, vocabulary, config, table) as Classifier & { history: ClassifierEpochReport[] };
  trained.history = history;
  return trained;
}

/** The averaged model's output layer as a plain tfjs model: mean vector [batch, dim] -> probabilities. */
function denseSoftmax(output: Float32Array, bias: Float32Array, dim: number, classes: number): tf.LayersModel {
  const model = tf.sequential({
    name: 'averaged_text_classifier',
    layers: [fusedDense({ name: 'probabilities', units: classes, activation: 'softmax', batchInputShape: [null, dim] })],
  });
  // tfjs's Dense kernel is [inputs, units]: the transpose of the trainer's [classes, dim].
  const kernel = new Float32Array(dim * classes);
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) kernel[j * classes + c] = output[c * dim + j]!;
  const tensors = [tf.tensor2d(kernel, [dim, classes]), tf.tensor1d(bias)];
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}
