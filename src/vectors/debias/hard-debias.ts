/**
 * Hard debiasing (Bolukbasi et al. 2016, "neutralize and equalize"), as their debiaswe code
 * does it: every vector is taken at unit length; words that are not gender-specific lose their
 * component on the bias direction and are re-normalised; each equalize pair is then replaced by
 * two unit vectors with the same component orthogonal to the direction (the mean of the pair's,
 * neutralized) and opposite projections on it, so that both are equidistant from every
 * neutralized word.
 */
import { WordloomError } from '../../errors.js';
import { VectorSet } from '../vector-set.js';
import { biasDirection, dot, type BiasDirection, type BiasMethod } from './direction.js';
import { CaseFoldedWords, resolveAllRows, resolveEqualizePairs } from './lookup.js';
import { DEFAULT_DEFINITIONAL_PAIRS, type WordPairEntry } from './word-lists.js';

export interface HardDebiasOptions {
  /** Pairs that define the bias direction, first word of the pole it points to (default DEFAULT_DEFINITIONAL_PAIRS). */
  definitional?: readonly WordPairEntry[];
  /** Pairs made equidistant from every neutral word (default: the definitional pairs). */
  equalize?: readonly WordPairEntry[];
  /**
   * Gender-specific words, left out of neutralizing (default none). The definitional and
   * equalize words always are. Matched case-insensitively: "he" keeps "he", "He" and "HE".
   */
  specific?: readonly string[];
  /** How the direction is found (default 'pca'). */
  method?: BiasMethod;
  /**
   * false (default, as the paper): every output row has unit length, and gender-specific rows
   * are the input rows normalised. true: every row keeps its input length (an equalize pair
   * gets the mean of its two), so gender-specific rows come out exactly as they went in.
   */
  keepNorms?: boolean;
  /** A direction computed before (e.g. by `biasDirection`); `definitional` and `method` are then only reported. */
  direction?: BiasDirection;
}

export interface HardDebiasResult {
  /** The debiased vectors: a new set, same words in the same order. */
  vectors: VectorSet;
  direction: BiasDirection;
  /** Rows whose projection on the direction was removed. */
  neutralized: number;
  /** Rows left out of neutralizing as gender-specific. */
  specific: number;
  /** The word pairs equalized (vocabulary spellings). */
  equalized: [string, string][];
  /** Row indices of the equalized pairs. */
  equalizedRows: [number, number][];
  /** For each row, 1 when it was neutralized. */
  neutralizedMask: Uint8Array;
  /** List entries not found in the vocabulary (pairs as "a/b"). */
  missing: { definitional: string[]; equalize: string[]; specific: string[] };
  /** Equalize pairs skipped because one word was already equalized with another partner. */
  equalizeConflicts: string[];
}

export function hardDebias(set: VectorSet, options: HardDebiasOptions = {}): HardDebiasResult {
  const definitional = options.definitional ?? DEFAULT_DEFINITIONAL_PAIRS;
  const equalize = options.equalize ?? definitional;
  const keepNorms = options.keepNorms ?? false;
  const direction = options.direction ?? biasDirection(set, definitional, { method: options.method });
  const g = direction.vector;
  if (g.length !== set.dim) {
    throw new WordloomError('EOPTION', `the bias direction has ${g.length} values but the vectors have dimension ${set.dim}`);
  }
  const dim = set.dim;
  const lookup = new CaseFoldedWords(set.words);
  const specificList = options.specific ?? [];
  const specific = resolveAllRows(lookup, specificList);
  const gendered = resolveAllRows(lookup, [...definitional.flat(), ...equalize.flat()]).rows;
  for (const r of gendered) specific.rows.add(r);
  const pairs = resolveEqualizePairs(set.words, equalize);
  for (const [a, b] of pairs.rows) specific.rows.add(a).add(b);

  const out = new Float32Array(set.vectors.length);
  const norms = new Float64Array(set.size);
  const mask = new Uint8Array(set.size);
  const v = new Float64Array(dim);
  for (let i = 0; i < set.size; i++) {
    const src = set.row(i);
    const norm = Math.sqrt(dot(src, src));
    norms[i] = norm;
    const base = i * dim;
    if (norm === 0) continue;
    if (specific.rows.has(i)) {
      if (keepNorms) out.set(src, base);
      else for (let k = 0; k < dim; k++) out[base + k] = src[k]! / norm;
      continue;
    }
    mask[i] = 1;
    for (let k = 0; k < dim; k++) v[k] = src[k]! / norm;
    const p = dot(v, g);
    for (let k = 0; k < dim; k++) v[k] = v[k]! - p * g[k]!;
    const rest = Math.sqrt(dot(v, v));
    // A vector along the direction itself has nothing left: it becomes zero.
    const scale = rest > 0 ? (keepNorms ? norm : 1) / rest : 0;
    for (let k = 0; k < dim; k++) out[base + k] = v[k]! * scale;
  }

  const a = new Float64Array(dim);
  const b = new Float64Array(dim);
  const y = new Float64Array(dim);
  for (const [ra, rb] of pairs.rows) {
    if (norms[ra] === 0 || norms[rb] === 0) continue;
    readUnit(set.row(ra), a);
    readUnit(set.row(rb), b);
    for (let k = 0; k < dim; k++) y[k] = (a[k]! + b[k]!) / 2;
    const p = dot(y, g);
    for (let k = 0; k < dim; k++) y[k] = y[k]! - p * g[k]!;
    let z = Math.sqrt(Math.max(0, 1 - dot(y, y)));
    if (dot(a, g) - dot(b, g) < 0) z = -z;
    const scale = keepNorms ? (norms[ra]! + norms[rb]!) / 2 : 1;
    for (let k = 0; k < dim; k++) {
      out[ra * dim + k] = (y[k]! + z * g[k]!) * scale;
      out[rb * dim + k] = (y[k]! - z * g[k]!) * scale;
    }
  }

  const missingDefinitional = direction.missing;
  return {
    vectors: new VectorSet(set.words.slice(), out, dim),
    direction,
    neutralized: mask.reduce((s, m) => s + m, 0),
    specific: specific.rows.size,
    equalized: pairs.rows.map(([ra, rb]) => [set.words[ra]!, set.words[rb]!]),
    equalizedRows: pairs.rows,
    neutralizedMask: mask,
    missing: { definitional: missingDefinitional, equalize: pairs.missing, specific: specific.missing },
    equalizeConflicts: pairs.conflicts,
  };
}

/** `src` scaled to unit length into `dst`. */
function readUnit(src: Float32Array, dst: Float64Array): void {
  const norm = Math.sqrt(dot(src, src));
  for (let k = 0; k < src.length; k++) dst[k] = src[k]! / norm;
}
