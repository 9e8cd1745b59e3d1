import { availableParallelism } from 'node:os';
import { WordloomError } from '../../errors.js';
import {
  checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys,
} from '../../util/option-spec.js';
import type { TrainingProgress } from '../shared/progress.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';

/**
 * Every word2vec training option in one place (like fastText's Args), with the defaults users
 * know from word2vec C and fastText: the interface (what the library takes) and its declaration
 * (WORD2VEC_OPTION_SPECS), from which the defaults, the validation, the checkpoint's recorded
 * settings and the CLI flags (`--min-count` -> minCount, `--cbow` -> cbow, ...) all come.
 */
export interface Word2VecOptions {
  /** CBOW (mean of the context vectors) instead of skip-gram. Default false (skip-gram). */
  cbow: boolean;
  /** Hierarchical softmax over a Huffman tree of the vocabulary. Default false. */
  hs: boolean;
  /** Vector dimension. Default 100. */
  dim: number;
  /** Maximum distance between the center word and a context word; shrunk at random per center word. Default 5. */
  window: number;
  /** Negative samples per target, drawn from unigram^0.75; 0 turns negative sampling off (needs hs). Default 5. */
  negative: number;
  /** Subsampling threshold for frequent words (word2vec C formula); 0 disables. Default 1e-3. */
  sample: number;
  /** Words seen fewer times are dropped from the vocabulary. Default 5. */
  minCount: number;
  /** Keep at most this many most frequent words; 0 = no limit. Default 0. */
  maxVocab: number;
  /** Passes over the corpus. Default 5. */
  epochs: number;
  /** Starting learning rate. Default 0.025 for skip-gram, 0.05 for CBOW. */
  alpha: number;
  /** Final learning rate (linear decay over all epochs). Default alpha * 1e-4 (word2vec C). */
  minAlpha: number;
  /** Worker threads updating the shared weights without locks (Hogwild). Default os.availableParallelism(). */
  threads: number;
  /** Seeds every random choice; with threads 1, two runs give bit-identical vectors. Default 1. */
  seed: number;
  /** Lowercase the corpus while tokenizing. Default false. */
  lowercase: boolean;
  /** How lines are split into words: 'whitespace' (default, fastest), 'english' or 'characters'. */
  tokenizer: TokenizerName;
  /** Longest sentence handed to the kernel; longer lines are cut (word2vec C: 1000). Default 1000. */
  maxSentence: number;
  /** Kernel implementation: 'wasm' (SIMD) or 'js'; default: wasm when available. */
  kernel: 'wasm' | 'js' | 'auto';
  /** Checkpoint file: written after every epoch and on interrupt; removed after success. Default none. */
  checkpoint: string | undefined;
  /** Also save the checkpoint every this many seconds within an epoch (0: only between epochs). Default 600. */
  checkpointEvery: number;
  /** Continue from `checkpoint` (same vocabulary and options; the learning rate continues). Default false. */
  resume: boolean;
  /**
   * Leave the checkpoint in place after training; the caller removes it once the result is safely
   * written (the CLI does, so a failed save never loses the run). Default false: removed at the end.
   */
  keepCheckpoint?: boolean;
  /** Folder for the temporary encoded corpus. Default os.tmpdir(). */
  tmpDir: string | undefined;
  /**
   * A vocabulary file (`word<TAB>count` lines, as `wordloom vocab -o` and training write) to train
   * with instead of counting the corpus; minCount and maxVocab still prune it. Default none.
   */
  readVocab: string | undefined;
  /** Progress callback, called at every worker report (each 10,000 words a thread), so it can also stop a run
   *  at a precise point through `signal`; draw it throttled (the CLI redraws at most twice a second). */
  onProgress: ((progress: TrainingProgress) => void) | undefined;
  /** Called with one-line notes (vocabulary size, kernel kind, checkpoint saved). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops training at the next sentence, saves a checkpoint (when `checkpoint` is set)
   *  and rejects with WordloomError 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

/** The plain-value options (no callbacks): those the declaration below covers. */
export type Word2VecSetting = Exclude<keyof Word2VecOptions, 'onProgress' | 'onLog' | 'signal' | 'keepCheckpoint'>;

export const KERNELS = ['wasm', 'js', 'auto'] as const;

/**
 * The declaration: flag, kind, range, help, default, recorded in checkpoints. The defaults are
 * those of word2vec C and fastText; alpha and minAlpha depend on cbow and threads on the machine,
 * so resolveWord2VecOptions fills those in.
 */
export const WORD2VEC_OPTION_SPECS = {
  cbow: { flag: '--cbow', kind: 'boolean', help: 'CBOW (mean of context vectors) instead of skip-gram', default: false, defaultText: 'off (skip-gram)', recorded: true },
  hs: { flag: '--hs', kind: 'boolean', help: 'hierarchical softmax (use with --negative 0 for hs only)', default: false, defaultText: 'off', recorded: true },
  dim: { flag: '--dim', kind: 'integer', min: 1, max: 10000, help: 'vector dimension', default: 100, defaultText: '100', recorded: true },
  window: { flag: '--window', kind: 'integer', min: 1, max: 1000, help: 'max context distance', default: 5, defaultText: '5', recorded: true },
  negative: { flag: '--negative', kind: 'integer', min: 0, max: 1000, help: 'negative samples per target, 0 = off', default: 5, defaultText: '5', recorded: true },
  sample: { flag: '--sample', kind: 'number', min: 0, max: 1, help: 'subsampling threshold for frequent words, 0 = off', default: 1e-3, defaultText: '0.001', recorded: true },
  minCount: { flag: '--min-count', kind: 'integer', min: 1, help: 'drop words seen fewer times', default: 5, defaultText: '5', recorded: true },
  maxVocab: { flag: '--max-vocab', kind: 'integer', min: 0, hint: '0 means no limit', help: 'keep only the n most frequent words, 0 = all', default: 0, defaultText: 'all', recorded: true },
  epochs: { flag: '--epochs', kind: 'integer', min: 1, max: 100000, help: 'passes over the corpus', default: 5, defaultText: '5', recorded: true },
  alpha: { flag: '--alpha', kind: 'number', above: 0, help: 'starting learning rate', defaultText: '0.025 skip-gram, 0.05 CBOW', recorded: true },
  minAlpha: { flag: '--min-alpha', kind: 'number', min: 0, help: 'final learning rate', defaultText: 'alpha * 1e-4', recorded: true },
  threads: { flag: '--threads', kind: 'integer', min: 1, max: 1024, help: 'worker threads', defaultText: 'all cores', recorded: false },
  seed: { flag: '--seed', kind: 'integer', min: 0, max: 2 ** 32 - 1, help: 'random seed; with --threads 1 runs are bit-identical', default: 1, defaultText: '1', recorded: true },
  lowercase: { flag: '--lowercase', kind: 'boolean', help: 'lowercase the corpus', default: false, defaultText: 'off', recorded: true },
  tokenizer: { flag: '--tokenizer', kind: 'choice', choices: TOKENIZER_NAMES, help: 'how lines are split into words', default: 'whitespace', defaultText: 'whitespace', recorded: true },
  maxSentence: { flag: '--max-sentence', kind: 'integer', min: 1, max: 1_000_000, help: 'longest sentence handed to the kernel; longer lines are cut', default: 1000, defaultText: '1000', recorded: true, cli: false },
  kernel: { flag: '--kernel', kind: 'choice', choices: KERNELS, help: 'training kernel', default: 'auto', defaultText: 'wasm when available', recorded: false },
  checkpoint: { flag: '--checkpoint', kind: 'path', help: 'checkpoint file written each epoch and on interrupt', defaultText: 'none', recorded: false, cli: false },
  checkpointEvery: { flag: '--checkpoint-every', kind: 'number', min: 0, hint: 'seconds; 0 = only between epochs', help: 'save the checkpoint this often within an epoch too, in seconds; 0 = only between epochs', default: 600, defaultText: '600', recorded: false },
  resume: { flag: '--resume', kind: 'boolean', help: 'continue from the checkpoint left by an interrupted run', default: false, defaultText: 'off', recorded: false },
  readVocab: { flag: '--read-vocab', kind: 'path', help: 'vocabulary file from wordloom vocab -o (word<TAB>count lines) to train with instead of counting the corpus; --min-count and --max-vocab still apply', defaultText: 'count the corpus', recorded: false },
  tmpDir: { flag: '--tmp-dir', kind: 'path', help: 'folder for the temporary encoded corpus', defaultText: 'the system temporary folder', recorded: false, cli: false },
} as const satisfies OptionSpecs<Pick<Word2VecOptions, Word2VecSetting>>;

type Specs = typeof WORD2VEC_OPTION_SPECS;

/** The options a checkpoint records: everything that shapes the model or its schedule. */
export const RECORDED_OPTIONS = recordedKeysOf(WORD2VEC_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export type RecordedOptions = Pick<Word2VecOptions, RecordedKeys<Specs>>;

export const WORD2VEC_DEFAULTS = defaultsOf(WORD2VEC_OPTION_SPECS) as Pick<Word2VecOptions, DefaultedKeys<Specs>>;

/** Fills in defaults and rejects impossible values with a message naming the option by its CLI
 *  flag (`--min-count` for minCount), which maps one to one onto these fields. */
export function resolveWord2VecOptions(partial: Partial<Word2VecOptions> = {}): Word2VecOptions {
  const defined = definedOnly(partial);
  const cbow = defined.cbow ?? WORD2VEC_DEFAULTS.cbow;
  const alpha = defined.alpha ?? (cbow ? 0.05 : 0.025);
  const o: Word2VecOptions = {
    ...WORD2VEC_DEFAULTS,
    threads: availableParallelism(),
    checkpoint: undefined,
    tmpDir: undefined,
    readVocab: undefined,
    onProgress: undefined,
    onLog: undefined,
    signal: undefined,
    ...defined,
    cbow,
    alpha,
    minAlpha: defined.minAlpha ?? alpha * 1e-4,
  };
  checkSettings(WORD2VEC_OPTION_SPECS, o);
  if (o.negative === 0 && !o.hs) {
    throw new WordloomError('EOPTION', 'option --negative must be at least 1 when hierarchical softmax is off (add --hs to use negative 0)');
  }
  if (!(o.minAlpha <= o.alpha)) {
    throw new WordloomError('EOPTION', `option --min-alpha must be a number between 0 and --alpha (${o.alpha}), got ${String(o.minAlpha)}`);
  }
  if (o.resume && !o.checkpoint) {
    throw new WordloomError('EOPTION', 'option --resume needs a checkpoint path (library option checkpoint)');
  }
  return o;
}
