/**
 * The language-model commands: `wordloom lm train`, `wordloom lm eval`, `wordloom lm embed` and
 * `wordloom generate`.
 *
 * `lm train`'s flags, their value parsing, ranges, help and defaults come from the library's one
 * declaration (LANGUAGE_MODEL_OPTION_SPECS); generate's map one to one onto GenerationOptions and
 * are checked by resolveGenerationOptions. The library modules that load TensorFlow.js are
 * imported when a command runs, so the other commands start without it.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { WordloomError } from '../errors.js';
import { BACKEND_ENV_VAR, BACKEND_NAMES, type BackendName } from '../seq/backend/backend-name.js';
import { GENERATION_DEFAULTS, resolveGenerationOptions, type GenerationOptions } from '../seq/generate/options.js';
import {
  LANGUAGE_MODEL_OPTION_SPECS, resolveLanguageModelOptions, type LanguageModelOptions, type LanguageModelSetting, type OptionSpec,
} from '../seq/lm/options.js';
import type { EpochReport, LanguageModelEvaluation, LanguageModelProgress } from '../seq/lm/progress.js';
import { interruptOnSigint } from './interrupt.js';
import { duringTraining, forceOption, refuseUnfinishedRun, warnAboutThreads } from './training-progress.js';
import { fixed, formatDuration, type Output } from './output.js';
import { checkedNumber, settingsFromFlags, specOptions, withDefault } from './spec-options.js';
import { bestFlags, describeTrial, trialTable, type TrialFormat } from './trials.js';
import type { ContextualEmbeddings } from '../seq/lm/contextual.js';
import { describeLayers } from '../seq/lm/layer-units.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import type { ProgressBar } from './progress-bar.js';

export function registerLanguageModelCommands(program: Command, output: () => Output): void {
  const lm = program.command('lm').description('character and word language models: train and evaluate (see also `wordloom generate`)');
  registerTrain(lm, output);
  registerEval(lm, output);
  registerEmbed(lm, output);
  registerGenerate(program, output);
}

// ---------------------------------------------------------------------------------------------
// shared pieces

export const backendOption = (): Option =>
  new Option(
    '--backend <name>',
    `tfjs backend (default: $${BACKEND_ENV_VAR} when set, else the first that loads of ${BACKEND_NAMES.join(', ')})`,
  ).choices(BACKEND_NAMES);

/** Chooses the tfjs backend before any tensor exists; the choice is one log line on stderr. */
export async function useBackend(backend: BackendName | undefined, out: Output): Promise<BackendName> {
  const { selectBackend } = await import('../seq/backend/select-backend.js');
  return selectBackend({ ...(backend ? { backend } : {}), log: (line) => out.log(line) });
}

/** `models/x/` -> `models/x`, so that files next to the folder are siblings, not children. */
export const stripSlashes = (path: string): string => path.replace(/(?<=.)[\\/]+$/, '');

// ---------------------------------------------------------------------------------------------
// lm train

/** Defaults that the command line sets differently from the library (which has no output path). */
const CLI_DEFAULT_TEXT: Partial<Record<LanguageModelSetting, string>> = { checkpoint: '<output>.ckpt' };

const SETTING_OPTIONS = specOptions(LANGUAGE_MODEL_OPTION_SPECS, { defaultText: CLI_DEFAULT_TEXT });

interface TrainFlags extends Record<string, unknown> {
  output: string;
  backend?: BackendName;
  force?: boolean;
}

function registerTrain(lm: Command, output: () => Output): void {
  const command = lm
    .command('train')
    .description(
      'train a character or word language model (embedding, stacked LSTM/GRU/RNN, softmax) by truncated backpropagation through time; ' +
        'one line per epoch with training and validation loss, perplexity and bits per character; Ctrl-C saves <output>.ckpt, --resume continues',
    )
    .argument('<text...>', 'text files, .gz files or directories of them; each line is a sentence (or a name, a verse line, ...)')
    .requiredOption('-o, --output <folder>', 'model folder to write (model.json, weights.bin, vocab.tsv, lm.json); an existing model folder is replaced');
  for (const { option } of SETTING_OPTIONS) command.addOption(option);
  command.addOption(forceOption('the checkpoint (<output>.ckpt)'));
  command.addOption(backendOption());
  command.action(async (text: string[], flags: TrainFlags) => {
    const out = output();
    const target = stripSlashes(flags.output);
    const partial = settingsFromFlags(SETTING_OPTIONS, flags) as Partial<LanguageModelOptions>;
    partial.checkpoint ??= `${target}.ckpt`;
    resolveLanguageModelOptions(partial); // bad combinations are usage errors, before any work
    warnAboutThreads(partial.threads, out);
    const { checkModelOutput, trainLanguageModel } = await import('../seq/lm/index.js');
    await checkModelOutput(target);
    // autotune's trials write no checkpoint, so they leave one alone
    if (!partial.autotune) refuseUnfinishedRun({ checkpoint: partial.checkpoint, resume: partial.resume, force: flags.force, out });
    const backend = await useBackend(flags.backend, out);

    const bar = out.progressBar(0, 'tokens');
    const interrupt = interruptOnSigint(out, 'stopping after this step and saving a checkpoint');
    const log = (message: string): void => out.log(message);
    // The per-epoch "checkpoint saved" note is said once here instead of after every epoch line.
    const checkpoint = partial.checkpoint;
    let lastEpoch: EpochReport | null = null;
    const savedNote = (r: EpochReport | null): string | null => (r ? `epoch ${r.epoch}/${r.epochs} done; checkpoint ${checkpoint}` : null);
    if (!partial.autotune) log(`checkpoint: ${checkpoint}, saved after every epoch and on Ctrl-C (continue with --resume)`);
    const metrics = MetricsLog.open(metricsPathFor(target), { trainer: 'lm', settings: { text, ...partial }, resume: partial.resume });
    const model = await duringTraining({ bar, metrics, interrupt }, () =>
      trainLanguageModel(text, {
        ...partial,
        signal: interrupt.signal,
        onLog: (message) => {
          if (message !== savedNote(lastEpoch)) log(message);
        },
        onProgress: (p: LanguageModelProgress) => {
          showLanguageModelProgress(bar, p);
          metrics.progress(progressMetrics(p));
        },
        onEpoch: (report) => {
          lastEpoch = report;
          log(describeEpoch(report));
          metrics.epoch(epochMetrics(report));
        },
        onTrial: (trial) => log(describeTrial(trial, TRIALS)),
      }),
    );
    try {
      await model.save(target);
    } finally {
      model.dispose();
    }
    const training = model.config.training!;
    const a = model.config.architecture;
    const last = model.history[model.history.length - 1];
    const summary = {
      output: target,
      backend,
      level: model.config.level,
      tokenizer: model.config.tokenizer,
      vocabularySize: a.vocabularySize,
      architecture: a,
      epochs: training.epochs,
      steps: training.steps,
      stopped: training.stopped,
      trainTokens: training.trainTokens,
      valTokens: training.valTokens,
      seconds: Number(training.seconds.toFixed(2)),
      trainLoss: finite(last?.trainLoss),
      bestEpoch: training.bestEpoch,
      validation: model.config.validation,
      ...(model.config.backward ? { backward: { trainLoss: finite(last?.backward?.trainLoss), validation: model.config.backward.validation } } : {}),
      history: model.history,
    };
    const { history: _history, ...figures } = summary;
    metrics.end({ ...figures, settings: plainSettings(training.settings) });
    metrics.close();
    out.result(summary, () => {
      const v = model.config.validation;
      const backward = model.config.backward;
      const bv = backward?.validation ?? null;
      const tuned = model.config.autotune;
      return [
        ...(tuned ? [trialTable(tuned.trials, TRIALS), `best settings: ${bestFlags(tuned.best, flagOf)}`] : []),
        `wrote ${target}: ${describeLayers(a.layers, a.units)} ${a.cell.toUpperCase()} ${model.config.level}-level model${backward ? ', bidirectional (forward and backward)' : ''}, ${a.vocabularySize} tokens in the vocabulary`,
        `${training.epochs} epoch${training.epochs === 1 ? '' : 's'}, ${training.steps} steps in ${formatDuration(training.seconds)} (${STOPPED[training.stopped]}); ` +
          `final training loss ${last ? fixed(last.trainLoss, 4) : '-'}` +
          (v ? `; validation (epoch ${training.bestEpoch}): ${describeEvaluation(v)}` : '; no validation text'),
        ...(backward
          ? [`backward model: final training loss ${last?.backward ? fixed(last.backward.trainLoss, 4) : '-'}${bv ? `; validation: ${describeEvaluation(bv)}` : ''}`]
          : []),
      ].join('\n');
    });
  });
}

/** A progress snapshot as a metrics-log record. */
function progressMetrics(p: LanguageModelProgress): { fraction: number; epoch: number } & Record<string, unknown> {
  return {
    epoch: p.epoch,
    epochs: p.epochs,
    fraction: p.fraction,
    step: p.step,
    loss: p.loss,
    epochLoss: p.epochLoss,
    ...(p.backward ? { backwardLoss: p.backward.loss } : {}),
    learningRate: p.learningRate,
    tokensPerSecond: p.tokensPerSecond,
  };
}

/** An epoch report as a metrics-log record: validation figures flat, with the `val` prefix. */
function epochMetrics(r: EpochReport): { epoch: number } & Record<string, unknown> {
  const v = r.validation;
  const bv = r.backward?.validation;
  return {
    epoch: r.epoch,
    epochs: r.epochs,
    step: r.step,
    trainLoss: r.trainLoss,
    ...(v ? { valLoss: v.loss, valPerplexity: v.perplexity, ...(v.bitsPerChar !== null ? { valBitsPerChar: v.bitsPerChar } : {}) } : {}),
    ...(r.backward ? { backwardTrainLoss: r.backward.trainLoss, ...(bv ? { backwardValLoss: bv.loss } : {}) } : {}),
    improved: r.improved,
    learningRate: r.learningRate,
    seconds: r.seconds,
  };
}

const flagOf = (name: string): string => LANGUAGE_MODEL_OPTION_SPECS[name as LanguageModelSetting]?.flag ?? name;
/** Trials are scored by the negative validation loss; shown as the loss. */
const TRIALS: TrialFormat = { flagOf, scoreName: 'val loss', score: (x) => fixed(-x, 4) };

const STOPPED = { epochs: 'all epochs', 'early-stop': 'early stop', 'max-steps': 'step limit' } as const;

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** The bar: epoch, share of all steps, tokens/s, loss (and the backward model's), learning rate, ETA. */
function showLanguageModelProgress(bar: ProgressBar, p: LanguageModelProgress): void {
  const loss = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '-');
  bar.update(
    p.tokensDone,
    {
      label: `epoch ${p.epoch}/${p.epochs}`,
      details: [`loss ${loss(p.epochLoss)}`, ...(p.backward ? [`backward ${loss(p.backward.epochLoss)}`] : []), `lr ${p.learningRate.toPrecision(3)}`],
      etaSeconds: p.etaSeconds,
      perSecond: p.tokensPerSecond,
    },
    p.totalTokens,
  );
}

/** `loss 1.2345, perplexity 3.44, 1.781 bits/char`. */
function describeEvaluation(v: LanguageModelEvaluation): string {
  return `loss ${fixed(v.loss, 4)}, perplexity ${fixed(v.perplexity, 2)}${v.bitsPerChar === null ? '' : `, ${fixed(v.bitsPerChar, 3)} bits/char`}`;
}

/** One line per epoch. */
function describeEpoch(r: EpochReport): string {
  const v = r.validation;
  const parts = [
    `epoch ${r.epoch}/${r.epochs}`,
    `train loss ${fixed(r.trainLoss, 4)}`,
    v ? `val loss ${fixed(v.loss, 4)}` : 'no validation',
    ...(v ? [`perplexity ${fixed(v.perplexity, 2)}`] : []),
    ...(v && v.bitsPerChar !== null ? [`bits/char ${fixed(v.bitsPerChar, 3)}`] : []),
    ...(r.backward
      ? [`backward: train loss ${fixed(r.backward.trainLoss, 4)}`, ...(r.backward.validation ? [`val loss ${fixed(r.backward.validation.loss, 4)}`] : [])]
      : []),
    `lr ${r.learningRate.toPrecision(3)}`,
    formatDuration(r.seconds),
  ];
  return parts.join('  ') + (v && !r.improved ? '  (no improvement)' : '');
}

// ---------------------------------------------------------------------------------------------
// lm eval

interface EvalFlags {
  batch?: number;
  seqLen?: number;
  backend?: BackendName;
}

function registerEval(lm: Command, output: () => Output): void {
  const { batch, seqLen } = LANGUAGE_MODEL_OPTION_SPECS;
  const layoutOption = (key: 'batch' | 'seqLen', spec: OptionSpec, help: string): Option =>
    new Option(`${spec.flag} <n>`, withDefault(help, "the model's training value")).argParser(
      checkedNumber(spec.flag, true, (n) => void resolveLanguageModelOptions({ [key]: n })),
    );
  lm.command('eval')
    .description('loss (nats per token), perplexity and, for character models, bits per character of a model on a text')
    .argument('<model>', 'model folder written by `wordloom lm train`')
    .argument('<text...>', 'text files, .gz files or directories of them, read as training reads its text')
    .addOption(layoutOption('batch', batch, 'parallel streams the text is read in'))
    .addOption(layoutOption('seqLen', seqLen, 'tokens per window (the state is carried between windows)'))
    .addOption(backendOption())
    .action(async (modelDir: string, text: string[], flags: EvalFlags) => {
      const out = output();
      const { loadLanguageModel, evaluateLanguageModel } = await import('../seq/lm/index.js');
      const backend = await useBackend(flags.backend, out);
      const model = await loadLanguageModel(modelDir);
      let result: LanguageModelEvaluation;
      try {
        result = await evaluateLanguageModel(model, text, {
          ...(flags.batch !== undefined ? { batch: flags.batch } : {}),
          ...(flags.seqLen !== undefined ? { seqLen: flags.seqLen } : {}),
          onWarning: (m) => out.warn(m),
        });
      } finally {
        model.dispose();
      }
      const summary = { model: modelDir, text, backend, level: model.config.level, ...result };
      out.result(summary, () =>
        [
          `${modelDir} on ${text.join(', ')}: ${result.tokens} predicted tokens`,
          `loss        ${fixed(result.loss, 4)} nats/token`,
          `perplexity  ${fixed(result.perplexity, 4)}`,
          ...(result.bitsPerChar === null ? [] : [`bits/char   ${fixed(result.bitsPerChar, 4)}`]),
        ].join('\n'),
      );
    });
}

// ---------------------------------------------------------------------------------------------
// lm embed

interface EmbedFlags {
  layer?: number | 'all';
  onUnknown?: 'error' | 'unk';
  backend?: BackendName;
}

/** `--layer`: a positive integer or `all`. */
function layerOption(value: string): number | 'all' {
  if (value === 'all') return 'all';
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`option --layer must be a recurrent layer number (1 = the lowest) or all, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** A token on a line of its own column: tabs and other control characters escaped. */
const tokenColumn = (token: string): string => (/[\u0000-\u001f\u007f]/.test(token) ? JSON.stringify(token).slice(1, -1) : token);

function registerEmbed(lm: Command, output: () => Output): void {
  lm.command('embed')
    .description(
      'contextual vectors of the tokens of a sentence from a bidirectional model (trained with --bidirectional), as ELMo: per token, the forward ' +
        "model's state after reading it (left context) followed by the backward model's after reading it from the right (right context), 2 x units " +
        'numbers. One line per token: the token, a tab, the numbers (with --layer all, one tab-separated group per layer, lowest first)',
    )
    .argument('<model>', 'bidirectional model folder written by `wordloom lm train --bidirectional`')
    .argument('<sentence>', 'one line of text, tokenized as the model was trained (characters or words)')
    .option('--layer <n|all>', withDefault('recurrent layer (1 = the lowest), or all of them', 'the top layer'), layerOption)
    .addOption(
      new Option('--on-unknown <what>', withDefault('a character or word the model does not know: error, or read it as <UNK>', 'error')).choices(['error', 'unk']),
    )
    .addOption(backendOption())
    .action(async (modelDir: string, sentence: string, flags: EmbedFlags) => {
      const out = output();
      const { loadLanguageModel, contextualEmbeddings } = await import('../seq/lm/index.js');
      await useBackend(flags.backend, out);
      const model = await loadLanguageModel(modelDir);
      let result: ContextualEmbeddings;
      try {
        if (!model.bidirectional) {
          throw new WordloomError('EFORMAT', `${modelDir} is not a bidirectional language model (it has no backward model); train one with wordloom lm train --bidirectional`);
        }
        result = await contextualEmbeddings(model, sentence, { layer: flags.layer ?? 'top', onUnknown: flags.onUnknown ?? 'error' });
      } catch (err) {
        if (err instanceof WordloomError && err.code === 'EVOCAB') throw new WordloomError('EVOCAB', err.message.replace("pass onUnknown 'unk'", 'pass --on-unknown unk'));
        if (err instanceof WordloomError && err.code === 'EOPTION') throw new WordloomError('EOPTION', err.message.replace('option layer ', 'option --layer ').replace(", 'top' or 'all'", ' or all'));
        throw err;
      } finally {
        model.dispose();
      }
      const { tokens, layers, dimension, vectors } = result;
      const vectorAt = (k: number, t: number): Float32Array => vectors.subarray((k * tokens.length + t) * dimension, (k * tokens.length + t + 1) * dimension);
      const all = flags.layer === 'all';
      const summary = {
        model: modelDir,
        sentence,
        level: model.config.level,
        layers,
        dimension,
        tokens: tokens.map((token, t) =>
          all ? { token, vectors: layers.map((_, k) => Array.from(vectorAt(k, t))) } : { token, vector: Array.from(vectorAt(0, t)) },
        ),
      };
      out.result(summary, () =>
        tokens
          .map((token, t) => [tokenColumn(token), ...layers.map((_, k) => Array.from(vectorAt(k, t), (v) => v.toFixed(6)).join(' '))].join('\t'))
          .join('\n'),
      );
    });
}

// ---------------------------------------------------------------------------------------------
// generate

interface GenerateFlags {
  prime?: string;
  length?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  repetitionWindow?: number;
  seed?: number;
  count?: number;
  greedy?: boolean;
  stopAtEos: boolean;
  onUnknown?: 'error' | 'unk';
  backend?: BackendName;
}

/** A numeric generation flag, checked by resolveGenerationOptions; `length` is the library's maxLength. */
function generationNumber(flag: string, key: keyof GenerationOptions, integer: boolean): (value: string) => number {
  const libraryFlag = key === 'maxLength' ? '--max-length' : flag;
  return checkedNumber(flag, integer, (n) => void resolveGenerationOptions({ [key]: n }), [`option ${libraryFlag} `, `option ${flag} `]);
}

function registerGenerate(program: Command, output: () => Output): void {
  const d = GENERATION_DEFAULTS;
  program
    .command('generate')
    .description(
      'sample text from a language model, token by token to stdout as it is produced; one sample ends at the end of a line (<EOS>) ' +
        'or after --length tokens. The output starts with the priming text.',
    )
    .argument('<model>', 'model folder written by `wordloom lm train`')
    .option('--prime <text>', withDefault('text the model reads first and the output continues (\\n in it: a line break)', 'none: the start of a line'))
    .option('--length <n>', withDefault('most tokens to generate per sample', String(d.maxLength)), generationNumber('--length', 'maxLength', true))
    .option('--temperature <x>', withDefault('below 1 more conservative, above 1 more adventurous; 0 = greedy', String(d.temperature)), generationNumber('--temperature', 'temperature', false))
    .option('--top-k <n>', withDefault('sample among the k most probable tokens only; 0 = off', String(d.topK)), generationNumber('--top-k', 'topK', true))
    .option('--top-p <x>', withDefault('nucleus sampling: among the most probable tokens that make up p; 1 = off', String(d.topP)), generationNumber('--top-p', 'topP', false))
    .option('--repetition-penalty <x>', withDefault('divide the logits of recent tokens by this; 1 = off', String(d.repetitionPenalty)), generationNumber('--repetition-penalty', 'repetitionPenalty', false))
    .option('--repetition-window <n>', withDefault('recent tokens the repetition penalty looks at; 0 = all', String(d.repetitionWindow)), generationNumber('--repetition-window', 'repetitionWindow', true))
    .option('--seed <n>', withDefault('random seed: the same seed, model and options give the same text', String(d.seed)), generationNumber('--seed', 'seed', true))
    .option('--count <n>', withDefault('samples, generated together and printed one after another, separated by a blank line', String(d.count)), generationNumber('--count', 'count', true))
    .addOption(new Option('--greedy', withDefault('always the most probable token (temperature 0)', 'off')).conflicts(['temperature']))
    .option('--no-stop-at-eos', withDefault('go on past the end of a line (<EOS> becomes a line break) up to --length tokens', 'stop at the end of a line'))
    .addOption(
      new Option('--on-unknown <what>', withDefault('a priming character or word the model does not know: error, or read it as <UNK>', d.onUnknown)).choices(['error', 'unk']),
    )
    .addOption(backendOption())
    .action(async (modelDir: string, flags: GenerateFlags) => {
      const out = output();
      const options: Partial<GenerationOptions> = {
        prime: flags.prime,
        maxLength: flags.length,
        temperature: flags.greedy ? 0 : flags.temperature,
        topK: flags.topK,
        topP: flags.topP,
        repetitionPenalty: flags.repetitionPenalty,
        repetitionWindow: flags.repetitionWindow,
        seed: flags.seed,
        count: flags.count,
        stopAtEos: flags.stopAtEos,
        onUnknown: flags.onUnknown,
      };
      resolveGenerationOptions(options);
      const { loadLanguageModel } = await import('../seq/lm/index.js');
      const { generateBatch } = await import('../seq/generate/index.js');
      await useBackend(flags.backend, out);
      const model = await loadLanguageModel(modelDir);
      // A reader that stops early (`| head`) ends generation quietly, as it ends `yes`.
      let stdoutClosed = false;
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        stdoutClosed = true;
      });
      const closed = (): boolean => stdoutClosed;
      const write = out.options.json ? (): void => undefined : (s: string): void => void (closed() || process.stdout.write(s));
      const samples = new SampleWriter(flags.count ?? d.count, flags.prime ?? '', model.config.level, write);
      try {
        for await (const step of generateBatch(model.model, model.vocabulary, options)) {
          if (closed()) break;
          samples.step(step);
          await stdoutReady();
        }
      } catch (err) {
        if (err instanceof WordloomError && err.code === 'EVOCAB') {
          throw new WordloomError('EVOCAB', err.message.replace("pass onUnknown 'unk'", 'pass --on-unknown unk'));
        }
        throw err;
      } finally {
        model.dispose();
      }
      samples.end();
      if (out.options.json) out.result(samples.texts, () => '');
    });
}

/**
 * Gives the event loop a turn after a token was written: generation awaits only promises, which
 * would otherwise keep stdout's write callbacks (and so every later write) queued until the end.
 * Waits for a slow reader to drain what is queued (backpressure), or for stdout to fail (EPIPE).
 */
function stdoutReady(): Promise<void> {
  const stdout = process.stdout;
  if (!stdout.writableNeedDrain) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const done = (): void => {
      stdout.off('drain', done);
      stdout.off('error', done);
      resolve();
    };
    stdout.on('drain', done);
    stdout.on('error', done);
  });
}

/**
 * Writes the samples of a batch in order as their tokens arrive: the first sample live, the
 * others held until the ones before them have ended (then they catch up and go on live). Each
 * sample starts with the priming text and ends with a line break; a blank line separates them.
 */
class SampleWriter {
  readonly texts: string[];
  private readonly pending: string[];
  private readonly ended: boolean[];
  private current = 0;
  private started = false;

  constructor(
    private readonly count: number,
    private readonly prime: string,
    private readonly level: 'char' | 'word',
    private readonly write: (s: string) => void,
  ) {
    this.texts = new Array<string>(count).fill(prime);
    this.pending = new Array<string>(count).fill('');
    this.ended = new Array<boolean>(count).fill(false);
  }

  /** One generation step: a token per sample, null for a sample that has ended. */
  step(tokens: readonly (string | null)[]): void {
    this.start();
    tokens.forEach((token, r) => {
      if (token === null) {
        this.ended[r] = true;
        return;
      }
      const text = this.texts[r]!;
      const piece = this.level === 'word' && text !== '' && !/\s$/.test(text) && !token.startsWith('\n') ? ` ${token}` : token;
      this.texts[r] = text + piece;
      if (r === this.current) this.write(piece);
      else this.pending[r] += piece;
    });
    while (this.current < this.count && this.ended[this.current]) this.next();
  }

  /** Generation is over: every sample has ended. */
  end(): void {
    this.start();
    while (this.current < this.count) this.next();
  }

  /** Output begins only once the generator has produced something (an error leaves stdout empty). */
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.write(this.prime);
  }

  /** Ends the current sample and shows the next one so far. */
  private next(): void {
    const text = this.texts[this.current]!;
    if (!text.endsWith('\n')) this.write('\n');
    this.current++;
    if (this.current < this.count) {
      this.write(`\n${this.prime}${this.pending[this.current]}`);
      this.pending[this.current] = '';
    }
  }
}
