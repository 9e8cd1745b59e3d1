/**
 * One `train word2vec` or `train fasttext` run from its flags to its summary, the steps both
 * commands take in the same order: options checked, every output path checked and an old
 * checkpoint refused without --force (all before any work), the metrics log opened, training with
 * the progress bar and Ctrl-C, the outputs and the vocabulary written, and only then the
 * checkpoint removed; the summary printed and logged. Each command says what it writes.
 */
import type { Command } from 'commander';
import { removeCheckpoint } from '../embeddings/shared/checkpoint.js';
import type { Word2VecOptions, Word2VecResult } from '../embeddings/word2vec/index.js';
import { MetricsLog, plainSettings } from './metrics-log.js';
import { formatDuration, type Output } from './output.js';
import { sidecarPaths } from './sidecar-paths.js';
import type { SpecOption } from './spec-options.js';
import { checkTrainingOutputs, runWithProgress, warnAboutThreads } from './training-progress.js';

/** The figures of a finished run that both commands print and log. */
export interface EmbeddingRunFigures {
  words: number;
  dim: number;
  model: 'cbow' | 'skipgram';
  loss: 'hs' | 'hs+ns' | 'ns';
  epochs: number;
  threads: number;
  kernel: 'wasm' | 'js';
  wordsPerEpoch: number;
  seconds: number;
  finalLoss: number | null;
}

/** What a command's summary adds: its leading fields, its first line, and details for the training line. */
export interface EmbeddingRunReport {
  /** Fields before `vocabulary` and the figures (output paths, format). */
  head: Record<string, unknown>;
  /** Fields after the figures (fastText's n-gram settings). */
  tail?: Record<string, unknown>;
  /** The first line of the human summary: what was written where. */
  headline: string;
  /** Inserted into the training line after the model and loss (`n-grams 3-6 in 2000000 rows`). */
  detail?: string;
}

export interface EmbeddingTraining<O extends Word2VecOptions, R extends Word2VecResult> {
  /** As messages name it: `train word2vec`. */
  command: string;
  /** The metrics log's trainer name: `word2vec`. */
  trainer: string;
  corpus: string;
  out: Output;
  /** The options from the flags. */
  settings: Partial<O>;
  /** The output the checkpoint, vocabulary and metrics log are named after (sidecar-paths.ts). */
  namedAfter: string;
  /** False with --no-vocab. */
  writeVocabulary: boolean;
  force: boolean | undefined;
  /** The files `save` writes, as [path, what], checked before the run. */
  outputs: readonly (readonly [path: string, what: string])[];
  /** Throws on a bad option value (called before anything is checked or written). */
  resolve: (options: Partial<O>) => unknown;
  train: (options: Partial<O>) => Promise<R>;
  /** Writes the outputs (the vocabulary is written after it, the checkpoint removed after both). */
  save: (result: R) => Promise<void>;
  report: (result: R, figures: EmbeddingRunFigures, vocabulary: string | null) => EmbeddingRunReport;
}

/**
 * The subcommand with what both trainers take: the corpus, `-o`, the trainer's option flags,
 * `--force` and `--no-vocab` (`checkpoint` and `vocabulary` name those files in the help).
 */
export function embeddingTrainCommand(
  train: Command,
  c: { name: string; description: string; output: string; flags: readonly SpecOption<string>[]; checkpoint: string; vocabulary: string },
): Command {
  const command = train
    .command(c.name)
    .description(c.description)
    .argument('<corpus>', 'text file, .gz file or directory of them; one sentence per line')
    .requiredOption('-o, --output <path>', c.output);
  for (const { option } of c.flags) command.addOption(option);
  return command
    .option('--force', `start over even if ${c.checkpoint} holds an unfinished run (it is replaced)`)
    .option('--no-vocab', `do not write the vocabulary next to the vectors (${c.vocabulary})`);
}

export async function runEmbeddingTraining<O extends Word2VecOptions, R extends Word2VecResult>(c: EmbeddingTraining<O, R>): Promise<void> {
  const { out, settings } = c;
  const paths = sidecarPaths(c.namedAfter);
  const vocabulary = c.writeVocabulary ? paths.vocabulary : null;
  warnAboutThreads(settings.threads, out);
  c.resolve({ ...settings, checkpoint: paths.checkpoint }); // a bad value is reported before anything is written
  await checkTrainingOutputs({
    corpus: c.corpus,
    resume: settings.resume,
    force: c.force,
    command: c.command,
    out,
    checkpoint: paths.checkpoint,
    files: [...c.outputs, ...(vocabulary ? [[vocabulary, 'vocabulary file'] as const] : []), [paths.metrics, 'metrics log']],
  });
  const metrics = MetricsLog.open(paths.metrics, { trainer: c.trainer, settings: { corpus: c.corpus, ...settings }, resume: settings.resume });
  try {
    // the library keeps the checkpoint: it is removed below, once everything is written
    const result = await runWithProgress(out, metrics, (hooks) => c.train({ ...settings, checkpoint: paths.checkpoint, keepCheckpoint: true, ...hooks }));
    await c.save(result);
    if (vocabulary) await result.vocabulary.save(vocabulary);
    await removeCheckpoint(paths.checkpoint);
    const figures = runFigures(result);
    const report = c.report(result, figures, vocabulary);
    const summary = { ...report.head, vocabulary, ...figures, ...report.tail };
    metrics.end({ ...summary, settings: plainSettings(result.options) });
    out.result(summary, () =>
      [
        report.headline,
        ...(vocabulary ? [`vocabulary: ${vocabulary}`] : []),
        [
          `${figures.model}/${figures.loss}`,
          ...(report.detail ? [report.detail] : []),
          `${figures.epochs} epochs over ${figures.wordsPerEpoch} words`,
          `${figures.threads} threads (${figures.kernel} kernel)`,
          formatDuration(result.seconds),
          `final loss ${figures.finalLoss ?? '-'}`,
        ].join(', '),
      ].join('\n'),
    );
  } finally {
    metrics.close();
  }
}

function runFigures(result: Word2VecResult): EmbeddingRunFigures {
  const o = result.options;
  return {
    words: result.vectors.size,
    dim: o.dim,
    model: o.cbow ? 'cbow' : 'skipgram',
    loss: o.hs && o.negative === 0 ? 'hs' : o.hs ? 'hs+ns' : 'ns',
    epochs: o.epochs,
    threads: o.threads,
    kernel: result.kernel,
    wordsPerEpoch: result.wordsPerEpoch,
    seconds: Number(result.seconds.toFixed(2)),
    finalLoss: Number.isFinite(result.loss) ? Number(result.loss.toFixed(4)) : null,
  };
}
