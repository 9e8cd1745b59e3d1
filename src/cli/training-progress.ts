/**
 * The CLI side of a word-embedding training run, shared by every `train` command: the progress
 * bar, the metrics log and Ctrl-C (checkpoint and stop; a second Ctrl-C quits at once).
 */
import type { TrainingProgress } from '../embeddings/shared/progress.js';
import type { MetricsLog } from './metrics-log.js';
import type { Output } from './output.js';
import type { ProgressBar } from './progress-bar.js';

/** What runWithProgress hands the trainer: interrupt, log lines and progress. */
export interface TrainingHooks {
  signal: AbortSignal;
  onLog: (message: string) => void;
  onProgress: (p: TrainingProgress) => void;
}

export async function runWithProgress<R>(out: Output, metrics: MetricsLog, run: (hooks: TrainingHooks) => Promise<R>): Promise<R> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    out.log('interrupted: stopping at the next sentence and saving a checkpoint (Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = out.progressBar(0, 'words');
  try {
    return await run({
      signal: controller.signal,
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
    });
  } catch (err) {
    metrics.close();
    throw err;
  } finally {
    bar.stop(); // the summary or the error message follows on a clean line
    process.off('SIGINT', onSigint);
  }
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
