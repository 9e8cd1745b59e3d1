/**
 * `wordloom train <trainer> ...`: a command group; each trainer adds its subcommand here.
 * Flags come from the trainer's options declaration (src/cli/spec-options.ts) and map one to one
 * onto its options object (`--min-count` -> minCount).
 */
import type { Command } from 'commander';
import { WordloomError } from '../errors.js';
import { resolveWord2VecOptions, trainWord2Vec, WORD2VEC_OPTION_SPECS, type Word2VecOptions } from '../embeddings/word2vec/index.js';
import { saveVectors, formatFromExtension, type VectorFormat } from '../vectors/formats/index.js';
import { formatDuration, type Output } from './output.js';
import { vectorFormatOption } from './option-parsers.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { registerFastText } from './train-fasttext.js';
import { runWithProgress } from './training-progress.js';
import { vocabularyPathFor } from './vocabulary-path.js';

export { vocabularyPathFor } from './vocabulary-path.js';
export { showTrainingProgress } from './training-progress.js';

export function registerTrainCommands(program: Command, output: () => Output): void {
  const train = program.command('train').description('train word embeddings (see `wordloom train <trainer> --help`)');
  registerWord2Vec(train, output);
  registerFastText(train, output);
}

interface Word2VecFlags extends Record<string, unknown> {
  output: string;
  format?: VectorFormat;
  vocab: boolean;
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
    .option('--format <format>', 'output format: text, binary (default: from the extension)', vectorFormatOption('--format'))
    .option('--no-vocab', 'do not write the vocabulary next to the vectors (<output>.vocab)')
    .action(async (corpus: string, flags: Word2VecFlags) => {
      const out = output();
      const format = flags.format ?? formatFromExtension(flags.output);
      if (format !== 'word2vec-text' && format !== 'word2vec-binary' && format !== 'fasttext-vec') {
        throw new WordloomError('EUSAGE', `word2vec writes word2vec text or binary vectors, not ${format} (--format text|binary)`);
      }
      const checkpoint = `${flags.output}.ckpt`;
      const settings = settingsFromFlags(WORD2VEC_FLAGS, flags) as Partial<Word2VecOptions>;
      resolveWord2VecOptions({ ...settings, checkpoint }); // a bad value is reported before anything is written
      const metrics = MetricsLog.open(metricsPathFor(flags.output), { trainer: 'word2vec', settings: { corpus, ...settings }, resume: settings.resume });
      const result = await runWithProgress(out, metrics, (hooks) => trainWord2Vec(corpus, { ...settings, checkpoint, ...hooks }));
      await saveVectors(flags.output, result.vectors, { format });
      const vocabPath = flags.vocab ? vocabularyPathFor(flags.output) : null;
      if (vocabPath) await result.vocabulary.save(vocabPath);
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
          `wrote ${summary.words} vectors of dimension ${summary.dim} to ${flags.output} (${format})`,
          ...(vocabPath ? [`vocabulary: ${vocabPath}`] : []),
          `${summary.model}/${summary.loss}, ${summary.epochs} epochs over ${summary.wordsPerEpoch} words, ${summary.threads} threads (${summary.kernel} kernel), ${formatDuration(result.seconds)}, final loss ${summary.finalLoss ?? '-'}`,
        ].join('\n'),
      );
    });
}
