/**
 * `wordloom train glove` (count and train, or train on counts with --cooccur) and
 * `wordloom glove cooccur` (count only, in the Stanford C tool's record format). The training
 * flags come from GLOVE_OPTION_SPECS; progress is drawn for both phases (tokens/s while
 * counting, cost and ETA while training).
 */
import { checkOutputFile } from '../util/output-path.js';
import { removeCheckpoint } from '../embeddings/shared/checkpoint.js';
import { interruptOnSigint } from './interrupt.js';
import { siNumber, type ProgressBar } from './progress-bar.js';
import { Option, type Command } from 'commander';
import { WordloomError } from '../errors.js';
import {
  GLOVE_OPTION_SPECS, countCooccurrences, resolveGloveOptions, saveGloveVocabulary, trainGlove,
  type GloveCountProgress, type GloveOptions, type GloveTrainProgress,
} from '../embeddings/glove/index.js';
import { buildVocabulary } from '../text/corpus.js';
import { Vocabulary } from '../text/vocabulary.js';
import { saveVectors, type VectorFormat } from '../vectors/formats/index.js';
import { formatDuration, type Output } from './output.js';
import { vectorFormatOption } from './option-parsers.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { vocabularyPathFor } from './sidecar-paths.js';
import { checkTrainingOutputs, duringTraining } from './training-progress.js';

const TRAIN_FLAGS = specOptions(GLOVE_OPTION_SPECS, { defaultText: { resume: 'off; the checkpoint is <output>.ckpt' } });
const COUNT_KEYS = ['window', 'minCount', 'maxVocab', 'lowercase', 'tokenizer', 'memory', 'threads', 'tmpDir'] as const;
const COUNT_FLAGS = specOptions(GLOVE_OPTION_SPECS).filter((f) => (COUNT_KEYS as readonly string[]).includes(f.key));

const symmetryOptions = (): Option[] => [
  new Option('--symmetric', 'count context on both sides of each word (default)').conflicts('left'),
  new Option('--left', 'count only the words to the left of each word (the C tool\'s -symmetric 0)'),
];

/** The output format: --format, else from the extension (.bin word2vec binary, .vec word2vec text, anything else GloVe text). */
function outputFormat(path: string, format: VectorFormat | undefined): VectorFormat {
  if (format) return format;
  const name = path.toLowerCase().replace(/\.gz$/, '');
  return name.endsWith('.bin') ? 'word2vec-binary' : name.endsWith('.vec') ? 'word2vec-text' : 'glove';
}

/** Counting on the bar: share of the corpus bytes read, tokens, shards. */
function showCount(bar: ProgressBar, p: GloveCountProgress): void {
  bar.update(p.bytesRead, { label: 'counting', details: [`${siNumber(p.tokens)} tokens`, `${p.shards} shards`] }, p.totalBytes);
}

/** Training on the bar: iteration, share of the whole run, records/s, cost, ETA. */
function showTrain(bar: ProgressBar, p: GloveTrainProgress): void {
  bar.update(
    Math.round(p.fraction * 1e6),
    {
      label: `iteration ${p.iteration}/${p.iterations}`,
      details: [`cost ${Number.isFinite(p.cost) ? p.cost.toFixed(4) : '-'}`],
      etaSeconds: p.etaSeconds,
      perSecond: p.recordsPerSecond,
    },
    1e6,
  );
}

interface TrainFlags extends Record<string, unknown> {
  output: string;
  to?: VectorFormat;
  format?: VectorFormat;
  cooccur?: string;
  vocab?: string;
  left?: boolean;
  force?: boolean;
}

export function registerGloveTrain(train: Command, output: () => Output): void {
  const command = train
    .command('glove')
    .description('train GloVe: count co-occurrences in bounded memory, then AdaGrad on all cores (Hogwild), as the Stanford C tool')
    .argument('[corpus]', 'text file, .gz file or directory of them; one sentence per line (not with --cooccur)')
    .requiredOption('-o, --output <path>', 'vectors file to write (.bin word2vec binary, .vec word2vec text, else GloVe text)');
  for (const o of symmetryOptions()) command.addOption(o);
  for (const { option } of TRAIN_FLAGS) command.addOption(option);
  command
    .option('--cooccur <file>', 'train on these co-occurrence records (C tool format, e.g. from `wordloom glove cooccur` or the C tool) instead of counting a corpus; needs --vocab')
    .option('--force', 'start over even if <output>.ckpt holds an unfinished run (it is replaced)')
    .option('--vocab <file>', 'with --cooccur: the vocabulary its word ids refer to (`word count` lines, as vocab_count writes)')
    .option('--to <format>', 'output format: glove, text, binary (default: from the extension)', vectorFormatOption('--to'))
    // the flag's old name, kept working; output formats are --to in every command
    .addOption(new Option('--format <format>').argParser(vectorFormatOption('--format')).hideHelp())
    .action(async (corpus: string | undefined, flags: TrainFlags) => {
      const out = output();
      if ((corpus === undefined) === (flags.cooccur === undefined)) {
        throw new WordloomError('EUSAGE', 'give either a corpus or --cooccur FILE (with --vocab FILE)');
      }
      if (flags.cooccur !== undefined && flags.vocab === undefined) throw new WordloomError('EUSAGE', 'option --cooccur needs --vocab (the vocabulary its word ids refer to)');
      const format = outputFormat(flags.output, flags.to ?? flags.format);
      if (format === 'fasttext-vec') throw new WordloomError('EUSAGE', 'GloVe writes glove, word2vec text or binary vectors (--to glove|text|binary)');
      const checkpoint = `${flags.output}.ckpt`;
      const settings = settingsFromFlags(TRAIN_FLAGS, flags) as Partial<GloveOptions>;
      if (flags.left) settings.symmetric = false;
      const { eta } = resolveGloveOptions({ ...settings, checkpoint });
      await checkTrainingOutputs({ corpus, resume: settings.resume, force: flags.force, command: 'train glove', out, checkpoint, files: [[flags.output, 'vectors file'], [vocabularyPathFor(flags.output), 'vocabulary file'], [metricsPathFor(flags.output), 'metrics log']] });
      const interrupt = interruptOnSigint(out, 'saving a checkpoint');
      const bar = out.progressBar(0, 'B');
      let phase: 'count' | 'train' = 'count';
      const metrics = MetricsLog.open(metricsPathFor(flags.output), { trainer: 'glove', settings: { corpus, ...settings }, ...(settings.resume ? { resume: true } : {}) });
      const result = await duringTraining({ bar, metrics, interrupt }, () =>
        trainGlove(corpus !== undefined ? { corpus } : { cooccur: flags.cooccur!, vocabulary: flags.vocab! }, {
          ...settings,
          checkpoint,
          keepCheckpoint: true,
          signal: interrupt.signal,
          onLog: (m) => out.log(m),
          onCountProgress: (p) => showCount(bar, p),
          onProgress: (p) => {
            if (phase === 'count') {
              phase = 'train';
              bar.restart('records');
            }
            showTrain(bar, p);
            metrics.progress({ epoch: p.iteration, epochs: p.iterations, fraction: p.fraction, loss: p.cost, learningRate: eta, recordsPerSecond: p.recordsPerSecond });
          },
          onIteration: (r) => {
            out.log(`iteration ${r.iteration}/${r.iterations}  cost ${r.cost.toFixed(6)}  ${formatDuration(r.seconds)}`);
            // one record per iteration, named as every trainer's (the report reads them): the
            // iteration as epoch, its cost as trainLoss, AdaGrad's initial rate as learningRate
            metrics.epoch({ epoch: r.iteration, epochs: r.iterations, trainLoss: r.cost, learningRate: eta, recordsPerSecond: r.recordsPerSecond, seconds: r.seconds });
          },
        }),
      );
      await saveVectors(flags.output, result.vectors, { format });
      const vocabPath = vocabularyPathFor(flags.output);
      await saveGloveVocabulary(vocabPath, result.vocabulary);
      await removeCheckpoint(checkpoint); // only now: a failed save above leaves the run resumable
      const o = result.options;
      const summary = {
        output: flags.output,
        format,
        vocabulary: vocabPath,
        words: result.vectors.size,
        dim: o.dim,
        vectors: o.vectors,
        records: result.records,
        iterations: o.iter,
        threads: o.threads,
        countingSeconds: result.counting ? Number(result.counting.seconds.toFixed(2)) : null,
        tokens: result.counting?.tokens ?? null,
        trainingSeconds: Number(result.seconds.toFixed(2)),
        secondsPerIteration: Number(result.secondsPerIteration.toFixed(3)),
        costs: result.costs,
      };
      metrics.end({ ...summary, settings: plainSettings(o) });
      metrics.close();
      out.result(summary, () =>
        [
          `wrote ${summary.words} vectors of dimension ${summary.dim} (${o.vectors === 'sum' ? 'W + W~' : 'W'}) to ${flags.output} (${format}); vocabulary: ${vocabPath}`,
          `${summary.records} records, ${summary.iterations} iterations on ${summary.threads} threads, ${summary.secondsPerIteration} s/iteration, final cost ${result.costs.at(-1)?.toFixed(6) ?? '-'}`,
        ].join('\n'),
      );
    });
}

interface CountFlags extends Record<string, unknown> {
  output: string;
  left?: boolean;
}

export function registerGloveCommands(program: Command, output: () => Output): void {
  const glove = program.command('glove').description('GloVe tools (see also `wordloom train glove`)');
  const command = glove
    .command('cooccur')
    .description(
      'count co-occurrences in bounded memory (spilling sorted shards and merging them) into the Stanford C tool\'s record format ' +
        '(int32 word1, int32 word2, float64 count; 1-based ids in vocabulary order), and write the vocabulary next to it (<output>.vocab)',
    )
    .argument('<corpus>', 'text file, .gz file or directory of them; one sentence per line')
    .requiredOption('-o, --output <path>', 'records file to write (e.g. cooccur.bin)');
  for (const o of symmetryOptions()) command.addOption(o);
  for (const { option } of COUNT_FLAGS) command.addOption(option);
  command.action(async (corpus: string, flags: CountFlags) => {
    const out = output();
    await checkOutputFile(flags.output, 'co-occurrence file');
    await checkOutputFile(vocabularyPathFor(flags.output), 'vocabulary file');
    const o = resolveGloveOptions({ ...(settingsFromFlags(COUNT_FLAGS, flags) as Partial<GloveOptions>), ...(flags.left ? { symmetric: false } : {}) });
    const vocabulary = await buildVocabulary(corpus, { minCount: o.minCount, ...(o.maxVocab > 0 ? { maxSize: o.maxVocab } : {}), lowercase: o.lowercase, tokenizer: o.tokenizer });
    if (vocabulary.size - Vocabulary.FIRST_WORD < 1) throw new WordloomError('EEMPTY', `${corpus}: no word occurs at least ${o.minCount} times (option --min-count)`);
    const interrupt = interruptOnSigint(out, 'stopping the count and removing its temporary shards');
    const bar = out.progressBar(0, 'B');
    let result;
    try {
      result = await countCooccurrences(corpus, vocabulary, flags.output, {
        window: o.window, symmetric: o.symmetric, memory: o.memory, threads: o.threads, tmpDir: o.tmpDir, lowercase: o.lowercase, tokenizer: o.tokenizer,
        signal: interrupt.signal,
        onProgress: (p) => showCount(bar, p),
        onLog: (m) => out.log(m),
      });
    } finally {
      bar.stop();
      interrupt.release();
    }
    const vocabPath = vocabularyPathFor(flags.output);
    await saveGloveVocabulary(vocabPath, vocabulary);
    const summary = { output: flags.output, vocabulary: vocabPath, words: vocabulary.size - Vocabulary.FIRST_WORD, records: result.records, tokens: result.tokens, shards: result.shards, seconds: Number(result.seconds.toFixed(2)), tokensPerSecond: Math.round(result.tokens / result.seconds) };
    out.result(summary, () => `wrote ${summary.records} records (${summary.words} words) to ${flags.output}, vocabulary ${vocabPath}; ${summary.tokens} tokens in ${formatDuration(result.seconds)} (${(summary.tokensPerSecond / 1e6).toFixed(2)}M tokens/s), ${summary.shards} shards`);
  });
}
