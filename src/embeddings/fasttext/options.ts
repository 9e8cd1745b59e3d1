import { WordloomError, checkOption } from '../../errors.js';
import { RECORDED_OPTIONS, WORD2VEC_DEFAULTS, resolveWord2VecOptions, type Word2VecOptions } from '../word2vec/options.js';

/**
 * fastText's options: every word2vec option (same names, same flags) plus the character n-grams.
 * The defaults that differ follow the fastText tool: learning rate 0.05 for skip-gram and CBOW
 * alike, and subsampling threshold 1e-4.
 */
export interface FastTextOptions extends Word2VecOptions {
  /** Shortest character n-gram (the word wrapped in < and > counts the brackets). Default 3. */
  minn: number;
  /** Longest character n-gram; 0 turns n-grams off (then this is plain word2vec). Default 6. */
  maxn: number;
  /** Hash rows shared by all n-grams. Default 2,000,000. */
  bucket: number;
}

export const FASTTEXT_DEFAULTS = {
  ...WORD2VEC_DEFAULTS,
  sample: 1e-4,
  alpha: 0.05,
  minn: 3,
  maxn: 6,
  bucket: 2_000_000,
} as const;

export const FASTTEXT_RECORDED_OPTIONS = [...RECORDED_OPTIONS, 'minn', 'maxn', 'bucket'] as const;

export function resolveFastTextOptions(partial: Partial<FastTextOptions> = {}): FastTextOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<FastTextOptions>;
  const base = resolveWord2VecOptions({ sample: FASTTEXT_DEFAULTS.sample, alpha: FASTTEXT_DEFAULTS.alpha, ...defined });
  const o: FastTextOptions = {
    ...base,
    minn: defined.minn ?? FASTTEXT_DEFAULTS.minn,
    maxn: defined.maxn ?? FASTTEXT_DEFAULTS.maxn,
    bucket: defined.bucket ?? FASTTEXT_DEFAULTS.bucket,
  };
  checkOption('--minn', o.minn, { min: 0, max: 100, integer: true });
  checkOption('--maxn', o.maxn, { min: 0, max: 100, integer: true }, '0 turns character n-grams off');
  if (o.maxn > 0 && o.minn > o.maxn) {
    throw new WordloomError('EOPTION', `option --minn (${o.minn}) must be at most --maxn (${o.maxn})`);
  }
  checkOption('--bucket', o.bucket, { min: o.maxn > 0 ? 1 : 0, max: 100_000_000, integer: true });
  return o;
}
