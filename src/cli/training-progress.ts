/**
 * The CLI side of a word-embedding training run, shared by every `train` command: the progress
 * bar, the metrics log and Ctrl-C (checkpoint and stop; a second Ctrl-C quits at once).
 */
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { TrainingProgress } from '../embeddings/shared/progress.js';
import { WordloomError } from '../errors.js';
import { refuseNonCorpus } from '../text/corpus-check.js';
import { checkOutputFile } from '../util/output-path.js';
import { interruptOnSigint, type Interrupt } from './interrupt.js';
import type { MetricsLog } from './metrics-log.js';
import type { Output } from './output.js';
import type { ProgressBar } from './progress-bar.js';

/** What runWithProgress hands the trainer: interrupt, log lines and progress. */
export interface TrainingHooks {
  signal: AbortSignal;
  onLog: (message: string) => void;
  onProgress: (p: TrainingProgress) => void;
}

/**
 * One training call with the bar, the metrics log and Ctrl-C in place, as every trainer's command
 * runs it: a failure closes the log and is rethrown; either way the bar gives way to the next line
 * (the summary or the error message) and the Ctrl-C handler is released.
 */
export async function duringTraining<R>(run: { bar: ProgressBar; metrics: MetricsLog; interrupt: Interrupt }, train: () => Promise<R>): Promise<R> {
  try {
    return await train();
  } catch (err) {
    run.metrics.close();
    throw err;
  } finally {
    run.bar.stop();
    run.interrupt.release();
  }
}

export async function runWithProgress<R>(out: Output, metrics: MetricsLog, run: (hooks: TrainingHooks) => Promise<R>): Promise<R> {
  const interrupt = interruptOnSigint(out, 'stopping at the next sentence and saving a checkpoint');
  const bar = out.progressBar(0, 'words');
  return duringTraining({ bar, metrics, interrupt }, () =>
    run({
      signal: interrupt.signal,
      onLog: (m) => out.log(m),
      onProgress: (p) => {
        showTrainingProgress(bar, p);
        metrics.progress({
          epoch: p.epoch,
          epochs: p.epochs,
          fraction: p.fraction,
          loss: p.loss,
          learningRate: p.learningRate,
          wordsPerSecondPerThread: p.wordsPerSecondPerThread,
          wordsDone: p.wordsDone,
        });
      },
    }),
  );
}

/** A trainer's progress on the bar: epoch, share of all words, rate, loss, learning rate, ETA. */
export function showTrainingProgress(bar: ProgressBar, p: TrainingProgress): void {
  bar.update(
    p.wordsDone,
    {
      label: `epoch ${p.epoch}/${p.epochs}`,
      details: [`loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-'}`, `lr ${p.learningRate.toPrecision(3)}`],
      etaSeconds: p.etaSeconds,
    },
    p.totalWords,
  );
}

/** More threads than cores only makes them take turns: said once, the run goes on. */
export function warnAboutThreads(threads: number | undefined, out: Output): void {
  const cores = availableParallelism();
  if (threads !== undefined && threads > cores) {
    out.warn(`--threads ${threads} is more than the ${cores} cores of this machine; the extra threads take turns, so training is not faster`);
  }
}

/**
 * Before a training run starts: the corpus is not a vectors or vocabulary file, every file the
 * run writes can be written, and an unfinished run's checkpoint is not replaced without --force
 * (nor silently with it).
 */
export async function checkTrainingOutputs(o: {
  /** undefined when the run reads no corpus (train glove --cooccur) */
  corpus: string | undefined;
  resume?: boolean;
  force?: boolean;
  command: string;
  out: Output;
  files: readonly (readonly [path: string, what: string])[];
  checkpoint: string;
}): Promise<void> {
  if (!o.resume && o.corpus !== undefined) await refuseNonCorpus(o.corpus, o.command);
  for (const [path, what] of o.files) await checkOutputFile(path, what);
  await checkUnfinishedRun(o);
}

/**
 * An unfinished run's checkpoint is not replaced without --force (nor silently with it); the
 * path must be writable. Every trainer with checkpoints calls this before it starts.
 */
export async function checkUnfinishedRun(o: { checkpoint: string; resume?: boolean | undefined; force?: boolean | undefined; out: Output }): Promise<void> {
  await checkOutputFile(o.checkpoint, 'checkpoint');
  refuseUnfinishedRun(o);
}

/**
 * A checkpoint at the path a new run would write holds an unfinished run: without --resume it is
 * not replaced unless --force says so (and then not silently). Every trainer with checkpoints
 * (train word2vec/fasttext, lm train, seq2seq train) says it with these words.
 */
export function refuseUnfinishedRun(o: { checkpoint: string; resume?: boolean | undefined; force?: boolean | undefined; out: Output }): void {
  if (o.resume || !existsSync(o.checkpoint)) return;
  if (!o.force) {
    throw new WordloomError('EUSAGE', `${o.checkpoint} holds an unfinished run: add --resume to continue it, or --force to start over (the checkpoint is replaced)`);
  }
  o.out.log(`--force: starting over; the checkpoint ${o.checkpoint} of the unfinished run will be replaced`);
}

/** The --force flag of a trainer whose checkpoint `where` names. */
export function forceOption(where: string): Option {
  return new Option('--force', `start over even if ${where} holds an unfinished run (it is replaced)`);
}
