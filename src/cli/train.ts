/**
 * `wordloom train <trainer> ...`: a command group; each trainer adds its subcommand here.
 * Flags come from the trainer's options declaration (src/cli/spec-options.ts) and map one to one
 * onto its options object (`--min-count` -> minCount).
 */
import { Option, type Command } from 'commander';
import { WordloomError } from '../errors.js';
import { resolveWord2VecOptions, trainWord2Vec, WORD2VEC_OPTION_SPECS, type Word2VecOptions } from '../embeddings/word2vec/index.js';
import { saveVectors, formatFromExtension, type VectorFormat } from '../vectors/formats/index.js';
import type { Output } from './output.js';
import { vectorFormatOption } from './option-parsers.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { registerFastText } from './train-fasttext.js';
import { embeddingTrainCommand, runEmbeddingTraining } from './train-embeddings.js';
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
  embeddingTrainCommand(train, {
    name: 'word2vec',
    description: 'train word2vec (skip-gram or CBOW; negative sampling or hierarchical softmax) on all cores',
    output: 'vectors file to write (.bin: binary, else word2vec text)',
    flags: WORD2VEC_FLAGS,
    checkpoint: '<output>.ckpt',
    vocabulary: '<output>.vocab, e.g. models/x.vec.vocab',
  })
    .option('--to <format>', 'output format: text or binary (default: binary for .bin, else text)', vectorFormatOption('--to'))
    // the flag's old name, kept working; output formats are --to in every command (convert, debias)
    .addOption(new Option('--format <format>').argParser(vectorFormatOption('--format')).hideHelp())
    .action(async (corpus: string, flags: Word2VecFlags) => {
      const requested = flags.to ?? flags.format ?? formatFromExtension(flags.output);
      // a .vec file is word2vec text (fastText's .vec is the same layout)
      const format = requested === 'fasttext-vec' ? 'word2vec-text' : requested;
      if (format !== 'word2vec-text' && format !== 'word2vec-binary') {
        throw new WordloomError('EUSAGE', `word2vec writes word2vec text or binary vectors, not ${format} (--to text|binary)`);
      }
      await runEmbeddingTraining({
        command: 'train word2vec',
        trainer: 'word2vec',
        corpus,
        out: output(),
        settings: settingsFromFlags(WORD2VEC_FLAGS, flags) as Partial<Word2VecOptions>,
        namedAfter: flags.output,
        writeVocabulary: flags.vocab,
        force: flags.force,
        outputs: [[flags.output, 'vectors file']],
        resolve: resolveWord2VecOptions,
        train: (options) => trainWord2Vec(corpus, options),
        save: (result) => saveVectors(flags.output, result.vectors, { format }),
        report: (_result, figures) => ({
          head: { output: flags.output, format },
          headline: `wrote ${figures.words} vectors of dimension ${figures.dim} to ${flags.output} (${format === 'word2vec-binary' ? 'word2vec binary' : 'word2vec text'})`,
        }),
      });
    });
}
