/**
 * `wordloom train <trainer> ...`: a command group; each trainer adds its subcommand here.
 * Flags come from the trainer's options declaration (src/cli/spec-options.ts) and map one to one
 * onto its options object (`--min-count` -> minCount).
 */
import { Option, type Command } from 'commander';
import { removeCheckpoint } from '../embeddings/shared/checkpoint.js';
import { WordloomError } from '../errors.js';
import { resolveWord2VecOptions, trainWord2Vec, WORD2VEC_OPTION_SPECS, type Word2VecOptions } from '../embeddings/word2vec/index.js';
import { saveVectors, formatFromExtension, type VectorFormat } from '../vectors/formats/index.js';
import { formatDuration, type Output } from './output.js';
import { vectorFormatOption } from './option-parsers.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { registerFastText } from './train-fasttext.js';
import { checkTrainingOutputs, forceOption, runWithProgress, warnAboutThreads } from './training-progress.js';
import { vocabularyPathFor } from './vocabulary-path.js';

export { vocabularyPathFor } from './vocabulary-path.js';
export { showTrainingProgress } from './training-progress.js';
import { registerGloveTrain } from './glove.js';

export function registerTrainCommands(program: Command, output: () => Output): void {
  const train = program.command('train').description('train word embeddings (see `wordloom train <trainer> --help`)');
  registerWord2Vec(train, output);
  registerFastText(train, output);
  registerGloveTrain(train, output);
}

interface Word2VecFlags extends Record<string, unknown> {
  output: string;
  to?: VectorFormat;
  format?: VectorFormat;
  vocab: boolean;
  force?: boolean;
}

/** Defaults that the command line words differently from the library (which has no output path). */
const WORD2VEC_CLI_DEFAULT_TEXT = { resume: 'off; the checkpoint is <output>.ckpt' } as const;
const WORD2VEC_FLAGS = specOptions(WORD2VEC_OPTION_SPECS, { defaultText: WORD2VEC_CLI_DEFAULT_TEXT, checkRange: false });

function registerWord2Vec(train: Command, output: () => Output): void {
  const command = train
    .command('word2vec')
    .description('train word2vec (skip-gram or CBOW; negative sampling or hierarchical softmax) on all cores')
    .argument('<corpus>', 'text file, .gz file or directory of them; one sentence per line')
    .requiredOption('-o, --output <path>', 'vectors file to write (.bin: binary, else word2vec text)');
  for (const { option } of WORD2VEC_FLAGS) command.addOption(option);
  command
    .option('--to <format>', 'output format: text or binary (default: binary for .bin, else text)', vectorFormatOption('--to'))
    // the flag's old name, kept working; output formats are --to in every command (convert, debias)
    .addOption(new Option('--format <format>').argParser(vectorFormatOption('--format')).hideHelp())
    .option('--no-vocab', 'do not write the vocabulary next to the vectors (<output>.vocab, e.g. models/x.vec.vocab)')
    .addOption(forceOption('<output>.ckpt'))
    .action(async (corpus: string, flags: Word2VecFlags) => {
      const out = output();
      const requested = flags.to ?? flags.format ?? formatFromExtension(flags.output);
      // a .vec file is word2vec text (fastText's .vec is the same layout)
      const format = requested === 'fasttext-vec' ? 'word2vec-text' : requested;
      if (format !== 'word2vec-text' && format !== 'word2vec-binary') {
        throw new WordloomError('EUSAGE', `word2vec writes word2vec text or binary vectors, not ${format} (--to text|binary)`);
      }
      const checkpoint = `${flags.output}.ckpt`;
      const vocabPath = flags.vocab ? vocabularyPathFor(flags.output) : null;
      const settings = settingsFromFlags(WORD2VEC_FLAGS, flags) as Partial<Word2VecOptions>;
      warnAboutThreads(settings.threads, out);
      resolveWord2VecOptions({ ...settings, checkpoint }); // a bad value is reported before anything is written
      await checkTrainingOutputs({ corpus, resume: settings.resume, force: flags.force, command: 'train word2vec', out,
        files: [[flags.output, 'vectors file'], ...(vocabPath ? [[vocabPath, 'vocabulary file'] as const] : []), [metricsPathFor(flags.output), 'metrics log']],
        checkpoint });
      const metrics = MetricsLog.open(metricsPathFor(flags.output), { trainer: 'word2vec', settings: { corpus, ...settings }, resume: settings.resume });
      // the checkpoint is removed below, once the vectors and the vocabulary are written
      const result = await runWithProgress(out, metrics, (hooks) => trainWord2Vec(corpus, { ...settings, checkpoint, keepCheckpoint: true, ...hooks }));
      await saveVectors(flags.output, result.vectors, { format });
      if (vocabPath) await result.vocabulary.save(vocabPath);
      await removeCheckpoint(checkpoint);
      const o = result.options;
      const summary = {
        output: flags.output,
        format,
        vocabulary: vocabPath,
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
      metrics.end({ ...summary, settings: plainSettings(result.options) });
      metrics.close();
      out.result(summary, () =>
        [
          `wrote ${summary.words} vectors of dimension ${summary.dim} to ${flags.output} (${format === 'word2vec-binary' ? 'word2vec binary' : 'word2vec text'})`,
          ...(vocabPath ? [`vocabulary: ${vocabPath}`] : []),
          `${summary.model}/${summary.loss}, ${summary.epochs} epochs over ${summary.wordsPerEpoch} words, ${summary.threads} threads (${summary.kernel} kernel), ${formatDuration(result.seconds)}, final loss ${summary.finalLoss ?? '-'}`,
        ].join('\n'),
      );
    });
}
