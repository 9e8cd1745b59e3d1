/**
 * The two reports the CLI prints: the bias of a vector set (`reportBias`), and hard debiasing
 * with the same metrics before and after and the symmetry check (`debiasWithReport`).
 */
import { KeyedVectors } from '../keyed-vectors.js';
import type { VectorSet } from '../vector-set.js';
import { biasDirection, type BiasDirection, type BiasMethod } from './direction.js';
import { hardDebias, type HardDebiasOptions } from './hard-debias.js';
import { CaseFoldedWords, resolveAllRows } from './lookup.js';
import { checkEqualized, cosineWith, measureBias, type BiasMetrics, type PoleWord, type EqualizeCheck, type MeasureBiasOptions } from './metrics.js';
import { DEFAULT_DEFINITIONAL_PAIRS, type WordPairEntry } from './word-lists.js';

export interface BiasReportOptions extends Omit<MeasureBiasOptions, 'exclude'> {
  /** Pairs that define the direction (default DEFAULT_DEFINITIONAL_PAIRS). */
  definitional?: readonly WordPairEntry[];
  method?: BiasMethod;
  /** Gender-specific words: not counted among the neutral words (nor, when debiasing, neutralized). */
  specific?: readonly string[];
  /** Stage messages ("evaluating analogies before debiasing", ...). */
  onLog?: (message: string) => void;
}

export interface BiasReport {
  direction: BiasDirection;
  metrics: BiasMetrics;
  /** Neutral words measured, and those left out because they are gender-specific or definitional. */
  neutral: { measured: number; excluded: string[] };
  /** List entries not in the vocabulary (pairs as "a/b", probes as "a:b::c:?"). */
  missing: { definitional: string[]; neutral: string[]; specific: string[]; probes: string[] };
}

/** Bias along the direction of `options.definitional`, with no change to the vectors. */
export function reportBias(vectors: VectorSet | KeyedVectors, options: BiasReportOptions = {}): BiasReport {
  const kv = asKeyed(vectors);
  const definitional = options.definitional ?? DEFAULT_DEFINITIONAL_PAIRS;
  const direction = biasDirection(kv.set, definitional, { method: options.method });
  const specific = options.specific ?? [];
  logEvaluations(options, 'measuring bias');
  const measured = measureBias(kv, direction.vector, { ...options, exclude: [...specific, ...definitional.flat()] });
  return {
    direction,
    metrics: measured.metrics,
    neutral: { measured: measured.metrics.neutralWords, excluded: measured.excluded },
    missing: {
      definitional: direction.missing,
      neutral: measured.missing.neutral,
      specific: resolveAllRows(new CaseFoldedWords(kv.words), specific).missing,
      probes: measured.missing.probes,
    },
  };
}

export interface PoleShift {
  word: string;
  before: number;
  after: number;
}

export interface DebiasReport {
  /** The debiased vectors (same words, same order). */
  vectors: VectorSet;
  direction: BiasDirection;
  counts: { words: number; neutralized: number; specific: number; equalized: number };
  equalized: [string, string][];
  equalizeConflicts: string[];
  /** Measured on the input, and on the output along the same direction. */
  before: BiasMetrics;
  after: BiasMetrics;
  /** The neutral words most aligned with each pole before debiasing, with their cosine with the direction before and after. */
  poles: { positive: PoleShift[]; negative: PoleShift[] };
  /** Equalized pairs: symmetric about the direction to 1e-6, and equidistant from every neutralized word. */
  symmetry: EqualizeCheck;
  neutral: { measured: number; excluded: string[] };
  missing: { definitional: string[]; equalize: string[]; specific: string[]; neutral: string[]; probes: string[] };
}

export function debiasWithReport(vectors: VectorSet | KeyedVectors, options: HardDebiasOptions & BiasReportOptions = {}): DebiasReport {
  const before = asKeyed(vectors);
  const definitional = options.definitional ?? DEFAULT_DEFINITIONAL_PAIRS;
  const equalize = options.equalize ?? definitional;
  const exclude = [...(options.specific ?? []), ...definitional.flat(), ...equalize.flat()];
  options.onLog?.('finding the bias direction and debiasing');
  const result = hardDebias(before.set, options);
  const g = result.direction.vector;
  logEvaluations(options, 'measuring the input vectors');
  const measuredBefore = measureBias(before, g, { ...options, exclude });
  const after = new KeyedVectors(result.vectors, { name: 'the debiased vectors' });
  logEvaluations(options, 'measuring the debiased vectors');
  const measuredAfter = measureBias(after, g, { ...options, exclude });
  return {
    vectors: result.vectors,
    direction: result.direction,
    counts: { words: before.size, neutralized: result.neutralized, specific: result.specific, equalized: result.equalized.length },
    equalized: result.equalized,
    equalizeConflicts: result.equalizeConflicts,
    before: measuredBefore.metrics,
    after: measuredAfter.metrics,
    poles: {
      positive: measuredBefore.metrics.poles.positive.map((p) => shift(p, result.vectors, g)),
      negative: measuredBefore.metrics.poles.negative.map((p) => shift(p, result.vectors, g)),
    },
    symmetry: checkEqualized(result.vectors, g, result.equalizedRows, result.neutralizedMask),
    neutral: { measured: measuredBefore.metrics.neutralWords, excluded: measuredBefore.excluded },
    missing: { ...result.missing, neutral: measuredBefore.missing.neutral, probes: measuredBefore.missing.probes },
  };
}

function shift(pole: PoleWord, after: VectorSet, g: Float64Array): PoleShift {
  return { word: pole.word, before: pole.cosine, after: cosineWith(after.get(pole.word)!, g) };
}

function asKeyed(vectors: VectorSet | KeyedVectors): KeyedVectors {
  return vectors instanceof KeyedVectors ? vectors : new KeyedVectors(vectors);
}

function logEvaluations(options: BiasReportOptions, what: string): void {
  const extra = [options.analogies !== undefined ? 'analogies' : '', options.wordPairs !== undefined ? 'word pairs' : ''].filter(Boolean);
  options.onLog?.(extra.length > 0 ? `${what} (with ${extra.join(' and ')})` : what);
}
