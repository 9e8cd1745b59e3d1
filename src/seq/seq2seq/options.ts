import { WordloomError } from '../../errors.js';
import { checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys } from '../../util/option-spec.js';
import { formatLayerUnits, resolveLayerUnits, unitsPerLayer, type LayerUnits } from '../lm/layer-units.js';
import { CELLS, type CellName } from '../lm/options.js';
import {
  TRAINING_SCHEDULE_SPECS, checkResumeHasCheckpoint, resolveValidationSource, trainingRunSpecs, trainingRuntimeDefaults, trainingStepSpecs,
  type SeqTrainingOptions,
} from '../training/training-options.js';
import { checkTokenizerFitsLevel, textOptionSpecs, type SeqTextOptions } from '../training/text-options.js';
import { DEFAULT_LOCAL_WINDOW } from './local-p.js';
import type { Seq2seqEpochReport, Seq2seqProgress } from './progress.js';

/**
 * Every seq2seq training option, declared once (the pattern of the language models' options):
 * the interface the library takes, the defaults, and per option its flag, kind, range and help
 * (SEQ2SEQ_OPTION_SPECS), from which `wordloom seq2seq train` builds its flags.
 */
export type AttentionName = 'bahdanau' | 'luong-dot' | 'luong-general';
export const ATTENTIONS: readonly AttentionName[] = ['bahdanau', 'luong-dot', 'luong-general'];

/**
 * The text options (level, tokenizer, lowercase, minCount, maxVocab; all apply to both sides, the
 * vocabulary limits per side) and the training loop's (batch, epochs, lr, optimizer, clip,
 * validation, schedule, seed, threads, checkpoints, onLog, signal) are the shared ones.
 */
export interface Seq2seqOptions extends SeqTextOptions, SeqTrainingOptions {
  /** Recurrent cell of the encoder and the decoder. Default 'lstm'. */
  cell: CellName;
  /** Recurrent layers of the encoder and of the decoder (decoder layer l starts from encoder layer l's final state). Default 1. */
  layers: number;
  /**
   * Units of the recurrent layers: one size for every layer, or one per layer, lowest first
   * (`[128, 64]`; as many as `layers`). Decoder layer l starts from encoder layer l's final state,
   * so both have the same size: each size is that of an encoder layer (two halves of units/2 when
   * bidirectional) and of the decoder layer over it; attention works on the top layer's size. A
   * list of equal sizes is kept as one number. Default 64.
   */
  units: LayerUnits;
  /** Embedding dimension of both sides. Default 64. */
  embedding: number;
  /** Bidirectional encoder: each layer reads both ways with units/2 per direction, concatenated (needs an even --units). Default false. */
  bidirectional: boolean;
  /**
   * 'luong-dot' (score s·h), 'luong-general' (s·W h) or 'bahdanau' (v·tanh(W1 h + W2 s)). Luong
   * attends with the decoder's CURRENT state (after its step), which lets training run the whole
   * target through the decoder in one fused call; Bahdanau attends with the PREVIOUS state and feeds
   * the context into the step, so training steps the decoder one token at a time. Default 'luong-dot'.
   */
  attention: AttentionName;
  /** Luong only: feed the previous attentional vector into each step (Luong's input feeding); trains step by step. Default false. */
  inputFeeding: boolean;
  /** Bahdanau only: size of the additive attention's hidden layer; 0 = the top layer's units. Default 0. */
  attentionUnits: number;
  /**
   * Luong only: local-p attention (Luong, Pham & Manning 2015): a softmax over the source tokens
   * within `window` of a predicted position p_t = S · sigmoid(v · tanh(W h_t)), times a Gaussian
   * around p_t with σ = window/2. Default false (global attention over the whole source).
   */
  localP: boolean;
  /** Local-p: half-width D of the window [p_t − D, p_t + D]. Default 10 (the paper's). */
  window: number;
  /** Scheduled sampling: share of decoder inputs taken from the model's own previous prediction instead of the reference; > 0 trains step by step. Default 0. */
  samplingRatio: number;
  /** Validation pairs decoded greedily each epoch for exact match (0: none; loss is always computed). Default 1000. */
  valDecode: number;
  onProgress: ((progress: Seq2seqProgress) => void) | undefined;
  onEpoch: ((report: Seq2seqEpochReport) => void) | undefined;
}

export type Seq2seqSetting = Exclude<keyof Seq2seqOptions, 'onProgress' | 'onEpoch' | 'onLog' | 'signal'>;

export const SEQ2SEQ_OPTION_SPECS = {
  ...textOptionSpecs({
    level: 'tokens of both sides: characters or words',
    tokenizer: 'how word-level text is split into words',
    lowercase: 'lowercase both sides',
    minCount: 'tokens seen fewer times (per side) become <UNK>',
    maxVocab: 'keep only the n most frequent tokens per side; 0 = all',
  }),
  cell: { flag: '--cell', kind: 'choice', choices: CELLS, help: 'recurrent cell of the encoder and decoder', defaultText: 'lstm', default: 'lstm', recorded: true },
  layers: { flag: '--layers', kind: 'integer', min: 1, max: 16, help: 'recurrent layers of the encoder and of the decoder', defaultText: '1', default: 1, recorded: true },
  units: { flag: '--units', kind: 'integers', min: 1, max: 8192, help: "units of the recurrent layers: one size for every layer, or one per layer, as many as --layers; decoder layer l has encoder layer l's size (it starts from its final state; split in two halves with --bidirectional)", defaultText: '64', default: 64, recorded: true },
  embedding: { flag: '--embedding', kind: 'integer', min: 1, max: 8192, help: 'embedding dimension of both sides', defaultText: '64', default: 64, recorded: true },
  bidirectional: { flag: '--bidirectional', kind: 'boolean', help: 'bidirectional encoder (units/2 per direction)', defaultText: 'off', default: false, recorded: true },
  attention: { flag: '--attention', kind: 'choice', choices: ATTENTIONS, help: 'luong-dot and luong-general attend after the decoder step (the whole target trains in one fused call); bahdanau attends before it and feeds the context in (trains step by step)', defaultText: 'luong-dot', default: 'luong-dot', recorded: true },
  inputFeeding: { flag: '--input-feeding', kind: 'boolean', help: 'Luong: feed the previous attentional vector into each decoder step (trains step by step)', defaultText: 'off', default: false, recorded: true },
  localP: { flag: '--local-p', kind: 'boolean', help: 'luong-dot/luong-general: local-p attention (Luong 2015): a predicted source position and a window around it, weighted by a Gaussian (sigma = --window/2)', defaultText: 'off (global)', default: false, recorded: true },
  window: { flag: '--window', kind: 'integer', min: 1, max: 10000, help: 'local-p: half-width D of the attention window [p-D, p+D]', defaultText: String(DEFAULT_LOCAL_WINDOW), default: DEFAULT_LOCAL_WINDOW, recorded: true },
  attentionUnits: { flag: '--attention-units', kind: 'integer', min: 0, max: 8192, help: "bahdanau: hidden size of the additive score; 0 = the top layer's --units", defaultText: '0', default: 0, recorded: true },
  samplingRatio: { flag: '--sampling-ratio', kind: 'number', min: 0, max: 1, help: 'scheduled sampling: share of decoder inputs taken from the model\'s own previous prediction (trains step by step)', defaultText: '0', default: 0, recorded: true },
  ...trainingStepSpecs({
    batch: 'pairs per batch',
    batchDefault: 64,
    epochs: 'passes over the training pairs',
    maxSteps: 'stop after this many steps in all; 0 = no limit',
    lr: 1e-3,
    valFraction: 'share of the pairs (seeded random) held out for validation; 0 = none',
    valFile: 'validation pairs (instead of --val)',
  }),
  valDecode: { flag: '--val-decode', kind: 'integer', min: 0, help: 'validation pairs decoded greedily each epoch for exact match; 0 = none', defaultText: '1000', default: 1000, recorded: true },
  ...TRAINING_SCHEDULE_SPECS,
  ...trainingRunSpecs('seed of the initial weights, the split, the batch order and scheduled sampling'),
} as const satisfies OptionSpecs<Pick<Seq2seqOptions, Seq2seqSetting>>;

type Specs = typeof SEQ2SEQ_OPTION_SPECS;

export const SEQ2SEQ_DEFAULTS = defaultsOf(SEQ2SEQ_OPTION_SPECS) as Pick<Seq2seqOptions, DefaultedKeys<Specs>>;

/** Settings a checkpoint and seq2seq.json record, and a resumed run keeps. */
export const SEQ2SEQ_RECORDED_SETTINGS = recordedKeysOf(SEQ2SEQ_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export type Seq2seqRecordedSettings = Pick<Seq2seqOptions, RecordedKeys<Specs>>;

export function resolveSeq2seqOptions(partial: Partial<Seq2seqOptions> = {}): Seq2seqOptions {
  const defined = definedOnly(partial);
  const o: Seq2seqOptions = {
    ...SEQ2SEQ_DEFAULTS,
    ...trainingRuntimeDefaults(),
    onProgress: undefined,
    onEpoch: undefined,
    ...defined,
  };
  checkSettings(SEQ2SEQ_OPTION_SPECS, o);
  checkTokenizerFitsLevel(o, defined);
  o.units = resolveLayerUnits(o.units, o.layers);
  if (o.bidirectional && unitsPerLayer(o.units, o.layers).some((u) => u % 2 !== 0)) {
    const which = typeof o.units === 'number' ? 'an even --units' : 'an even size for every layer in --units';
    throw new WordloomError('EOPTION', `option --bidirectional needs ${which} (each direction gets units/2), got --units ${formatLayerUnits(o.units)}`);
  }
  if (o.inputFeeding && o.attention === 'bahdanau') {
    throw new WordloomError('EOPTION', 'option --input-feeding is for Luong attention (bahdanau always feeds its context into the step)');
  }
  if (o.localP && o.attention === 'bahdanau') {
    throw new WordloomError('EOPTION', 'option --local-p is for Luong attention (--attention luong-dot or luong-general), got --attention bahdanau');
  }
  // Compared with the default, not with `defined`: a resumed run passes every recorded setting.
  if (o.window !== SEQ2SEQ_DEFAULTS.window && !o.localP) {
    throw new WordloomError('EOPTION', `option --window is for --local-p attention, got --window ${o.window} without --local-p`);
  }
  if (o.attentionUnits > 0 && o.attention !== 'bahdanau') {
    throw new WordloomError('EOPTION', `option --attention-units is for --attention bahdanau, got --attention ${o.attention}`);
  }
  resolveValidationSource(o, defined);
  checkResumeHasCheckpoint(o);
  return o;
}

/** Whether training must step the decoder one token at a time (otherwise the whole target goes through in one call). */
export function trainsStepByStep(o: Pick<Seq2seqOptions, 'attention' | 'inputFeeding' | 'samplingRatio'>): boolean {
  return o.attention === 'bahdanau' || o.inputFeeding || o.samplingRatio > 0;
}
