/**
 * Language-model training: truncated backpropagation through time over parallel streams.
 *
 *   text     -> vocabulary (or the checkpoint's) -> one id stream -> training and validation parts
 *   training -> `batch` streams read in windows of `seqLen`, the recurrent state carried (detached)
 *               from one window to the next and reset at each epoch; per window: forward, mean
 *               cross-entropy, gradients, clipping by global norm, one optimizer step
 *   epoch    -> validation (loss, perplexity, bits per character), learning-rate decay when it did
 *               not improve, early stopping after `patience` such epochs, best weights kept
 *
 * A checkpoint is written after every epoch, every `checkpointEvery` seconds and on abort; resume
 * continues the run exactly (the same final weights as an uninterrupted run). A NaN or infinite
 * loss or gradient stops the run with EDIVERGED naming --lr.
 *
 * Bidirectional (ELMo): a second network of the same shape, with its own weights, reads the same
 * text reversed (so it predicts each token's predecessor from everything to its right), laid out
 * and windowed exactly like the forward text. Both train in the same steps on ONE combined loss,
 * the sum of the two directions' mean cross-entropies (ELMo's joint log-likelihood), with one
 * optimizer over both sets of variables and clipping by the global norm of all the gradients.
 * Why one combined loss rather than alternating steps: the weights are disjoint, so the sum's
 * gradient is exactly each direction's own gradient (the learning rate means what it means for a
 * forward-only model), one step keeps the windows, carried states, step counts, schedule and
 * checkpoint position of both directions in lockstep (resume needs nothing new), and it costs one
 * gradient pass per window rather than two. Validation reports both directions; the learning-rate
 * decay, early stopping and best-weights choice follow the mean of their losses.
 */
import { throwIfAborted } from '../../embeddings/shared/interrupt.js';
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { SeededRandom } from '../../embeddings/shared/rng.js';
import { removeCheckpoint } from '../../embeddings/shared/checkpoint.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { setEngineThreads } from '../engine/index.js';
import { batchify, windowAt, windowCount, type StreamLayout } from './batches.js';
import { loadLanguageModelCheckpoint, saveLanguageModelCheckpoint, type LanguageModelCheckpoint, type RunPosition } from './checkpoint.js';
import { ExplosionGuard } from '../training/explosion-guard.js';
import { runEpochLoop } from '../training/epoch-loop.js';
import { applyGradientStep } from '../training/gradient-step.js';
import { keepRecordedSettings } from '../training/resumed-settings.js';
import { recordedValues } from '../../util/option-spec.js';
import { getModelsWeights, savedArray, setModelsWeights } from '../training/weights.js';
import { LANGUAGE_MODEL_FORMAT, LANGUAGE_MODEL_FORMAT_VERSION, type LanguageModelConfig } from './config.js';
import { FILES } from './model-files.js';
import { evaluateIds } from './evaluate.js';
import { LanguageModel } from './language-model.js';
import { buildNetwork, forwardLoss, syncTiedKernel, trainableVariables, type Architecture } from './network.js';
import { createOptimizer, restoreOptimizerState, saveOptimizerState, setLearningRate, type SavedArray } from './optimizer.js';
import { RECORDED_SETTINGS, resolveLanguageModelOptions, type LanguageModelOptions, type RecordedSettings } from './options.js';
import { StepMeter, type EpochReport, type LanguageModelEvaluation } from './progress.js';
import { disposeStates, type LayerStates } from './stateful.js';
import { buildSourceVocabulary, describeSource, encodeSource, type TextSource } from './text-source.js';
import type { TextSettings } from './text-codec.js';

/** The trained model, with the epoch-by-epoch figures of the run. */
export interface TrainedLanguageModel extends LanguageModel {
  readonly history: EpochReport[];
}

/**
 * Trains a character or word language model on `text`: the text itself (a string) or an array of
 * paths of text files, .gz files or directories. Resolves with the model (best validation weights);
 * rejects with a WordloomError for bad options or text (EOPTION, EEMPTY, ...), divergence
 * (EDIVERGED) or an abort (EINTERRUPTED, after saving the checkpoint).
 */
export async function trainLanguageModel(text: TextSource, partial: Partial<LanguageModelOptions> = {}): Promise<TrainedLanguageModel> {
  let options = resolveLanguageModelOptions(partial);
  const log = options.onLog ?? (() => undefined);
  throwIfAborted(options.signal, { started: false });
  if (options.autotune) {
    const { autotuneLanguageModel } = await import('./autotune.js');
    return autotuneLanguageModel(text, partial, options, trainLanguageModel);
  }

  let resumed: LanguageModelCheckpoint | null = null;
  if (options.resume) {
    resumed = await loadLanguageModelCheckpoint(options.checkpoint!);
    options = resolveLanguageModelOptions(keepRecordedSettings(partial, RECORDED_SETTINGS, resumed.settings, log));
  }
  const settings: TextSettings = { level: options.level, tokenizer: options.level === 'char' ? 'characters' : options.tokenizer, lowercase: options.lowercase };
  const warn = (message: string): void => log(`warning: ${message}`);
  const vocabulary = resumed?.vocabulary ?? (await buildSourceVocabulary(text, { ...settings, minCount: options.minCount, maxVocab: options.maxVocab }, warn));
  const name = describeSource(text);
  if (vocabulary.size <= Vocabulary.FIRST_WORD) {
    throw new WordloomError('EEMPTY', `${name} is empty: no ${settings.level === 'char' ? 'characters' : 'words'} to learn from`);
  }
  const ids = await encodeSource(text, vocabulary, settings, warn);
  throwIfAborted(options.signal, { started: false });

  const { train, validation } = await splitValidation(ids, vocabulary, settings, options, warn);
  const needed = options.batch * options.seqLen + 1;
  if (train.length < needed) {
    const heldOut = validation !== null && !options.valFile ? ` after holding out ${validation.length} for validation (--val ${options.valFraction})` : '';
    throw new WordloomError(
      'EEMPTY',
      `${name} has ${train.length} training tokens${heldOut}; --batch ${options.batch} x --seq-len ${options.seqLen} needs at least ${needed}: give a longer text or lower --batch or --seq-len` +
        (typeof text === 'string' && ids.length < 200 ? ' (a string is the text itself; pass an array of paths to read files)' : ''),
    );
  }
  if (resumed && (resumed.trainTokens !== train.length || resumed.valTokens !== (validation?.length ?? 0))) {
    throw new WordloomError(
      'EOPTION',
      `${name} differs from the text the checkpoint ${options.checkpoint} was trained on (${train.length} + ${validation?.length ?? 0} tokens now, ${resumed.trainTokens} + ${resumed.valTokens} then)`,
    );
  }
  log(`vocabulary: ${vocabulary.size} ids (${vocabulary.size - Vocabulary.FIRST_WORD} ${settings.level === 'char' ? 'characters' : 'words'} and 4 special tokens)`);
  return run(options, vocabulary, settings, train, validation, resumed);
}

/** The training ids and the validation ids (null without validation). */
async function splitValidation(
  ids: Int32Array,
  vocabulary: Vocabulary,
  settings: TextSettings,
  options: LanguageModelOptions,
  warn: (message: string) => void,
): Promise<{ train: Int32Array; validation: Int32Array | null }> {
  if (options.valFile) {
    const validation = await encodeSource([options.valFile], vocabulary, settings, warn);
    if (validation.length < 2) throw new WordloomError('EEMPTY', `${options.valFile}: the validation text needs at least 2 tokens, it has ${validation.length}`);
    return { train: ids, validation };
  }
  if (options.valFraction === 0) return { train: ids, validation: null };
  const cut = Math.floor(ids.length * (1 - options.valFraction));
  if (ids.length - cut < 2) return { train: ids, validation: null };
  return { train: ids.subarray(0, cut), validation: ids.subarray(cut) };
}

async function run(
  options: LanguageModelOptions,
  vocabulary: Vocabulary,
  settings: TextSettings,
  trainIds: Int32Array,
  valIds: Int32Array | null,
  resumed: LanguageModelCheckpoint | null,
): Promise<TrainedLanguageModel> {
  const log = options.onLog ?? (() => undefined);
  setEngineThreads(options.threads);
  const data = batchify(trainIds, options.batch);
  const windows = windowCount(data, options.seqLen);
  const plannedSteps = options.maxSteps > 0 ? Math.min(options.maxSteps, windows * options.epochs) : windows * options.epochs;
  log(
    `training: ${trainIds.length} tokens as ${options.batch} streams of ${data.length}, ${windows} windows of ${options.seqLen} per epoch; ` +
      (valIds ? `validation: ${valIds.length} tokens` : 'no validation') +
      (options.bidirectional ? '; bidirectional: a forward and a backward model (the text read right to left)' : ''),
  );

  const architecture: Architecture = {
    vocabularySize: vocabulary.size,
    cell: options.cell,
    layers: options.layers,
    units: options.units,
    embedding: options.embedding,
    tieWeights: options.tieWeights,
  };
  const random = new SeededRandom(options.seed);
  const nextSeed = (): number => random.nextUint32();
  // One network per direction: [forward] or [forward, backward]; the backward reads the ids reversed.
  const bidirectional = options.bidirectional;
  const models: tf.Sequential[] = [buildNetwork(architecture, nextSeed)];
  if (bidirectional) models.push(buildNetwork(architecture, nextSeed));
  const NAMES = ['forward', 'backward'] as const;
  const layouts: StreamLayout[] = bidirectional ? [data, batchify(reversed(trainIds), options.batch)] : [data];
  const valSets: Int32Array[] | null = valIds === null ? null : bidirectional ? [valIds, reversed(valIds)] : [valIds];
  const variables = models.flatMap((m) => trainableVariables(m, options.tieWeights));
  const optimizer = createOptimizer(options.optimizer, options.lr);
  /** Carried states per direction; null at the start of an epoch. */
  let states: LayerStates[] | null = null;
  let position: RunPosition = {
    epoch: 0,
    window: 0,
    step: 0,
    tokensDone: 0,
    learningRate: options.lr,
    epochLossSum: 0,
    epochSteps: 0,
    best: null,
    bestEpoch: null,
    badEpochs: 0,
    history: [],
    ...(bidirectional ? { backwardLossSum: 0, bestBackward: null } : {}),
    randomState: 0,
  };
  let bestWeights: SavedArray[] | null = null;
  /** The last epoch's validation figures (forward, backward). */
  let validation: LanguageModelEvaluation | null = null;
  let backwardValidation: LanguageModelEvaluation | null = null;
  let succeeded = false;
  const allWeights = (): SavedArray[] => getModelsWeights(models);
  try {
    if (resumed) {
      setModelsWeights(models, resumed.weights, options.checkpoint!);
      await restoreOptimizerState(optimizer, resumed.optimizer);
      if (resumed.states !== null) {
        if (resumed.states.length !== options.layers * models.length) throw new WordloomError('EFORMAT', `${options.checkpoint}: the saved states do not fit the model`);
        const flat = resumed.states.map((layer) => layer.map((s) => tf.tensor(s.values, s.shape, s.dtype)));
        states = models.map((_, k) => flat.slice(k * options.layers, (k + 1) * options.layers));
      }
      bestWeights = resumed.bestWeights;
      position = resumed.position;
      random.setState(position.randomState);
      setLearningRate(optimizer, position.learningRate);
      log(`resuming from ${options.checkpoint}: epoch ${position.epoch + 1}/${options.epochs}, window ${position.window + 1}/${windows}, step ${position.step}`);
    }

    const meter = new StepMeter(position.step, position.tokensDone);
    const forwardOptions = { training: true, dropout: options.dropout, nextSeed, tieWeights: options.tieWeights };
    const guards = models.map(() => new ExplosionGuard(vocabulary.size));
    /** Each direction's loss of the last step. */
    let lastLosses: number[] = [];

    /**
     * One window (the same window of every direction): forward, loss (summed over the directions),
     * gradients, clipping, update; the new states replace the old. Returns each direction's loss.
     */
    const step = (index: number): number[] => {
      const wins = layouts.map((layout) => windowAt(layout, index, options.seqLen));
      const xs = wins.map((win) => tf.tensor2d(win.inputs, [win.streams, win.time], 'int32'));
      const ys = wins.map((win) => tf.tensor2d(win.targets, [win.streams, win.time], 'int32'));
      const next: LayerStates[] = [];
      const directionLosses: tf.Scalar[] = [];
      const previous: LayerStates[] | null = states;
      let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
      try {
        result = tf.variableGrads(() => {
          let total: tf.Scalar | null = null;
          for (let k = 0; k < models.length; k++) {
            const r = forwardLoss(models[k]!, xs[k]!, ys[k]!, previous?.[k] ?? null, forwardOptions);
            next.push(r.states.map((layer) => layer.map((t) => tf.keep(t))));
            const loss = r.loss;
            if (models.length > 1) directionLosses.push(tf.keep(loss));
            total = total === null ? loss : tf.add<tf.Scalar>(total, loss);
          }
          return total!;
        }, variables);
      } finally {
        tf.dispose([...xs, ...ys]);
      }
      const totalLoss = result.value.dataSync()[0]!;
      const losses = models.length === 1 ? [totalLoss] : directionLosses.map((t) => t.dataSync()[0]!);
      tf.dispose([result.value, ...directionLosses]);
      try {
        applyGradientStep({ losses, grads: result.grads, variables, optimizer, clip: options.clip, guards, names: NAMES, at: position });
      } catch (err) {
        for (const s of next) disposeStates(s);
        throw err;
      }
      if (previous !== null) for (const s of previous) disposeStates(s);
      states = next;
      return losses;
    };

    const stopped = await runEpochLoop({
      options,
      position,
      indexKey: 'window',
      stepsPerEpoch: windows,
      optimizer,
      bestWeights,
      weights: allWeights,
      setWeights: (saved, source) => setModelsWeights(models, saved, source),
      noteEpochCheckpoints: true,
      save: async (best) => {
        position.randomState = random.getState();
        await saveLanguageModelCheckpoint(options.checkpoint!, {
          settings: recordedSettings(options),
          trainTokens: trainIds.length,
          valTokens: valIds?.length ?? 0,
          vocabulary,
          position,
          weights: allWeights(),
          bestWeights: best,
          states: states?.flatMap((direction) => direction.map((layer) => layer.map((t, i) => savedArray(`state${i}`, t)))) ?? null,
          optimizer: await saveOptimizerState(optimizer),
        });
      },
      step: (index) => {
        const tokens = options.batch * Math.min(options.seqLen, data.length - index * options.seqLen);
        lastLosses = step(index);
        position.tokensDone += tokens;
        if (bidirectional) position.backwardLossSum = (position.backwardLossSum ?? 0) + lastLosses[1]!;
        return lastLosses[0]!;
      },
      afterStep: (loss) =>
        options.onProgress?.(
          meter.snapshot({
            epoch: position.epoch + 1,
            epochs: options.epochs,
            step: position.step,
            totalSteps: plannedSteps,
            tokensDone: position.tokensDone,
            totalTokens: plannedSteps * options.batch * options.seqLen,
            learningRate: position.learningRate,
            loss,
            epochLoss: position.epochLossSum / position.epochSteps,
            ...(bidirectional ? { backward: { loss: lastLosses[1]!, epochLoss: position.backwardLossSum! / position.epochSteps } } : {}),
          }),
        ),
      // Bidirectional: both directions are validated; the mean of their losses decides.
      validate: () => {
        const evaluations = valSets?.map((ids, k) => evaluateIds(models[k]!, ids, options, options.level, options.tieWeights)) ?? null;
        validation = evaluations?.[0] ?? null;
        backwardValidation = evaluations?.[1] ?? null;
        const objective = (f: LanguageModelEvaluation, b: LanguageModelEvaluation | null | undefined): number => (bidirectional ? (f.loss + b!.loss) / 2 : f.loss);
        return {
          current: validation === null ? null : objective(validation, backwardValidation),
          best: position.best === null ? null : objective(position.best, position.bestBackward),
          keep: () => {
            position.best = validation;
            if (bidirectional) position.bestBackward = backwardValidation;
          },
          what: bidirectional ? 'validation loss (mean of both directions)' : 'validation loss',
        };
      },
      report: (facts): EpochReport => ({
        epoch: position.epoch + 1,
        epochs: options.epochs,
        trainLoss: facts.trainLoss,
        validation,
        ...(bidirectional ? { backward: { trainLoss: position.epochSteps > 0 ? position.backwardLossSum! / position.epochSteps : Number.NaN, validation: backwardValidation } } : {}),
        improved: facts.improved,
        learningRate: facts.learningRate,
        nextLearningRate: facts.nextLearningRate,
        step: position.step,
        seconds: facts.seconds,
      }),
      endEpoch: () => {
        if (bidirectional) position.backwardLossSum = 0;
        if (states !== null) for (const s of states) disposeStates(s);
        states = null;
      },
    });

    if (options.tieWeights) models.forEach(syncTiedKernel);
    const config: LanguageModelConfig = {
      format: LANGUAGE_MODEL_FORMAT,
      version: LANGUAGE_MODEL_FORMAT_VERSION,
      level: settings.level,
      tokenizer: settings.tokenizer,
      lowercase: settings.lowercase,
      architecture,
      training: {
        settings: recordedSettings(options),
        stopped,
        steps: position.step,
        epochs: position.history.length,
        trainTokens: trainIds.length,
        valTokens: valIds?.length ?? 0,
        seconds: meter.elapsedSeconds(),
        history: position.history,
        bestEpoch: position.bestEpoch,
      },
      validation: position.best,
      ...(bidirectional ? { backward: { folder: FILES.backward, validation: position.bestBackward ?? null } } : {}),
    };
    const trained = new LanguageModel(models[0]!, vocabulary, config, models[1] ?? null) as LanguageModel & { history: EpochReport[] };
    trained.history = position.history;
    succeeded = true;
    if (options.checkpoint) await removeCheckpoint(options.checkpoint);
    return trained;
  } finally {
    if (states !== null) for (const s of states) disposeStates(s);
    optimizer.dispose();
    if (!succeeded) for (const m of models) m.dispose();
  }
}

/** The ids right to left: what the backward model reads. */
function reversed(ids: Int32Array): Int32Array {
  return ids.slice().reverse();
}

function recordedSettings(options: LanguageModelOptions): RecordedSettings {
  return recordedValues(options, RECORDED_SETTINGS);
}


export type { LanguageModelEvaluation };
