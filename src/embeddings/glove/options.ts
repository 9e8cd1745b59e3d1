import { availableParallelism } from 'node:os';
import { WordloomError } from '../../errors.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';
import {
  checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys,
} from '../../util/option-spec.js';
import type { GloveCountProgress, GloveIterationReport, GloveTrainProgress } from './progress.js';

/**
 * Every GloVe option in one place: the interface (what the library takes) and its declaration
 * (GLOVE_OPTION_SPECS), from which the defaults, the validation, the checkpoint's recorded
 * settings and the CLI flags come. Defaults are the Stanford C tool's where it has one that the
 * paper's setups use (x_max 100, alpha 0.75, eta 0.05, gradient clip 100, W + W~ output), with the
 * window of 10 and 15 iterations of its demo.
 */
export type GloveVectors = 'sum' | 'word';
export const GLOVE_VECTORS: readonly GloveVectors[] = ['sum', 'word'];

export interface GloveOptions {
  /** Vector dimension. Default 100. */
  dim: number;
  /** Context words on each side (or on the left only, see symmetric); each pair counts 1/distance. Default 10. */
  window: number;
  /** Count the words on both sides of each word (true) or only on its left (C tool `-symmetric 0`). Default true. */
  symmetric: boolean;
  /** Words seen fewer times are left out (and skipped in the windows, as by the C tool). Default 5. */
  minCount: number;
  /** Keep at most this many most frequent words; 0 = no limit. Default 0. */
  maxVocab: number;
  /** Lowercase the corpus while tokenizing. Default false. */
  lowercase: boolean;
  /** How lines are split into words. Default 'whitespace'. */
  tokenizer: TokenizerName;
  /** Memory budget in MB: of the counting tables (beyond it sorted shards spill to tmpDir and are merged) and
   *  of the records held while training (beyond it they are shuffled through tmpDir in blocks). Default 1024. */
  memory: number;
  /** Passes over the co-occurrence records. Default 15. */
  iter: number;
  /** Cut-off of the weighting function f(x) = min(1, (x / xMax)^alpha). Default 100. */
  xMax: number;
  /** Exponent of the weighting function. Default 0.75. */
  alpha: number;
  /** Initial AdaGrad learning rate. Default 0.05. */
  eta: number;
  /** Each gradient component is clipped to [-gradClip, gradClip] (the C tool's clip). Default 100. */
  gradClip: number;
  /** Vectors written: 'sum' = W + W~ (C tool `-model 2`), 'word' = W alone (`-model 1`). Default 'sum'. */
  vectors: GloveVectors;
  /** Worker threads updating the shared weights without locks (Hogwild). Default: all cores. */
  threads: number;
  /** Seeds the initial weights and the record shuffles. Default 1. */
  seed: number;
  /** Update kernel: 'wasm' (SIMD), 'js', or 'auto' (wasm when it loads). Default 'auto'. */
  kernel: 'wasm' | 'js' | 'auto';
  /** Folder for the temporary shards and the shuffled record file. Default os.tmpdir(). */
  tmpDir: string | undefined;
  /** Checkpoint file: written after every iteration and on interrupt; removed after success. Default none. */
  checkpoint: string | undefined;
  /** Continue from `checkpoint` (same records and settings). Default false. */
  resume: boolean;
  /**
   * Leave the checkpoint in place after training; the caller removes it once the vectors are safely
   * written (the CLI does, so a failed save never loses the run). Default false: removed at the end.
   */
  keepCheckpoint?: boolean;
  /** Counting progress (tokens read, tokens/s), throttled by the caller. */
  onCountProgress: ((progress: GloveCountProgress) => void) | undefined;
  /** Training progress within an iteration (records done, cost so far, ETA). */
  onProgress: ((progress: GloveTrainProgress) => void) | undefined;
  /** Called after every iteration with its cost and time. */
  onIteration: ((report: GloveIterationReport) => void) | undefined;
  /** One-line notes (vocabulary, records, shards, kernel, checkpoint saved). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops counting at once (shards removed) or training after the current iteration's
   *  chunk, saves a checkpoint (when `checkpoint` is set) and rejects with 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

export type GloveSetting = Exclude<keyof GloveOptions, 'onCountProgress' | 'onProgress' | 'onIteration' | 'onLog' | 'signal' | 'keepCheckpoint'>;

export const GLOVE_OPTION_SPECS = {
  dim: { flag: '--dim', kind: 'integer', min: 1, max: 10000, help: 'vector dimension', default: 100, defaultText: '100', recorded: true },
  window: { flag: '--window', kind: 'integer', min: 1, max: 1000, help: 'context words on each side (left only with --left), weighted 1/distance', default: 10, defaultText: '10', recorded: true },
  symmetric: { flag: '--symmetric', kind: 'boolean', help: 'count context on both sides (--left: only the left side)', default: true, defaultText: 'symmetric', recorded: true, cli: false },
  minCount: { flag: '--min-count', kind: 'integer', min: 1, help: 'leave out words seen fewer times', default: 5, defaultText: '5', recorded: true },
  maxVocab: { flag: '--max-vocab', kind: 'integer', min: 0, hint: '0 means no limit', help: 'keep only the n most frequent words, 0 = all', default: 0, defaultText: 'all', recorded: true },
  lowercase: { flag: '--lowercase', kind: 'boolean', help: 'lowercase the corpus', default: false, defaultText: 'off', recorded: true },
  tokenizer: { flag: '--tokenizer', kind: 'choice', choices: TOKENIZER_NAMES, help: 'how lines are split into words', default: 'whitespace', defaultText: 'whitespace', recorded: true },
  memory: { flag: '--memory', kind: 'number', min: 1, max: 1_000_000, help: 'counting memory budget in MB; beyond it sorted shards spill to disk and are merged', default: 1024, defaultText: '1024', recorded: false },
  iter: { flag: '--iter', kind: 'integer', min: 1, max: 100000, help: 'passes over the co-occurrence records', default: 15, defaultText: '15', recorded: true },
  xMax: { flag: '--x-max', kind: 'number', above: 0, help: 'cut-off of the weighting f(x) = min(1, (x/x_max)^alpha)', default: 100, defaultText: '100', recorded: true },
  alpha: { flag: '--alpha', kind: 'number', min: 0, max: 10, help: 'exponent of the weighting function', default: 0.75, defaultText: '0.75', recorded: true },
  eta: { flag: '--eta', kind: 'number', above: 0, max: 100, help: 'initial AdaGrad learning rate', default: 0.05, defaultText: '0.05', recorded: true },
  gradClip: { flag: '--grad-clip', kind: 'number', above: 0, help: 'clip each gradient component to [-x, x] (the C tool\'s clip)', default: 100, defaultText: '100', recorded: true },
  vectors: { flag: '--vectors', kind: 'choice', choices: GLOVE_VECTORS, help: 'vectors written: sum = W + W~ (C tool -model 2), word = W alone (-model 1)', default: 'sum', defaultText: 'sum', recorded: true },
  threads: { flag: '--threads', kind: 'integer', min: 1, max: 1024, help: 'worker threads', defaultText: 'all cores', recorded: false },
  seed: { flag: '--seed', kind: 'integer', min: 0, max: 2 ** 32 - 1, help: 'seed of the initial weights and the shuffles', default: 1, defaultText: '1', recorded: true },
  kernel: { flag: '--kernel', kind: 'choice', choices: ['wasm', 'js', 'auto'], help: 'training kernel', default: 'auto', defaultText: 'wasm when available', recorded: false },
  tmpDir: { flag: '--tmp-dir', kind: 'path', help: 'folder for temporary shards and shuffled records', defaultText: 'the system temporary folder', recorded: false },
  checkpoint: { flag: '--checkpoint', kind: 'path', help: 'checkpoint file written after every iteration and on interrupt', defaultText: 'none', recorded: false, cli: false },
  resume: { flag: '--resume', kind: 'boolean', help: 'continue from the checkpoint left by an interrupted run', default: false, defaultText: 'off', recorded: false },
} as const satisfies OptionSpecs<Pick<GloveOptions, GloveSetting>>;

type Specs = typeof GLOVE_OPTION_SPECS;

/** The settings a checkpoint records and a resumed run keeps. */
export const GLOVE_RECORDED_OPTIONS = recordedKeysOf(GLOVE_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export type GloveRecordedOptions = Pick<GloveOptions, RecordedKeys<Specs>>;

export const GLOVE_DEFAULTS = defaultsOf(GLOVE_OPTION_SPECS) as Pick<GloveOptions, DefaultedKeys<Specs>>;

/** Fills in defaults and rejects impossible values with one line naming the flag and the range. */
export function resolveGloveOptions(partial: Partial<GloveOptions> = {}): GloveOptions {
  const o: GloveOptions = {
    ...GLOVE_DEFAULTS,
    threads: availableParallelism(),
    tmpDir: undefined,
    checkpoint: undefined,
    onCountProgress: undefined,
    onProgress: undefined,
    onIteration: undefined,
    onLog: undefined,
    signal: undefined,
    ...definedOnly(partial),
  };
  checkSettings(GLOVE_OPTION_SPECS, o);
  if (o.resume && !o.checkpoint) {
    throw new WordloomError('EOPTION', 'option --resume needs a checkpoint path (library option checkpoint)');
  }
  return o;
}
