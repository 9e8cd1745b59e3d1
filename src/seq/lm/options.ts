import { WordloomError } from '../../errors.js';
import {
  checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys,
} from '../../util/option-spec.js';
import type { EpochReport, LanguageModelProgress } from './progress.js';
import type { Trial } from '../tune/random-search.js';
import {
  TRAINING_SCHEDULE_SPECS, checkResumeHasCheckpoint, resolveValidationSource, trainingRunSpecs, trainingRuntimeDefaults, trainingStepSpecs,
  type SeqTrainingOptions,
} from '../training/training-options.js';
import { LEVELS, checkTokenizerFitsLevel, textOptionSpecs, type LanguageModelLevel, type SeqTextOptions } from '../training/text-options.js';
import { formatLayerUnits, resolveLayerUnits, topLayerUnits, type LayerUnits } from './layer-units.js';

/**
 * Every language-model training option in one place, declared once: the interface (what the
 * library takes), the defaults, and per option its command-line flag, kind, range and help
 * (LANGUAGE_MODEL_OPTION_SPECS, on the shared util/option-spec.ts), from which come the defaults,
 * the recorded settings of checkpoints, the CLI's `wordloom lm train` flags, and validation. Flags map one to one onto fields (`--seq-len` -> seqLen).
 */
export { LEVELS, type LanguageModelLevel };
export type CellName = 'lstm' | 'gru' | 'rnn';
export type { OptimizerName } from '../training/training-options.js';
export { OPTIMIZERS } from '../training/training-options.js';

export const CELLS: readonly CellName[] = ['lstm', 'gru', 'rnn'];

/**
 * The text options (level, tokenizer, lowercase, minCount, maxVocab) and the training loop's
 * (batch, epochs, lr, optimizer, clip, validation, schedule, seed, threads, checkpoints, onLog,
 * signal) are the shared ones.
 */
export interface LanguageModelOptions extends SeqTextOptions, SeqTrainingOptions {
  /** Recurrent cell: 'lstm', 'gru' or 'rnn' (SimpleRNN, tanh). Default 'lstm'. */
  cell: CellName;
  /** Stacked recurrent layers. Default 2. */
  layers: number;
  /**
   * Units of the recurrent layers: one size for every layer, or one per layer, lowest first
   * (`[512, 256]`; as many as `layers`). A list of equal sizes is kept as one number. Default 256.
   */
  units: LayerUnits;
  /** Embedding dimension. Default 64 for char level, 256 for word level. */
  embedding: number;
  /** Dropout on the output of every recurrent layer (between layers and before the output layer), training only. Default 0. */
  dropout: number;
  /** Tokens per window of truncated backpropagation through time. Default 64. */
  seqLen: number;
  /** Word level: the output layer reuses the embedding table (Press & Wolf 2017); needs embedding == the top layer's units. Default false. */
  tieWeights: boolean;
  /**
   * Also train a backward model (same architecture, its own weights) that reads the text right to
   * left and predicts the previous token, together with the forward one, as ELMo does; their
   * states give contextual vectors (contextualEmbeddings). Generation uses the forward model. Default false.
   */
  bidirectional: boolean;
  /**
   * Random search (coarse, then fine, in log space) over the learning rate, dropout, units and
   * epochs, each trial a training run scored by its validation loss, within `budget` seconds; the
   * best trial's model is kept and lm.json records the trials. Needs validation. Default false.
   */
  autotune: boolean;
  /** Autotune: seconds the whole search may take. Default 300. */
  budget: number;
  /** Called after every training step (draw it throttled). */
  onProgress: ((progress: LanguageModelProgress) => void) | undefined;
  /** Called after every epoch with its training and validation figures. */
  onEpoch: ((report: EpochReport) => void) | undefined;
  /** Autotune: called after every trial. */
  onTrial: ((trial: Trial) => void) | undefined;
}

/** The options that are plain values (no callbacks): those a checkpoint and lm.json record. */
export type LanguageModelSetting = Exclude<keyof LanguageModelOptions, 'onProgress' | 'onEpoch' | 'onTrial' | 'onLog' | 'signal'>;

export type { OptionSpec } from '../../util/option-spec.js';

/** Embedding dimension when none is given. */
export function defaultEmbedding(level: LanguageModelLevel): number {
  return level === 'char' ? 64 : 256;
}

export const LANGUAGE_MODEL_OPTION_SPECS = {
  ...textOptionSpecs({
    level: 'tokens: characters (Unicode code points) or words',
    tokenizer: 'how word-level lines are split into words',
    lowercase: 'lowercase the text',
    minCount: 'tokens seen fewer times become <UNK>',
    maxVocab: 'keep only the n most frequent tokens, the rest become <UNK>; 0 = all',
  }),
  cell: { flag: '--cell', kind: 'choice', choices: CELLS, help: 'recurrent cell: LSTM, GRU or SimpleRNN (tanh)', defaultText: 'lstm', default: 'lstm', recorded: true },
  layers: { flag: '--layers', kind: 'integer', min: 1, max: 16, help: 'stacked recurrent layers', defaultText: '2', default: 2, recorded: true },
  units: { flag: '--units', kind: 'integers', min: 1, max: 8192, help: 'units of the recurrent layers: one size for every layer, or one per layer, as many as --layers', defaultText: '256', default: 256, recorded: true },
  embedding: { flag: '--embedding', kind: 'integer', min: 1, max: 8192, help: 'embedding dimension', defaultText: '64 for char, 256 for word level', recorded: true },
  dropout: { flag: '--dropout', kind: 'number', min: 0, max: 0.95, help: 'dropout on each recurrent layer output while training', defaultText: '0', default: 0, recorded: true },
  seqLen: { flag: '--seq-len', kind: 'integer', min: 1, max: 100000, help: 'tokens per window of truncated backpropagation through time', defaultText: '64', default: 64, recorded: true },
  ...trainingStepSpecs({
    batch: 'parallel streams per batch',
    batchDefault: 32,
    epochs: 'passes over the training text',
    maxSteps: 'stop after this many training steps in all; 0 = no limit',
    lr: 2e-3,
    valFraction: 'share of the text (its end) held out for validation; 0 = none',
    valFile: 'validation text (instead of --val)',
  }),
  ...TRAINING_SCHEDULE_SPECS,
  tieWeights: { flag: '--tie-weights', kind: 'boolean', help: 'word level: share the embedding table with the output layer (needs --embedding equal to the top layer\'s --units)', defaultText: 'off', default: false, recorded: true },
  bidirectional: { flag: '--bidirectional', kind: 'boolean', help: 'also train a backward model (right to left) for contextual word vectors (wordloom lm embed), as ELMo does', defaultText: 'off', default: false, recorded: true },
  autotune: { flag: '--autotune', kind: 'boolean', help: 'random search (coarse, then fine, in log space) over --lr, --dropout, --units and --epochs on the validation loss, within --budget seconds', defaultText: 'off', default: false, recorded: false },
  budget: { flag: '--budget', kind: 'number', above: 0, max: 1e7, help: 'autotune: seconds the whole search may take', defaultText: '300', default: 300, recorded: false },
  ...trainingRunSpecs('seed of the initial weights and dropout masks'),
} as const satisfies OptionSpecs<Pick<LanguageModelOptions, LanguageModelSetting>>;

type Specs = typeof LANGUAGE_MODEL_OPTION_SPECS;

export const LANGUAGE_MODEL_DEFAULTS = defaultsOf(LANGUAGE_MODEL_OPTION_SPECS) as Pick<LanguageModelOptions, DefaultedKeys<Specs>>;

/** The settings a checkpoint records and a resumed run keeps (everything that shapes the model or its schedule). */
export const RECORDED_SETTINGS = recordedKeysOf(LANGUAGE_MODEL_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export type RecordedSettings = Pick<LanguageModelOptions, RecordedKeys<Specs>>;

/** Fills in defaults and rejects impossible values with one line naming the flag and the accepted range. */
export function resolveLanguageModelOptions(partial: Partial<LanguageModelOptions> = {}): LanguageModelOptions {
  const defined = definedOnly(partial);
  const level = defined.level ?? LANGUAGE_MODEL_DEFAULTS.level;
  const o: LanguageModelOptions = {
    ...LANGUAGE_MODEL_DEFAULTS,
    embedding: LEVELS.includes(level) ? defaultEmbedding(level) : 64,
    ...trainingRuntimeDefaults(),
    onProgress: undefined,
    onEpoch: undefined,
    onTrial: undefined,
    ...defined,
  };
  checkSettings(LANGUAGE_MODEL_OPTION_SPECS, o);
  o.units = resolveLayerUnits(o.units, o.layers);
  checkTokenizerFitsLevel(o, defined);
  if (o.tieWeights && o.embedding !== topLayerUnits(o.units)) {
    // the tied output layer multiplies the top layer's states by the embedding table's transpose
    const which = typeof o.units === 'number' ? '--units' : "the top layer's --units";
    throw new WordloomError('EOPTION', `option --tie-weights needs --embedding equal to ${which} (the output layer reuses the embedding table), got --embedding ${o.embedding} and --units ${formatLayerUnits(o.units)}`);
  }
  resolveValidationSource(o, defined);
  if (o.autotune && o.valFraction === 0 && o.valFile === undefined) {
    throw new WordloomError('EOPTION', 'option --autotune needs validation text: give --val-file or a --val share above 0');
  }
  if (o.autotune && o.resume) throw new WordloomError('EOPTION', 'option --autotune cannot --resume (each trial is a run of its own)');
  checkResumeHasCheckpoint(o);
  return o;
}

