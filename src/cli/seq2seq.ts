/**
 * The seq2seq commands: `wordloom seq2seq train`, `wordloom seq2seq eval`, `wordloom translate`
 * and `wordloom corpus dates`.
 *
 * `seq2seq train`'s flags, ranges, help and defaults come from the library's one declaration
 * (SEQ2SEQ_OPTION_SPECS); the backend flag and number checking are the language-model commands'.
 * Modules that load TensorFlow.js are imported when a command runs.
 */
import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline';
import type { BackendName } from '../seq/backend/backend-name.js';
import { describeLayers } from '../seq/lm/layer-units.js';
import { SEQ2SEQ_OPTION_SPECS, resolveSeq2seqOptions, type Seq2seqOptions, type Seq2seqSetting } from '../seq/seq2seq/options.js';
import type { Seq2seqEpochReport, Seq2seqEvaluation, Seq2seqProgress } from '../seq/seq2seq/progress.js';
import { DATE_SPLITS, generateDatePairs, type DateSplit } from '../corpora/dates.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkOutputFile } from '../util/output-path.js';
import { interruptOnSigint } from './interrupt.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import { duringTraining, forceOption, refuseUnfinishedRun, warnAboutThreads } from './training-progress.js';
import { backendOption, stripSlashes, useBackend } from './lm.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { integerOption, numberOption } from './option-parsers.js';
import { fixed, formatDuration, type Output } from './output.js';
import type { ProgressBar } from './progress-bar.js';

export function registerSeq2seqCommands(program: Command, output: () => Output): void {
  const seq2seq = program.command('seq2seq').description('sequence-to-sequence models with attention: train and evaluate (see also `wordloom translate`)');
  registerTrain(seq2seq, output);
  registerEval(seq2seq, output);
  registerTranslate(program, output);
  const corpus = program.command('corpus').description('generated corpora');
  registerDates(corpus, output);
}

const CLI_DEFAULT_TEXT: Partial<Record<Seq2seqSetting, string>> = { checkpoint: '<output>.ckpt' };

const SETTING_OPTIONS = specOptions(SEQ2SEQ_OPTION_SPECS, { defaultText: CLI_DEFAULT_TEXT });

const percent = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

function describeEvaluation(v: Seq2seqEvaluation): string {
  return `loss ${fixed(v.loss, 4)}` + (v.exactMatch !== null ? `, exact match ${percent(v.exactMatch)}, token accuracy ${percent(v.tokenAccuracy)} (${v.decoded} decoded)` : '');
}

function describeEpoch(r: Seq2seqEpochReport): string {
  return `epoch ${r.epoch}/${r.epochs}: training loss ${fixed(r.trainLoss, 4)}` + (r.validation ? `; validation ${describeEvaluation(r.validation)}` : '') + `; ${formatDuration(r.seconds)}`;
}

function showProgress(bar: ProgressBar, p: Seq2seqProgress): void {
  bar.update(p.step, { label: `epoch ${p.epoch}/${p.epochs}`, details: [`loss ${fixed(p.epochLoss, 4)}`, `${p.pairsPerSecond.toFixed(0)} pairs/s`], etaSeconds: p.etaSeconds, perSecond: p.pairsPerSecond }, p.totalSteps);
}

interface TrainFlags extends Record<string, unknown> {
  output: string;
  backend?: BackendName;
  force?: boolean;
}

function registerTrain(group: Command, output: () => Output): void {
  const command = group
    .command('train')
    .description(
      'train an encoder-decoder with attention on source<TAB>target pairs (teacher forcing); one line per epoch with training and validation loss and greedy exact match; Ctrl-C saves <output>.ckpt, --resume continues',
    )
    .argument('<pairs>', 'pairs file: one source<TAB>target a line (.gz read transparently)')
    .requiredOption('-o, --output <folder>', 'model folder to write (encoder/decoder tfjs models, vocabularies, seq2seq.json); an existing model folder is replaced');
  for (const { option } of SETTING_OPTIONS) command.addOption(option);
  command.addOption(forceOption('the checkpoint (<output>.ckpt)'));
  command.addOption(backendOption());
  command.action(async (pairs: string, flags: TrainFlags) => {
    const out = output();
    const target = stripSlashes(flags.output);
    const partial = settingsFromFlags(SETTING_OPTIONS, flags) as Partial<Seq2seqOptions>;
    partial.checkpoint ??= `${target}.ckpt`;
    resolveSeq2seqOptions(partial);
    warnAboutThreads(partial.threads, out);
    const { checkSeq2seqOutput, saveSeq2seqModel, trainSeq2seq } = await import('../seq/seq2seq/index.js');
    await checkSeq2seqOutput(target);
    refuseUnfinishedRun({ checkpoint: partial.checkpoint, resume: partial.resume, force: flags.force, out });
    const backend = await useBackend(flags.backend, out);
    const bar = out.progressBar(0, 'steps');
    const interrupt = interruptOnSigint(out, 'stopping after this step and saving a checkpoint');
    const log = (message: string): void => out.log(message);
    const metrics = MetricsLog.open(metricsPathFor(target), { trainer: 'seq2seq', settings: { pairs, ...partial }, resume: partial.resume });
    const model = await duringTraining({ bar, metrics, interrupt }, () =>
      trainSeq2seq(pairs, {
        ...partial,
        signal: interrupt.signal,
        onLog: log,
        onProgress: (p: Seq2seqProgress) => {
          showProgress(bar, p);
          metrics.progress(progressMetrics(p));
        },
        onEpoch: (r) => {
          log(describeEpoch(r));
          metrics.epoch(epochMetrics(r));
        },
      }),
    );
    try {
      await saveSeq2seqModel(model, target);
    } finally {
      model.dispose();
    }
    const training = model.config.training!;
    const a = model.config.architecture;
    const figures = { output: target, backend, architecture: a, epochs: training.epochs, steps: training.steps, stopped: training.stopped, seconds: Number(training.seconds.toFixed(2)), bestEpoch: training.bestEpoch, validation: model.config.validation };
    metrics.end({ ...figures, settings: plainSettings(training.settings) });
    metrics.close();
    out.result({ ...figures, history: model.history }, () =>
      [
        `wrote ${target}: ${describeLayers(a.layers, a.units)} ${a.cell.toUpperCase()} encoder${a.bidirectional ? ' (bidirectional)' : ''} and decoder, ${a.attention}${a.localP ? ` local-p (window ${a.window})` : ''} attention${a.inputFeeding ? ' with input feeding' : ''}; ${a.sourceVocabularySize} source and ${a.targetVocabularySize} target ids`,
        `${training.epochs} epoch${training.epochs === 1 ? '' : 's'}, ${training.steps} steps in ${formatDuration(training.seconds)}` +
          (model.config.validation ? `; validation (epoch ${training.bestEpoch}): ${describeEvaluation(model.config.validation)}` : '; no validation pairs'),
      ].join('\n'),
    );
  });
}

/** A progress snapshot as a metrics-log record. */
function progressMetrics(p: Seq2seqProgress): { fraction: number; epoch: number } & Record<string, unknown> {
  return {
    epoch: p.epoch, epochs: p.epochs, fraction: p.fraction, step: p.step, loss: p.loss, epochLoss: p.epochLoss,
    learningRate: p.learningRate, pairsPerSecond: p.pairsPerSecond, tokensPerSecond: p.tokensPerSecond,
  };
}

/** An epoch report as a metrics-log record: validation figures flat, with the `val` prefix (exact match and token accuracy when pairs were decoded). */
function epochMetrics(r: Seq2seqEpochReport): { epoch: number } & Record<string, unknown> {
  const v = r.validation;
  return {
    epoch: r.epoch, epochs: r.epochs, step: r.step, trainLoss: r.trainLoss,
    ...(v ? { valLoss: v.loss, ...(v.exactMatch !== null ? { valExactMatch: v.exactMatch, valTokenAccuracy: v.tokenAccuracy, valDecoded: v.decoded } : {}) } : {}),
    improved: r.improved, learningRate: r.learningRate, seconds: r.seconds,
  };
}

/** Decoding flags shared by eval and translate. */
function addDecodingOptions(command: Command): Command {
  return command
    .option('--beam <n>', 'beam width; 1 = greedy (default: 1)', integerOption('--beam'))
    .option('--max-length <n>', 'most output tokens (default: 2 x the longest training target + 10)', integerOption('--max-length'))
    .option('--length-penalty <x>', 'beam search ranks by log-probability / length^x (default: 1)', numberOption('--length-penalty'))
    .option('--batch <n>', 'sources decoded together (default: 256)', integerOption('--batch'));
}

interface DecodingFlags {
  beam?: number;
  maxLength?: number;
  lengthPenalty?: number;
  batch?: number;
  backend?: BackendName;
}

function registerEval(group: Command, output: () => Output): void {
  const command = group
    .command('eval')
    .description('decode the sources of a pairs file and print exact match, token accuracy and corpus BLEU (up to 4-grams, over the model\'s tokens) against the targets')
    .argument('<model>', 'seq2seq model folder')
    .argument('<pairs>', 'pairs file: source<TAB>target a line');
  addDecodingOptions(command).addOption(backendOption());
  command.action(async (modelDir: string, pairsPath: string, flags: DecodingFlags) => {
    const out = output();
    const { loadSeq2seqModel, readPairs } = await import('../seq/seq2seq/index.js');
    const { corpusBleu, sequenceAccuracy } = await import('../seq/metrics/index.js');
    const pairs = await readPairs(pairsPath);
    await useBackend(flags.backend, out);
    const model = await loadSeq2seqModel(stripSlashes(modelDir));
    try {
      const options = model.resolveTranslateOptions({ beam: flags.beam, maxLength: flags.maxLength, lengthPenalty: flags.lengthPenalty, batch: flags.batch } as never);
      const start = performance.now();
      const translations = model.translate(pairs.map((p) => p.source), options);
      const seconds = (performance.now() - start) / 1000;
      const predictions = translations.map((t) => t.tokens);
      const references = pairs.map((p) => model.codec.tokens(p.target));
      const accuracy = sequenceAccuracy(predictions, references);
      const bleu = corpusBleu(predictions, references);
      out.result({ pairs: pairs.length, beam: options.beam, exactMatch: accuracy.exactMatch, tokenAccuracy: accuracy.tokenAccuracy, bleu: bleu.bleu, bleuDetails: bleu, seconds: Number(seconds.toFixed(3)), pairsPerSecond: Number((pairs.length / seconds).toFixed(1)) }, () =>
        [
          `${pairs.length} pairs, ${options.beam === 1 ? 'greedy' : `beam ${options.beam}`} decoding (${(pairs.length / seconds).toFixed(1)} pairs/s)`,
          `exact match     ${percent(accuracy.exactMatch)}`,
          `token accuracy  ${percent(accuracy.tokenAccuracy)}`,
          `BLEU            ${(100 * bleu.bleu).toFixed(2)} (precisions ${bleu.precisions.map((p) => (100 * p).toFixed(1)).join('/')}, brevity penalty ${bleu.brevityPenalty.toFixed(3)})`,
        ].join('\n'),
      );
    } finally {
      model.dispose();
    }
  });
}

interface TranslateFlags extends DecodingFlags {
  attention?: string;
}

async function stdinLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) if (line.trim() !== '') lines.push(line);
  return lines;
}

function registerTranslate(program: Command, output: () => Output): void {
  const command = program
    .command('translate')
    .description('translate texts with a seq2seq model (greedy or beam search); one output a line, lines read from stdin when no text is given')
    .argument('<model>', 'seq2seq model folder')
    .argument('[text...]', 'texts to translate (each argument one source)')
    .option('--attention <file.svg>', 'write the attention heatmap of the first text as a standalone SVG');
  addDecodingOptions(command).addOption(backendOption());
  command.action(async (modelDir: string, texts: string[], flags: TranslateFlags) => {
    const out = output();
    if (flags.attention !== undefined) await checkOutputFile(flags.attention, 'attention picture');
    const { loadSeq2seqModel, attentionSvg } = await import('../seq/seq2seq/index.js');
    await useBackend(flags.backend, out);
    const model = await loadSeq2seqModel(stripSlashes(modelDir));
    try {
      const options = model.resolveTranslateOptions({ beam: flags.beam, maxLength: flags.maxLength, lengthPenalty: flags.lengthPenalty, batch: flags.batch } as never);
      const sources = texts.length > 0 ? texts : await stdinLines();
      const translations = model.translate(sources, options);
      if (flags.attention !== undefined && translations.length > 0) {
        const t = translations[0]!;
        const svg = attentionSvg(t.sourceTokens, t.ended ? [...t.tokens, '<EOS>'] : t.tokens, t.attention, { title: `${sources[0]} -> ${t.text}` });
        await writeFileAtomic(flags.attention, (sink) => sink.write(svg));
        out.log(`attention of "${sources[0]}" written to ${flags.attention}`);
      }
      out.result(
        translations.map((t, i) => ({ source: sources[i], translation: t.text, logProb: t.logProb, ended: t.ended })),
        () => translations.map((t) => t.text).join('\n'),
      );
    } finally {
      model.dispose();
    }
  });
}

interface DatesFlags {
  count: number;
  seed: number;
  split: DateSplit;
  allStyles?: boolean;
  output: string;
}

function registerDates(group: Command, output: () => Output): void {
  group
    .command('dates')
    .description('human-readable English dates in 22 styles paired with ISO YYYY-MM-DD (source<TAB>target), 1950-2049; numeric styles are day first or year first; train/val/test splits share no date')
    .requiredOption('--count <n>', 'pairs to write (with --all-styles: dates, each in every style)', integerOption('--count'))
    .option('--seed <n>', 'seed of the draw (default: 1)', integerOption('--seed'), 1)
    .addOption(new Option('--split <name>', 'which dates: train (80% of days), val or test (10% each) (default: train)').choices(DATE_SPLITS).default('train'))
    .option('--all-styles', 'every chosen date in every style (the tfjs example\'s layout)')
    .requiredOption('-o, --output <file>', 'pairs file to write')
    .action(async (flags: DatesFlags) => {
      const out = output();
      await checkOutputFile(flags.output, 'pairs file');
      const pairs = generateDatePairs({ count: flags.count, seed: flags.seed, split: flags.split, allStyles: flags.allStyles === true });
      await writeFileAtomic(flags.output, (sink) => sink.write(pairs.map((p) => `${p.source}\t${p.target}\n`).join('')));
      out.result({ output: flags.output, pairs: pairs.length, split: flags.split, seed: flags.seed }, () => `wrote ${pairs.length} ${flags.split} pairs to ${flags.output}`);
    });
}
