import { availableParallelism } from 'node:os';
import { WordloomError, checkOption } from '../../errors.js';
import type { TrainingProgress } from '../shared/progress.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';

/**
 * Every word2vec training option in one place (like fastText's Args), with the defaults users
 * know from word2vec C and fastText. The CLI maps its flags onto these one to one
 * (`--min-count` -> minCount, `--cbow` -> cbow, ...).
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
  /** Folder for the temporary encoded corpus. Default os.tmpdir(). */
  tmpDir: string | undefined;
  /** Progress callback, called at every worker report (each 10,000 words a thread), so it can also stop a run
   *  at a precise point through `signal`; draw it throttled (the CLI redraws at most twice a second). */
  onProgress: ((progress: TrainingProgress) => void) | undefined;
  /** Called with one-line notes (vocabulary size, kernel kind, checkpoint saved). */
  onLog: ((message: string) => void) | undefined;
  /** Aborting stops training at the next sentence, saves a checkpoint (when `checkpoint` is set)
   *  and rejects with WordloomError 'EINTERRUPTED'. */
  signal: AbortSignal | undefined;
}

/** The options a checkpoint records: everything that shapes the model or its schedule. */
export const RECORDED_OPTIONS = [
  'cbow', 'hs', 'dim', 'window', 'negative', 'sample', 'minCount', 'maxVocab', 'epochs', 'alpha', 'minAlpha',
  'seed', 'lowercase', 'tokenizer', 'maxSentence',
] as const;
export type RecordedOptions = Pick<Word2VecOptions, (typeof RECORDED_OPTIONS)[number]>;

export const WORD2VEC_DEFAULTS = {
  cbow: false,
  hs: false,
  dim: 100,
  window: 5,
  negative: 5,
  sample: 1e-3,
  minCount: 5,
  maxVocab: 0,
  epochs: 5,
  seed: 1,
  lowercase: false,
  tokenizer: 'whitespace',
  maxSentence: 1000,
  kernel: 'auto',
  checkpointEvery: 600,
  resume: false,
} as const;

/** Fills in defaults and rejects impossible values with a message naming the option by its CLI
 *  flag (`--min-count` for minCount), which maps one to one onto these fields. */
export function resolveWord2VecOptions(partial: Partial<Word2VecOptions> = {}): Word2VecOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<Word2VecOptions>;
  const cbow = defined.cbow ?? WORD2VEC_DEFAULTS.cbow;
  const alpha = defined.alpha ?? (cbow ? 0.05 : 0.025);
  const o: Word2VecOptions = {
    ...WORD2VEC_DEFAULTS,
    threads: availableParallelism(),
    checkpoint: undefined,
    tmpDir: undefined,
    onProgress: undefined,
    onLog: undefined,
    signal: undefined,
    ...defined,
    cbow,
    alpha,
    minAlpha: defined.minAlpha ?? alpha * 1e-4,
  };
  checkOption('--dim', o.dim, { min: 1, max: 10000, integer: true });
  checkOption('--window', o.window, { min: 1, max: 1000, integer: true });
  checkOption('--negative', o.negative, { min: 0, max: 1000, integer: true });
  if (o.negative === 0 && !o.hs) {
    throw new WordloomError('EOPTION', 'option --negative must be at least 1 when hierarchical softmax is off (add --hs to use negative 0)');
  }
  checkOption('--sample', o.sample, { min: 0, max: 1 });
  checkOption('--min-count', o.minCount, { min: 1, integer: true });
  checkOption('--max-vocab', o.maxVocab, { min: 0, integer: true }, '0 means no limit');
  checkOption('--epochs', o.epochs, { min: 1, max: 100000, integer: true });
  if (!(o.alpha > 0) || !Number.isFinite(o.alpha)) {
    throw new WordloomError('EOPTION', `option --alpha must be a number greater than 0, got ${String(o.alpha)}`);
  }
  if (!(o.minAlpha >= 0) || !(o.minAlpha <= o.alpha)) {
    throw new WordloomError('EOPTION', `option --min-alpha must be a number between 0 and --alpha (${o.alpha}), got ${String(o.minAlpha)}`);
  }
  checkOption('--threads', o.threads, { min: 1, max: 1024, integer: true });
  checkOption('--seed', o.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  checkOption('--max-sentence', o.maxSentence, { min: 1, max: 1_000_000, integer: true });
  if (!TOKENIZER_NAMES.includes(o.tokenizer)) {
    throw new WordloomError('EOPTION', `option --tokenizer must be one of ${TOKENIZER_NAMES.join(', ')}, got ${String(o.tokenizer)}`);
  }
  if (!['wasm', 'js', 'auto'].includes(o.kernel)) {
    throw new WordloomError('EOPTION', `option --kernel must be wasm, js or auto, got ${String(o.kernel)}`);
  }
  checkOption('--checkpoint-every', o.checkpointEvery, { min: 0 }, 'seconds; 0 = only between epochs');
  if (o.resume && !o.checkpoint) {
    throw new WordloomError('EOPTION', 'option --resume needs a checkpoint path (library option checkpoint)');
  }
  return o;
}
