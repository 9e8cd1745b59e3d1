/**
 * `wordloom train <trainer> ...`: a command group; each trainer adds its subcommand here.
 * Flags map one to one onto the trainer's options object (`--min-count` -> minCount).
 */
import { Command, Option } from 'commander';
import { WordloomError } from '../errors.js';
import { resolveWord2VecOptions, trainWord2Vec, WORD2VEC_DEFAULTS, type Word2VecOptions } from '../embeddings/word2vec/index.js';
import type { TrainingProgress } from '../embeddings/shared/progress.js';
import { saveVectors, formatFromExtension, type VectorFormat } from '../vectors/formats/index.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../text/tokenizer.js';
import { formatDuration, type Output } from './output.js';
import { integerOption, numberOption, vectorFormatOption } from './option-parsers.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';

export function registerTrainCommands(program: Command, output: () => Output): void {
  const train = program.command('train').description('train word embeddings (see `wordloom train <trainer> --help`)');
  registerWord2Vec(train, output);
}

const integer = (flag: string) => integerOption(flag);
const number = numberOption;

interface Word2VecFlags {
  output: string;
  cbow?: boolean;
  hs?: boolean;
  dim?: number;
  window?: number;
  negative?: number;
  sample?: number;
  minCount?: number;
  maxVocab?: number;
  epochs?: number;
  alpha?: number;
  minAlpha?: number;
  threads?: number;
  seed?: number;
  format?: VectorFormat;
  resume?: boolean;
  checkpointEvery?: number;
  lowercase?: boolean;
  tokenizer?: TokenizerName;
  kernel?: 'wasm' | 'js' | 'auto';
  vocab: boolean;
}

function registerWord2Vec(train: Command, output: () => Output): void {
  const d = WORD2VEC_DEFAULTS;
  train
    .command('word2vec')
    .description('train word2vec (skip-gram or CBOW; negative sampling or hierarchical softmax) on all cores')
    .argument('<corpus>', 'text file, .gz file or directory of them; one sentence per line')
    .requiredOption('-o, --output <path>', 'vectors file to write (.bin: binary, else word2vec text)')
    .option('--cbow', 'CBOW (mean of context vectors) instead of skip-gram')
    .option('--hs', 'hierarchical softmax (use with --negative 0 for hs only)')
    .option('--dim <n>', `vector dimension (default ${d.dim})`, integer('--dim'))
    .option('--window <n>', `max context distance (default ${d.window})`, integer('--window'))
    .option('--negative <n>', `negative samples per target, 0 = off (default ${d.negative})`, integer('--negative'))
    .option('--sample <x>', `subsampling threshold for frequent words, 0 = off (default ${d.sample})`, number('--sample'))
    .option('--min-count <n>', `drop words seen fewer times (default ${d.minCount})`, integer('--min-count'))
    .option('--max-vocab <n>', 'keep only the n most frequent words (default: all)', integer('--max-vocab'))
    .option('--epochs <n>', `passes over the corpus (default ${d.epochs})`, integer('--epochs'))
    .option('--alpha <x>', 'starting learning rate (default 0.025 skip-gram, 0.05 CBOW)', number('--alpha'))
    .option('--min-alpha <x>', 'final learning rate (default alpha * 1e-4)', number('--min-alpha'))
    .option('--threads <n>', 'worker threads (default: all cores)', integer('--threads'))
    .option('--seed <n>', `random seed; with --threads 1 runs are bit-identical (default ${d.seed})`, integer('--seed'))
    .option('--format <format>', 'output format: text, binary (default: from the extension)', vectorFormatOption('--format'))
    .option('--resume', 'continue from the checkpoint <output>.ckpt left by an interrupted run')
    .option('--checkpoint-every <seconds>', `save <output>.ckpt this often within an epoch too, 0 = only between epochs (default ${d.checkpointEvery})`, number('--checkpoint-every'))
    .option('--lowercase', 'lowercase the corpus')
    .addOption(new Option('--tokenizer <name>', 'how lines are split into words (default: whitespace)').choices(TOKENIZER_NAMES))
    .option('--no-vocab', 'do not write the vocabulary next to the vectors (<output>.vocab)')
    .addOption(new Option('--kernel <kind>', 'training kernel (default: wasm when available)').choices(['wasm', 'js', 'auto']))
    .action(async (corpus: string, flags: Word2VecFlags) => {
      const out = output();
      const format = flags.format ?? formatFromExtension(flags.output);
      if (format !== 'word2vec-text' && format !== 'word2vec-binary' && format !== 'fasttext-vec') {
        throw new WordloomError('EUSAGE', `word2vec writes word2vec text or binary vectors, not ${format} (--format text|binary)`);
      }
      const checkpoint = `${flags.output}.ckpt`;
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        out.log('\ninterrupted: stopping at the next sentence and saving a checkpoint (Ctrl-C again to quit at once)');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const line = out.progress();
      const settings: Partial<Word2VecOptions> = {
        cbow: flags.cbow,
        hs: flags.hs,
        dim: flags.dim,
        window: flags.window,
        negative: flags.negative,
        sample: flags.sample,
        minCount: flags.minCount,
        maxVocab: flags.maxVocab,
        epochs: flags.epochs,
        alpha: flags.alpha,
        minAlpha: flags.minAlpha,
        threads: flags.threads,
        seed: flags.seed,
        lowercase: flags.lowercase,
        tokenizer: flags.tokenizer,
        kernel: flags.kernel,
        resume: flags.resume,
        checkpointEvery: flags.checkpointEvery,
      };
      resolveWord2VecOptions({ ...settings, checkpoint }); // a bad value is reported before anything is written
      const metrics = MetricsLog.open(metricsPathFor(flags.output), { trainer: 'word2vec', settings: { corpus, ...settings }, resume: flags.resume });
      const options: Partial<Word2VecOptions> = {
        ...settings,
        checkpoint,
        signal: controller.signal,
        onLog: (m) => out.log(m),
        onProgress: (p) => {
          line.update(describeProgress(p));
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
      };
      let result;
      try {
        result = await trainWord2Vec(corpus, options);
        line.done();
      } catch (err) {
        line.clear(); // the error message follows on a clean line
        metrics.close();
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
      }
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

/** `models/x.vec` -> `models/x.vocab` (the extension, and a .gz after it, replaced). */
export function vocabularyPathFor(vectorsPath: string): string {
  const stem = vectorsPath.replace(/\.(vec|bin|txt|w2v)(\.gz)?$/i, '');
  return `${stem}.vocab`;
}

export function describeProgress(p: TrainingProgress): string {
  const rate = p.wordsPerSecondPerThread >= 1000 ? `${(p.wordsPerSecondPerThread / 1000).toFixed(1)}k` : p.wordsPerSecondPerThread.toFixed(0);
  return [
    `epoch ${p.epoch}/${p.epochs}`,
    `${(p.fraction * 100).toFixed(1)}%`,
    `${rate} words/s/thread`,
    `lr ${p.learningRate.toPrecision(3)}`,
    `loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-'}`,
    `ETA ${formatDuration(p.etaSeconds)}`,
  ].join('  ');
}
