import { WordloomError } from '../../errors.js';
import {
  checkSettings, defaultsOf, definedOnly, recordedKeysOf, type DefaultedKeys, type OptionSpecs, type RecordedKeys,
} from '../../util/option-spec.js';
import { WORD2VEC_OPTION_SPECS, resolveWord2VecOptions, type Word2VecOptions, type Word2VecSetting } from '../word2vec/options.js';

/**
 * fastText's options: every word2vec option (same names, same flags, one declaration) plus the
 * character n-grams. Two defaults follow the fastText tool instead of word2vec C: learning rate
 * 0.05 for skip-gram and CBOW alike, and subsampling threshold 1e-4.
 */
export interface FastTextOptions extends Word2VecOptions {
  /** Shortest character n-gram (the word is wrapped in < and >, which count). Default 3. */
  minn: number;
  /** Longest character n-gram; 0 turns n-grams off (then training is plain word2vec). Default 6. */
  maxn: number;
  /** Hash rows shared by all n-grams. Default 2,000,000. */
  bucket: number;
}

export type FastTextSetting = Word2VecSetting | 'minn' | 'maxn' | 'bucket';

export const FASTTEXT_OPTION_SPECS = {
  ...WORD2VEC_OPTION_SPECS,
  sample: { ...WORD2VEC_OPTION_SPECS.sample, default: 1e-4, defaultText: '0.0001' },
  alpha: { ...WORD2VEC_OPTION_SPECS.alpha, default: 0.05, defaultText: '0.05 (fastText\'s, skip-gram and CBOW)' },
  minn: { flag: '--minn', kind: 'integer', min: 0, max: 100, help: 'shortest character n-gram of <word>', default: 3, defaultText: '3', recorded: true },
  maxn: { flag: '--maxn', kind: 'integer', min: 0, max: 100, help: 'longest character n-gram; 0 = none (plain word2vec)', default: 6, defaultText: '6', recorded: true },
  bucket: { flag: '--bucket', kind: 'integer', min: 0, max: 100_000_000, help: 'hash rows shared by the n-grams', default: 2_000_000, defaultText: '2000000', recorded: true },
} as const satisfies OptionSpecs<Pick<FastTextOptions, FastTextSetting>>;

type Specs = typeof FASTTEXT_OPTION_SPECS;

export const FASTTEXT_RECORDED_OPTIONS = recordedKeysOf(FASTTEXT_OPTION_SPECS) as readonly RecordedKeys<Specs>[];
export const FASTTEXT_DEFAULTS = defaultsOf(FASTTEXT_OPTION_SPECS) as Pick<FastTextOptions, DefaultedKeys<Specs>>;

/** Fills in defaults and rejects impossible values naming the flag (`--minn`), like resolveWord2VecOptions. */
export function resolveFastTextOptions(partial: Partial<FastTextOptions> = {}): FastTextOptions {
  const defined = definedOnly(partial);
  const base = resolveWord2VecOptions({ sample: FASTTEXT_DEFAULTS.sample, alpha: FASTTEXT_DEFAULTS.alpha, ...defined });
  const o: FastTextOptions = {
    ...base,
    minn: defined.minn ?? FASTTEXT_DEFAULTS.minn,
    maxn: defined.maxn ?? FASTTEXT_DEFAULTS.maxn,
    bucket: defined.bucket ?? FASTTEXT_DEFAULTS.bucket,
  };
  checkSettings(FASTTEXT_OPTION_SPECS, o);
  if (o.maxn > 0 && o.minn > o.maxn) {
    throw new WordloomError('EOPTION', `option --minn (${o.minn}) must be at most --maxn (${o.maxn})`);
  }
  if (o.maxn > 0 && o.bucket < 1) {
    throw new WordloomError('EOPTION', 'option --bucket must be at least 1 when there are n-grams (--maxn above 0)');
  }
  return o;
}
