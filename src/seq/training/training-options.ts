/**
 * The options every sequence trainer with a training loop shares (lm, seq2seq; classify may take
 * single entries): batch, epochs, the step limit, the learning rate and optimizer, clipping, the
 * validation share or file, the decay and early-stop schedule, the seed, threads and checkpoints.
 *
 * Declared once here, in three spec fragments (util/option-spec.ts) that each trainer spreads
 * into its own table where its flags go, so that `--help` keeps each trainer's order:
 *
 *   trainingStepSpecs(words)   --batch --epochs --max-steps --lr --optimizer --clip --val --val-file
 *   TRAINING_SCHEDULE_SPECS    --lr-decay --patience
 *   trainingRunSpecs(seedHelp) --seed --threads --checkpoint --checkpoint-every --resume
 *
 * The flag, kind, range, default and whether a checkpoint records it are fixed here; a trainer
 * only words the help where its data differ (windows of text, pairs) and picks its own defaults
 * for the batch and the learning rate. SeqTrainingOptions is the matching part of the trainers'
 * option interfaces, and the rules between these options (resolveValidationSource,
 * checkResumeHasCheckpoint) are checked by the same code for every trainer.
 */
import { availableParallelism } from 'node:os';
import { WordloomError } from '../../errors.js';

export type OptimizerName = 'adam' | 'rmsprop' | 'adagrad' | 'sgd';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'rmsprop', 'adagrad', 'sgd'];

/** The options of a sequence trainer's loop (src/seq/training/epoch-loop.ts). */
export interface SeqTrainingOptions {
  /** Rows of a batch: parallel text streams (lm, default 32) or pairs (seq2seq, default 64). */
  batch: number;
  /** Passes over the training data. Default 10. */
  epochs: number;
  /** Stop after this many training steps in all; 0 = no limit. Default 0. */
  maxSteps: number;
  /** Learning rate (lm default 2e-3, seq2seq 1e-3). */
  lr: number;
  /** 'adam', 'rmsprop', 'adagrad' or 'sgd' (with momentum 0.9). Default 'adam'. */
  optimizer: OptimizerName;
  /** Gradients are scaled down when their global norm exceeds this; 0 = no clipping. Default 5. */
  clip: number;
  /** Share of the data held out for validation (lm: the text's end; seq2seq: seeded random pairs); 0 = none. Ignored with valFile. Default 0.1. */
  valFraction: number;
  /** A separate validation file; then all of the data trains. Default none. */
  valFile: string | undefined;
  /** The learning rate is multiplied by this after an epoch that did not improve the validation loss; 1 = never. Default 0.5. */
  lrDecay: number;
  /** Stop after this many epochs in a row without improvement of the validation loss; 0 = never stop early. Default 3. */
  patience: number;
  /** Seeds the initial weights and every random choice of training. Default 1. */
  seed: number;
  /** Threads of the fused kernels (results do not depend on it). Default: all cores. */
  threads: number;
  /** Checkpoint file: written after every epoch, every checkpointEvery seconds and on interrupt; removed after success. Default none. */
  checkpoint: string | undefined;
  /** Also save the checkpoint this often within an epoch, in seconds (0: only between epochs). Default 600. */
  checkpointEvery: number;
  /** Continue the run saved in `checkpoint` (its settings win; threads and callbacks may change). Default false. */
  resume: boolean;
  /** One-line notes (data layout, checkpoint saved, learning-rate decay, early stop). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops training after the current step, saves a checkpoint (when `checkpoint` is set)
   *  and rejects with WordloomError 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

/** How a trainer words the help of the step options, and its batch and learning-rate defaults. */
export interface TrainingStepWords {
  batch: string;
  batchDefault: number;
  epochs: string;
  maxSteps: string;
  lr: number;
  valFraction: string;
  valFile: string;
}

export function trainingStepSpecs(words: TrainingStepWords) {
  return {
    batch: { flag: '--batch', kind: 'integer', min: 1, max: 100000, help: words.batch, defaultText: String(words.batchDefault), default: words.batchDefault, recorded: true },
    epochs: { flag: '--epochs', kind: 'integer', min: 1, max: 100000, help: words.epochs, defaultText: '10', default: 10, recorded: true },
    maxSteps: { flag: '--max-steps', kind: 'integer', min: 0, help: words.maxSteps, defaultText: '0 (no limit)', default: 0, recorded: true },
    lr: { flag: '--lr', kind: 'number', above: 0, max: 100, help: 'learning rate', defaultText: String(words.lr), default: words.lr, recorded: true },
    optimizer: { flag: '--optimizer', kind: 'choice', choices: OPTIMIZERS, help: 'adam, rmsprop, adagrad or sgd (momentum 0.9)', defaultText: 'adam', default: 'adam' as OptimizerName, recorded: true },
    clip: { flag: '--clip', kind: 'number', min: 0, help: 'clip gradients to this global norm; 0 = off', defaultText: '5', default: 5, recorded: true },
    valFraction: { flag: '--val', kind: 'number', min: 0, max: 0.9, help: words.valFraction, defaultText: '0.1', default: 0.1, recorded: true },
    valFile: { flag: '--val-file', kind: 'path', help: words.valFile, defaultText: 'none', recorded: true },
  } as const;
}

export const TRAINING_SCHEDULE_SPECS = {
  lrDecay: { flag: '--lr-decay', kind: 'number', above: 0, max: 1, help: 'multiply the learning rate by this after an epoch without validation improvement; 1 = never', defaultText: '0.5', default: 0.5, recorded: true },
  patience: { flag: '--patience', kind: 'integer', min: 0, help: 'stop after this many epochs without validation improvement; 0 = never', defaultText: '3', default: 3, recorded: true },
} as const;

/** --threads alone, for trainers without checkpoints (classify). */
export const THREADS_SPEC = { flag: '--threads', kind: 'integer', min: 1, max: 1024, help: 'kernel threads (results do not depend on it)', defaultText: 'all cores', recorded: false } as const;

export function trainingRunSpecs(seedHelp: string) {
  return {
    seed: { flag: '--seed', kind: 'integer', min: 0, max: 2 ** 32 - 1, help: seedHelp, defaultText: '1', default: 1, recorded: true },
    threads: THREADS_SPEC,
    checkpoint: { flag: '--checkpoint', kind: 'path', help: 'checkpoint file written each epoch and on interrupt', defaultText: 'none', recorded: false },
    checkpointEvery: { flag: '--checkpoint-every', kind: 'number', min: 0, help: 'also checkpoint this often within an epoch, in seconds; 0 = only between epochs', defaultText: '600', default: 600, recorded: false },
    resume: { flag: '--resume', kind: 'boolean', help: 'continue the run saved in the checkpoint', defaultText: 'off', default: false, recorded: false },
  } as const;
}

/** The values of the shared options that have no constant default: all cores, no file, no callbacks. */
export function trainingRuntimeDefaults(): Pick<SeqTrainingOptions, 'threads' | 'valFile' | 'checkpoint' | 'onLog' | 'signal'> {
  return { threads: availableParallelism(), valFile: undefined, checkpoint: undefined, onLog: undefined, signal: undefined };
}

/** A validation file replaces the held-out share: giving both is refused, and the share becomes 0. */
export function resolveValidationSource(o: Pick<SeqTrainingOptions, 'valFile' | 'valFraction'>, defined: Partial<Pick<SeqTrainingOptions, 'valFraction'>>): void {
  if (o.valFile === undefined) return;
  if (defined.valFraction !== undefined && defined.valFraction !== 0) throw new WordloomError('EOPTION', 'options --val and --val-file exclude each other (give one)');
  o.valFraction = 0;
}

export function checkResumeHasCheckpoint(o: Pick<SeqTrainingOptions, 'resume' | 'checkpoint'>): void {
  if (o.resume && !o.checkpoint) throw new WordloomError('EOPTION', 'option --resume needs a checkpoint path (library option checkpoint)');
}
