/**
 * The epoch loop the sequence trainers share (lm, seq2seq). The trainer supplies one training
 * step, the validation and its epoch report; the loop does the bookkeeping around them, the same
 * for every trainer:
 *
 *   each step   abort check (checkpoint, then EINTERRUPTED), the step, position and epoch-loss
 *               sums, the step limit (--max-steps), a checkpoint every --checkpoint-every seconds
 *               within an epoch, and a yield to the event loop so that an abort can arrive
 *   each epoch  validation; an improvement keeps the best weights and resets the patience count,
 *               else the learning rate is decayed (--lr-decay) and the count grows; the report;
 *               early stop after --patience epochs without improvement; a checkpoint
 *   the end     the best weights restored when the last epoch was not the best
 *
 * A NaN or exploding step is stopped inside the trainer's step by applyGradientStep
 * (gradient-step.ts). The position is the trainer's own checkpoint record (LoopPosition plus what
 * it adds, such as the best validation figures), changed in place, so a checkpoint saved at any
 * point resumes the same run; `indexKey` names its field for the next step within the epoch
 * ('window' for lm, 'batch' for seq2seq), which the checkpoint notes use too.
 */
import type * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../../embeddings/shared/interrupt.js';
import { setLearningRate, type SavedArray } from '../lm/optimizer.js';
import type { SeqTrainingOptions } from './training-options.js';

/** What the loop keeps of a run's position (a trainer's checkpoint position extends it). */
export interface LoopPosition<R> {
  /** 0-based epoch in progress. */
  epoch: number;
  /** Steps done over the whole run. */
  step: number;
  learningRate: number;
  /** Sum of the step losses of the epoch in progress, and their number. */
  epochLossSum: number;
  epochSteps: number;
  /** 1-based epoch of the best validation so far (null: none yet), and epochs since it last improved. */
  bestEpoch: number | null;
  badEpochs: number;
  history: R[];
}

/** The end of an epoch's validation, as the loop sees it. */
export interface EpochValidation {
  /** The score to lower (the validation loss, or the mean of several), or null without validation. */
  current: number | null;
  /** The best score so far, or null before the first. */
  best: number | null;
  /** Records the current figures as the best (called when they improve). */
  keep(): void;
  /** What the score is, for the decay note. Default 'validation loss'. */
  what?: string;
  /** Whether the epoch improved, when the trainer decides it itself (classify: a higher accuracy, or the same with a lower loss); default current < best. */
  improved?: boolean;
  /** The decay note's "did not improve" part in the trainer's words (default `${what} did not improve (current >= best)`). */
  notImproved?: string;
}

/** What the loop hands the trainer's report of an epoch. */
export interface EpochFacts {
  /** Mean training loss of the epoch (NaN without steps). */
  trainLoss: number;
  improved: boolean;
  /** The learning rate the epoch trained with, and the one the next epoch starts with. */
  learningRate: number;
  nextLearningRate: number;
  /** Seconds since the epoch began: when its steps ended, and now (validation included). */
  trainSeconds: number;
  seconds: number;
}

export type StopReason = 'epochs' | 'early-stop' | 'max-steps';

export interface EpochLoop<K extends string, R extends { improved: boolean }, P extends LoopPosition<R> & Record<K, number>> {
  options: Pick<SeqTrainingOptions, 'epochs' | 'maxSteps' | 'lrDecay' | 'patience' | 'checkpoint' | 'checkpointEvery' | 'signal' | 'onLog'> & {
    onEpoch?: ((report: R) => void) | undefined;
  };
  position: P;
  /** The position's field of the next step within the epoch. */
  indexKey: K;
  stepsPerEpoch: number;
  optimizer: tf.Optimizer;
  /** Best weights so far (a resumed run's), kept up to date by the loop and handed to `save`. */
  bestWeights: SavedArray[] | null;
  /** Every model's weights, and setting them back (the best weights at the end). */
  weights(): SavedArray[];
  setWeights(saved: SavedArray[], source: string): void;
  /** Writes the checkpoint (only called when options.checkpoint is set or on abort, which checks it). */
  save(bestWeights: SavedArray[] | null): Promise<void>;
  /** After a decay sets the optimizer's new rate (classify: its word vectors' optimizer follows at its scale). */
  onLearningRate?(learningRate: number): void;
  /** Before the first step of each epoch (seq2seq shuffles its pairs). */
  startEpoch?(): void;
  /** One training step at `index` within the epoch; returns the loss the epoch's mean is made of. */
  step(index: number): number | Promise<number>;
  /** After the position counts the step (progress reports read it). */
  afterStep?(loss: number): void;
  validate(): EpochValidation;
  report(facts: EpochFacts): R;
  /** After the epoch's counters are reset (lm drops its carried states). */
  endEpoch?(): void;
  /** Log `epoch N/M done; checkpoint PATH` after each epoch's checkpoint. Default false. */
  noteEpochCheckpoints?: boolean;
}

/** Runs the epochs from where `position` stands; resolves with why training stopped. */
export async function runEpochLoop<K extends string, R extends { improved: boolean }, P extends LoopPosition<R> & Record<K, number>>(loop: EpochLoop<K, R, P>): Promise<StopReason> {
  const { options, position, indexKey: at } = loop;
  const log = options.onLog ?? (() => undefined);
  const save = async (): Promise<void> => {
    if (options.checkpoint) await loop.save(loop.bestWeights);
  };
  let stopped: StopReason = 'epochs';
  let lastSave = performance.now();
  const positionAt = (): number => position[at] as number;
  const setAt = (value: number): void => {
    (position as Record<K, number>)[at] = value;
  };

  while (position.epoch < options.epochs) {
    const epochStart = performance.now();
    loop.startEpoch?.();
    while (positionAt() < loop.stepsPerEpoch) {
      if (options.signal?.aborted) {
        await save();
        throwIfAborted(options.signal, { started: true, checkpoint: options.checkpoint });
      }
      const loss = await loop.step(positionAt());
      setAt(positionAt() + 1);
      position.step++;
      position.epochLossSum += loss;
      position.epochSteps++;
      loop.afterStep?.(loss);
      if (options.maxSteps > 0 && position.step >= options.maxSteps) {
        stopped = 'max-steps';
        break;
      }
      if (options.checkpoint && options.checkpointEvery > 0 && performance.now() - lastSave > options.checkpointEvery * 1000 && positionAt() < loop.stepsPerEpoch) {
        await save();
        lastSave = performance.now();
        log(`checkpoint ${options.checkpoint} (epoch ${position.epoch + 1}, ${at} ${positionAt()}/${loop.stepsPerEpoch})`);
      }
      await new Promise<void>((resolve) => setImmediate(resolve)); // lets an abort arrive
    }

    // End of the epoch (or of the run, at the step limit): validate, keep the best, decay.
    const trainSeconds = (performance.now() - epochStart) / 1000;
    const validation = loop.validate();
    const { current, best } = validation;
    const improved = current === null || best === null || (validation.improved ?? current < best);
    const learningRate = position.learningRate;
    if (current !== null) {
      if (improved) {
        validation.keep();
        position.bestEpoch = position.epoch + 1;
        position.badEpochs = 0;
        loop.bestWeights = loop.weights();
      } else {
        position.badEpochs++;
        if (options.lrDecay < 1) {
          position.learningRate *= options.lrDecay;
          setLearningRate(loop.optimizer, position.learningRate);
          loop.onLearningRate?.(position.learningRate);
          const notImproved = validation.notImproved ?? `${validation.what ?? 'validation loss'} did not improve (${current.toFixed(4)} >= ${best!.toFixed(4)})`;
          log(`${notImproved}: learning rate ${position.learningRate.toPrecision(3)}`);
        }
      }
    }
    const report = loop.report({
      trainLoss: position.epochSteps > 0 ? position.epochLossSum / position.epochSteps : Number.NaN,
      improved,
      learningRate,
      nextLearningRate: position.learningRate,
      trainSeconds,
      seconds: (performance.now() - epochStart) / 1000,
    });
    position.history.push(report);
    options.onEpoch?.(report);
    position.epoch++;
    setAt(0);
    position.epochLossSum = 0;
    position.epochSteps = 0;
    loop.endEpoch?.();
    if (stopped === 'max-steps') break;
    if (current !== null && options.patience > 0 && position.badEpochs >= options.patience) {
      stopped = 'early-stop';
      log(`early stop: no validation improvement for ${position.badEpochs} epoch(s) (--patience ${options.patience})`);
      break;
    }
    if (position.epoch < options.epochs) {
      await save();
      lastSave = performance.now();
      if (options.checkpoint && loop.noteEpochCheckpoints) log(`epoch ${position.epoch}/${options.epochs} done; checkpoint ${options.checkpoint}`);
    }
  }

  if (loop.bestWeights && position.history[position.history.length - 1]?.improved === false) loop.setWeights(loop.bestWeights, 'best weights');
  return stopped;
}
