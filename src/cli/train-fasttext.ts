/**
 * `wordloom train fasttext <corpus> -o models/NAME`: fastText subword vectors, written as
 * NAME.bin (fastText 0.9.2's model file: `fasttext` and `wordloom similar` read it, unseen words
 * included) and NAME.vec (the word vectors as text); the checkpoint, vocabulary and metrics log
 * are named after NAME.vec (NAME.vec.ckpt, ...). Flags: word2vec's, plus --minn --maxn --bucket,
 * all from FASTTEXT_OPTION_SPECS.
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { WordloomError } from '../errors.js';
import { FASTTEXT_OPTION_SPECS, resolveFastTextOptions, saveFastTextModel, trainFastText, type FastTextOptions } from '../embeddings/fasttext/index.js';
import { saveVectors } from '../vectors/formats/index.js';
import type { Output } from './output.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { embeddingTrainCommand, runEmbeddingTraining } from './train-embeddings.js';

interface FastTextFlags extends Record<string, unknown> {
  output: string;
  vocab: boolean;
  force?: boolean;
}

const FASTTEXT_FLAGS = specOptions(FASTTEXT_OPTION_SPECS, { defaultText: { resume: 'off; the checkpoint is NAME.vec.ckpt' }, checkRange: false });

/** `models/x`, `models/x.bin` and `models/x.vec` all mean the pair models/x.bin + models/x.vec. */
export function fastTextOutputStem(output: string): string {
  return output.replace(/\.(bin|vec)$/i, '');
}

export function registerFastText(train: Command, output: () => Output): void {
  embeddingTrainCommand(train, {
    name: 'fasttext',
    description: 'train fastText subword vectors (skip-gram or CBOW over words and their character n-grams) on all cores; writes NAME.bin and NAME.vec',
    output: 'models/NAME: writes models/NAME.bin (fastText model) and models/NAME.vec (word vectors)',
    flags: FASTTEXT_FLAGS,
    checkpoint: 'NAME.vec.ckpt',
    vocabulary: 'NAME.vec.vocab',
  })
    .action(async (corpus: string, flags: FastTextFlags) => {
      const stem = fastTextOutputStem(flags.output);
      if (/[\\/]$/.test(stem) || (await stat(stem).catch(() => null))?.isDirectory()) {
        throw new WordloomError('EUSAGE', `-o ${flags.output} is a folder; give a name in it (-o ${stem.replace(/[\\/]+$/, '')}/NAME writes NAME.bin and NAME.vec)`);
      }
      const binPath = `${stem}.bin`;
      const vecPath = `${stem}.vec`;
      await runEmbeddingTraining({
        command: 'train fasttext',
        trainer: 'fasttext',
        corpus,
        out: output(),
        settings: settingsFromFlags(FASTTEXT_FLAGS, flags) as Partial<FastTextOptions>,
        namedAfter: vecPath,
        writeVocabulary: flags.vocab,
        force: flags.force,
        outputs: [[binPath, 'model file'], [vecPath, 'vectors file']],
        resolve: resolveFastTextOptions,
        train: (options) => trainFastText(corpus, options),
        save: async (result) => {
          await saveFastTextModel(binPath, result);
          await saveVectors(vecPath, result.vectors, { format: 'fasttext-vec' });
        },
        report: (result, figures) => {
          const o = result.options;
          return {
            head: { output: binPath, vectors: vecPath },
            tail: { minn: o.minn, maxn: o.maxn, bucket: o.maxn > 0 ? o.bucket : 0 },
            headline: `wrote ${binPath} (fastText model) and ${vecPath}: ${figures.words} words of dimension ${figures.dim}`,
            detail: `n-grams ${o.maxn > 0 ? `${o.minn}-${o.maxn} in ${o.bucket} rows` : 'off'}`,
          };
        },
      });
    });
}
