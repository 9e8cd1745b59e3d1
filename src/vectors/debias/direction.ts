/**
 * The bias direction of Bolukbasi et al. (2016): the first principal component of the centred
 * differences of definitional pairs (she/he, woman/man, ...), computed on unit-length vectors,
 * or the simpler normalised mean of the differences.
 */
import { WordloomError } from '../../errors.js';
import type { VectorSet } from '../vector-set.js';
import { symmetricEigen } from './eigen.js';
import { CaseFoldedWords, resolvePairs } from './lookup.js';
import type { WordPairEntry } from './word-lists.js';

export type BiasMethod = 'pca' | 'mean';
export const BIAS_METHODS: readonly BiasMethod[] = ['pca', 'mean'];

export interface BiasDirectionOptions {
  /** 'pca' (default): first principal component of the centred pair differences; 'mean': their normalised mean. */
  method?: BiasMethod;
  /** How many principal components to report (default 10). */
  components?: number;
}

export interface BiasDirection {
  /** Unit vector of the set's dimension, oriented so that the first words of the pairs project positively. */
  vector: Float64Array;
  method: BiasMethod;
  /** The vocabulary words of the pairs used, first word first. */
  pairs: [string, string][];
  /** Names for the two poles: the first pair used (e.g. ["she", "he"]); the direction points to the first. */
  poles: [string, string];
  /** Listed pairs with a word not in the vocabulary (as "a/b"). */
  missing: string[];
  /**
   * Share of the variance of the centred pair differences explained by each principal component,
   * largest first (the paper's figure 3), whatever the method.
   */
  explainedVariance: number[];
  /** Cosine between the first principal component and the mean difference (1: the two methods agree). */
  pcaMeanCosine: number;
}

/** Row `i` of `set` as a float64 unit vector (zero stays zero). */
export function unitRow(set: VectorSet, i: number): Float64Array {
  const src = set.row(i);
  const out = new Float64Array(set.dim);
  let sum = 0;
  for (let k = 0; k < src.length; k++) sum += src[k]! * src[k]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let k = 0; k < src.length; k++) out[k] = src[k]! * scale;
  return out;
}

/**
 * Pairs are matched case-insensitively (the most frequent spelling); pairs with a word missing
 * are left out and reported. At least one pair must be found.
 */
export function biasDirection(set: VectorSet, pairs: readonly WordPairEntry[], options: BiasDirectionOptions = {}): BiasDirection {
  const method = options.method ?? 'pca';
  if (!BIAS_METHODS.includes(method)) throw new WordloomError('EOPTION', `unknown bias method "${String(method)}", expected pca or mean`);
  const components = options.components ?? 10;
  const { rows, missing } = resolvePairs(new CaseFoldedWords(set.words), pairs);
  if (rows.length === 0) {
    throw new WordloomError(
      'EEMPTY',
      `none of the ${pairs.length} definitional pairs has both words in the vocabulary (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`,
    );
  }
  const dim = set.dim;
  const n = rows.length;
  // Differences of unit vectors, one row each. Each pair contributes the centred rows +d/2 and
  // -d/2 to the PCA, whose mean is zero, so the covariance is proportional to sum d d^T.
  const diffs = rows.map(([a, b]) => {
    const ua = unitRow(set, a);
    const ub = unitRow(set, b);
    for (let k = 0; k < dim; k++) ua[k] = ua[k]! - ub[k]!;
    return ua;
  });
  // The nonzero eigenvalues of D^T D (dim x dim) are those of the Gram matrix D D^T (n x n);
  // an eigenvector u of the latter gives D^T u for the former.
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) gram[i * n + j] = gram[j * n + i] = dot(diffs[i]!, diffs[j]!);
  const eigen = symmetricEigen(gram, n);
  let total = 0;
  for (const v of eigen.values) total += Math.max(0, v);
  const explainedVariance = Array.from(eigen.values.slice(0, components), (v) => (total > 0 ? Math.max(0, v) / total : 0));

  const pc = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const u = eigen.vectors[i]!;
    for (let k = 0; k < dim; k++) pc[k] = pc[k]! + u * diffs[i]![k]!;
  }
  const mean = new Float64Array(dim);
  for (const d of diffs) for (let k = 0; k < dim; k++) mean[k] = mean[k]! + d[k]! / n;
  normalize(pc);
  normalize(mean);
  // A principal component has no sign of its own: point it where the mean difference points.
  if (dot(pc, mean) < 0) for (let k = 0; k < dim; k++) pc[k] = -pc[k]!;
  if (!(norm(method === 'pca' ? pc : mean) > 0)) {
    throw new WordloomError('EFORMAT', 'the definitional pairs give no direction: the two words of every pair have the same vector');
  }
  return {
    vector: method === 'pca' ? pc : mean,
    method,
    pairs: rows.map(([a, b]) => [set.words[a]!, set.words[b]!]),
    poles: [set.words[rows[0]![0]]!, set.words[rows[0]![1]]!],
    missing,
    explainedVariance,
    pcaMeanCosine: dot(pc, mean),
  };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

function norm(v: Float64Array): number {
  return Math.sqrt(dot(v, v));
}

function normalize(v: Float64Array): void {
  const n = norm(v);
  if (n > 0) for (let k = 0; k < v.length; k++) v[k] = v[k]! / n;
}
