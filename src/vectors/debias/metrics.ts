/**
 * What bias there is along a direction, and what removing it costs: direct bias over neutral
 * words, the neutral words nearest each pole, analogy probes, and (given the files) analogy
 * accuracy and word-similarity correlation; and the check that equalized pairs are symmetric.
 */
import type { KeyedVectors, Neighbor } from '../keyed-vectors.js';
import type { VectorSet } from '../vector-set.js';
import { evaluateAnalogies, type AccuracyCount, type AnalogyOptions, type AnalogyQuestions } from '../evaluate/analogies.js';
import { evaluateWordPairs, type WordPairOptions, type WordPairs } from '../evaluate/word-pairs.js';
import { dot } from './direction.js';
import { CaseFoldedWords, resolveAllRows, resolveWords } from './lookup.js';
import { DEFAULT_NEUTRAL_WORDS, DEFAULT_PROBES, probeLabel, type AnalogyProbe } from './word-lists.js';

export interface PoleWord {
  word: string;
  /** Cosine with the bias direction. */
  cosine: number;
}

export interface ProbeResult {
  /** "a:b::c:?" */
  query: string;
  positive: string[];
  negative: string[];
  answers: Neighbor[];
}

export interface AnalogySummary {
  total: AccuracyCount;
  semantic: AccuracyCount;
  syntactic: AccuracyCount;
  questions: number;
  oov: number;
  restrictVocab: number;
  sections: { section: string; correct: number; answered: number; accuracy: number }[];
}

export interface SimilaritySummary {
  name: string;
  spearman: number;
  pearson: number;
  pairs: number;
  oov: number;
}

export interface BiasMetrics {
  /** Mean |cos(w, g)| over the neutral words found (Bolukbasi et al.'s DirectBias with c = 1). */
  directBias: number;
  /** How many neutral words it averages over. */
  neutralWords: number;
  /** The neutral words most aligned with each pole: `positive` along the direction (towards the first words of the pairs), `negative` against it. */
  poles: { positive: PoleWord[]; negative: PoleWord[] };
  probes: ProbeResult[];
  /** With `analogies`: accuracy as `evaluateAnalogies` reports it. */
  analogies?: AnalogySummary;
  /** With `wordPairs`: one result per data set. */
  similarity?: SimilaritySummary[];
}

export interface MeasureBiasOptions {
  /** Words that should carry no bias (default DEFAULT_NEUTRAL_WORDS); matched case-insensitively. */
  neutral?: readonly string[];
  /** Words left out of the neutral ones (e.g. the gender-specific list: "actress" is a profession but not neutral). */
  exclude?: readonly string[];
  /** Analogy probes (default DEFAULT_PROBES); a probe with a word not in the vocabulary is skipped and reported. */
  probes?: readonly AnalogyProbe[];
  /** Neutral words listed per pole (default 10). */
  topn?: number;
  /** Answers per probe (default 3). */
  probeTopn?: number;
  analogies?: AnalogyQuestions;
  analogyOptions?: Omit<AnalogyOptions, 'onSection'>;
  wordPairs?: readonly { name: string; pairs: WordPairs }[];
  wordPairOptions?: WordPairOptions;
}

export interface MeasuredBias {
  metrics: BiasMetrics;
  /** Neutral words not in the vocabulary, neutral words left out by `exclude`, and probes skipped. */
  missing: { neutral: string[]; probes: string[] };
  excluded: string[];
}

/** `direction` must be a unit vector of the vectors' dimension. */
export function measureBias(vectors: KeyedVectors, direction: Float64Array, options: MeasureBiasOptions = {}): MeasuredBias {
  const set = vectors.set;
  const lookup = new CaseFoldedWords(set.words);
  const neutral = resolveWords(lookup, options.neutral ?? DEFAULT_NEUTRAL_WORDS);
  const excludedRows = resolveAllRows(lookup, options.exclude ?? []).rows;
  const rows = neutral.rows.filter((r) => !excludedRows.has(r));
  const excluded = neutral.rows.filter((r) => excludedRows.has(r)).map((r) => set.words[r]!);

  const cosines = rows.map((r) => cosineWith(set.row(r), direction));
  const directBias = cosines.length > 0 ? cosines.reduce((s, c) => s + Math.abs(c), 0) / cosines.length : Number.NaN;
  const topn = options.topn ?? 10;
  const ranked = rows.map((r, i) => ({ word: set.words[r]!, cosine: cosines[i]! })).sort((x, y) => y.cosine - x.cosine);
  const poles = {
    positive: ranked.slice(0, Math.min(topn, ranked.length)),
    negative: ranked.slice().reverse().slice(0, Math.min(topn, ranked.length)),
  };

  const probes: ProbeResult[] = [];
  const missingProbes: string[] = [];
  for (const probe of options.probes ?? DEFAULT_PROBES) {
    const spell = (w: string): string | null => set.words[lookup.first(w)] ?? null;
    const positive = probe.positive.map(spell);
    const negative = probe.negative.map(spell);
    if ([...positive, ...negative].some((w) => w === null)) {
      missingProbes.push(probeLabel(probe));
      continue;
    }
    const p = { positive: positive as string[], negative: negative as string[] };
    probes.push({ query: probeLabel(p), ...p, answers: vectors.mostSimilar({ ...p, topn: options.probeTopn ?? 3 }) });
  }

  const metrics: BiasMetrics = { directBias, neutralWords: rows.length, poles, probes };
  if (options.analogies !== undefined) {
    const r = evaluateAnalogies(vectors, options.analogies, options.analogyOptions);
    metrics.analogies = {
      total: r.total,
      semantic: r.semantic,
      syntactic: r.syntactic,
      questions: r.questions,
      oov: r.oov,
      restrictVocab: r.restrictVocab,
      sections: r.sections.map(({ section, correct, answered, accuracy }) => ({ section, correct, answered, accuracy })),
    };
  }
  if (options.wordPairs !== undefined) {
    metrics.similarity = options.wordPairs.map(({ name, pairs }) => {
      const r = evaluateWordPairs(vectors, pairs, options.wordPairOptions);
      return { name, spearman: r.spearman, pearson: r.pearson, pairs: r.pairs, oov: r.oov };
    });
  }
  return { metrics, missing: { neutral: neutral.missing, probes: missingProbes }, excluded };
}

/** cos(v, g) for a unit `g` (0 for a zero `v`). */
export function cosineWith(v: Float32Array, g: Float64Array): number {
  const n = Math.sqrt(dot(v, v));
  return n > 0 ? dot(v, g) / n : 0;
}

export interface EqualizeCheck {
  pairs: number;
  /** Largest |a·g + b·g|: the two projections on the direction have the same size and opposite signs. */
  maxProjectionGap: number;
  /** Largest |a⊥ − b⊥| (max-norm): the components orthogonal to the direction are identical. */
  maxOrthogonalGap: number;
  /** Largest |cos(a, n) − cos(b, n)| over the rows in `neutralMask` (0 when none is given): equidistance from neutral words. */
  maxCosineGap: number;
  tolerance: number;
  /** Both gaps at most `tolerance`. */
  symmetric: boolean;
}

export const SYMMETRY_TOLERANCE = 1e-6;

/** Checks equalized pairs (row indices into `set`) against the unit `direction`. */
export function checkEqualized(
  set: VectorSet,
  direction: Float64Array,
  pairs: readonly (readonly [number, number])[],
  neutralMask?: Uint8Array,
  tolerance = SYMMETRY_TOLERANCE,
): EqualizeCheck {
  const dim = set.dim;
  let maxProjectionGap = 0;
  let maxOrthogonalGap = 0;
  let maxCosineGap = 0;
  const delta = new Float64Array(dim);
  const neutralRows: number[] = [];
  if (neutralMask !== undefined) neutralMask.forEach((m, i) => m === 1 && neutralRows.push(i));
  const inverseNorms = new Float64Array(neutralRows.length);
  neutralRows.forEach((r, i) => {
    const v = set.row(r);
    const n = Math.sqrt(dot(v, v));
    inverseNorms[i] = n > 0 ? 1 / n : 0;
  });
  for (const [ra, rb] of pairs) {
    const a = set.row(ra);
    const b = set.row(rb);
    const pa = dot(a, direction);
    const pb = dot(b, direction);
    maxProjectionGap = Math.max(maxProjectionGap, Math.abs(pa + pb));
    const na = Math.sqrt(dot(a, a));
    const nb = Math.sqrt(dot(b, b));
    for (let k = 0; k < dim; k++) {
      const gap = a[k]! - pa * direction[k]! - (b[k]! - pb * direction[k]!);
      maxOrthogonalGap = Math.max(maxOrthogonalGap, Math.abs(gap));
      delta[k] = (na > 0 ? a[k]! / na : 0) - (nb > 0 ? b[k]! / nb : 0);
    }
    for (let i = 0; i < neutralRows.length; i++) {
      maxCosineGap = Math.max(maxCosineGap, Math.abs(dot(set.row(neutralRows[i]!), delta) * inverseNorms[i]!));
    }
  }
  return {
    pairs: pairs.length,
    maxProjectionGap,
    maxOrthogonalGap,
    maxCosineGap,
    tolerance,
    symmetric: maxProjectionGap <= tolerance && maxOrthogonalGap <= tolerance,
  };
}
