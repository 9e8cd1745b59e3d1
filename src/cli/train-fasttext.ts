/**
 * `wordloom train fasttext <corpus> -o models/NAME`: fastText subword vectors, written as
 * NAME.bin (fastText 0.9.2's model file: `fasttext` and `wordloom similar` read it, unseen words
 * included) and NAME.vec (the word vectors as text). Flags: word2vec's, plus --minn --maxn
 * --bucket, all from FASTTEXT_OPTION_SPECS.
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { WordloomError } from '../errors.js';
import { FASTTEXT_OPTION_SPECS, resolveFastTextOptions, saveFastTextModel, trainFastText, type FastTextOptions } from '../embeddings/fasttext/index.js';
import { saveVectors } from '../vectors/formats/index.js';
import { formatDuration, type Output } from './output.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { checkTrainingOutputs, forceOption, runWithProgress, warnAboutThreads } from './training-progress.js';
import { removeCheckpoint } from '../embeddings/shared/checkpoint.js';
import { vocabularyPathFor } from './vocabulary-path.js';

interface FastTextFlags extends Record<string, unknown> {
  output: string;
  vocab: boolean;
  force?: boolean;
}

const FASTTEXT_FLAGS = specOptions(FASTTEXT_OPTION_SPECS, { defaultText: { resume: 'off; the checkpoint is <output>.ckpt' }, checkRange: false });

/** `models/x`, `models/x.bin` and `models/x.vec` all mean the pair models/x.bin + models/x.vec. */
export function fastTextOutputStem(output: string): string {
  return output.replace(/\.(bin|vec)$/i, '');
}

export function registerFastText(train: Command, output: () => Output): void {
  const command = train
    .command('fasttext')
    .description('train fastText subword vectors (skip-gram or CBOW over words and their character n-grams) on all cores; writes NAME.bin and NAME.vec')
    .argument('<corpus>', 'text file, .gz file or directory of them; one sentence per line')
    .requiredOption('-o, --output <path>', 'models/NAME: writes models/NAME.bin (fastText model) and models/NAME.vec (word vectors)');
  for (const { option } of FASTTEXT_FLAGS) command.addOption(option);
  command.addOption(forceOption('NAME.ckpt'));
  command.option('--no-vocab', 'do not write the vocabulary next to the vectors (NAME.vec.vocab)').action(async (corpus: string, flags: FastTextFlags) => {
    const out = output();
    const stem = fastTextOutputStem(flags.output);
    const binPath = `${stem}.bin`;
    const vecPath = `${stem}.vec`;
    for (const path of [binPath, vecPath]) {
      const found = await stat(path).catch(() => null);
      if (found?.isDirectory()) throw new WordloomError('EIO', `${path} is a folder; give -o a file name stem (models/NAME writes NAME.bin and NAME.vec)`);
    }
    const checkpoint = `${stem}.ckpt`;
    const settings = settingsFromFlags(FASTTEXT_FLAGS, flags) as Partial<FastTextOptions>;
    warnAboutThreads(settings.threads, out);
    resolveFastTextOptions({ ...settings, checkpoint }); // a bad value is reported before anything is written
    const vocabPath = flags.vocab ? vocabularyPathFor(vecPath) : null;
    await checkTrainingOutputs({ corpus, resume: settings.resume, force: flags.force, command: 'train fasttext', out, checkpoint,
      files: [[binPath, 'model file'], [vecPath, 'vectors file'], ...(vocabPath ? [[vocabPath, 'vocabulary file'] as const] : []), [metricsPathFor(stem), 'metrics log']] });
    const metrics = MetricsLog.open(metricsPathFor(stem), { trainer: 'fasttext', settings: { corpus, ...settings }, resume: settings.resume });
    const result = await runWithProgress(out, metrics, (hooks) => trainFastText(corpus, { ...settings, checkpoint, keepCheckpoint: true, ...hooks }));
    await saveFastTextModel(binPath, result);
    await saveVectors(vecPath, result.vectors, { format: 'fasttext-vec' });
    if (vocabPath) await result.vocabulary.save(vocabPath);
    await removeCheckpoint(checkpoint); // only now that everything is written
    const o = result.options;
    const summary = {
      output: binPath,
      vectors: vecPath,
      vocabulary: vocabPath,
      words: result.vectors.size,
      dim: o.dim,
      model: o.cbow ? 'cbow' : 'skipgram',
      loss: o.hs && o.negative === 0 ? 'hs' : o.hs ? 'hs+ns' : 'ns',
      minn: o.minn,
      maxn: o.maxn,
      bucket: o.maxn > 0 ? o.bucket : 0,
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
        `wrote ${binPath} (fastText model) and ${vecPath}: ${summary.words} words of dimension ${summary.dim}`,
        ...(vocabPath ? [`vocabulary: ${vocabPath}`] : []),
        `${summary.model}/${summary.loss}, n-grams ${o.maxn > 0 ? `${o.minn}-${o.maxn} in ${o.bucket} rows` : 'off'}, ${summary.epochs} epochs over ${summary.wordsPerEpoch} words, ${summary.threads} threads (${summary.kernel} kernel), ${formatDuration(result.seconds)}, final loss ${summary.finalLoss ?? '-'}`,
      ].join('\n'),
    );
  });
}
