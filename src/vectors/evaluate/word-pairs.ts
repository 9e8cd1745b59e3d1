import { checkOption } from '../../errors.js';
import type { KeyedVectors } from '../keyed-vectors.js';
import { pearson, spearman } from './correlation.js';
import { foldedVocabulary } from './folded-vocab.js';
import { readEvalFile } from './read-eval-file.js';

export interface WordPair {
  a: string;
  b: string;
  /** The human similarity score. */
  score: number;
  line: number;
}

export interface WordPairs {
  pairs: WordPair[];
  /** Lines that were not "word<delimiter>word<delimiter>number" (gensim skips them too). */
  skippedLines: number[];
}

export interface WordPairOptions {
  /** Only the first N rows count as known words (default 300,000, as gensim). */
  restrictVocab?: number;
  /** Compare words upper-cased (default true). */
  caseInsensitive?: boolean;
}

export interface WordPairReport {
  /** Spearman's rho between human scores and cosine similarities (average ranks for ties). */
  spearman: number;
  pearson: number;
  /** Pairs scored (both words known). */
  pairs: number;
  /** Pairs skipped because a word is unknown. */
  oov: number;
  /** oov / (pairs + oov), as a fraction. */
  oovRatio: number;
  skippedLines: number[];
}

/** Parses "word1<TAB>word2<TAB>score" lines; `#` starts a comment line. */
export function parseWordPairs(text: string, delimiter = '\t'): WordPairs {
  const pairs: WordPair[] = [];
  const skippedLines: number[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    const fields = raw.replace(/\r$/, '').split(delimiter);
    const score = fields.length === 3 ? Number(fields[2]!.trim()) : Number.NaN;
    if (fields.length !== 3 || fields[2]!.trim() === '' || Number.isNaN(score)) {
      skippedLines.push(i + 1);
      return;
    }
    pairs.push({ a: fields[0]!, b: fields[1]!, score, line: i + 1 });
  });
  return { pairs, skippedLines };
}

export async function readWordPairs(path: string, delimiter = '\t'): Promise<WordPairs> {
  return parseWordPairs(await readEvalFile(path, 'word pairs'), delimiter);
}

/** Correlation of cosine similarity with human scores, with gensim's `evaluate_word_pairs` semantics. */
export function evaluateWordPairs(vectors: KeyedVectors, data: WordPairs, options: WordPairOptions = {}): WordPairReport {
  const restrictVocab = options.restrictVocab ?? 300000;
  checkOption('restrictVocab', restrictVocab, { min: 1, integer: true });
  const caseInsensitive = options.caseInsensitive ?? true;
  const vocab = foldedVocabulary(vectors.words, restrictVocab, caseInsensitive);
  const fold = (w: string) => (caseInsensitive ? w.toUpperCase() : w);
  const gold: number[] = [];
  const model: number[] = [];
  let oov = 0;
  for (const pair of data.pairs) {
    const ia = vocab.get(fold(pair.a));
    const ib = vocab.get(fold(pair.b));
    if (ia === undefined || ib === undefined) {
      oov++;
      continue;
    }
    gold.push(pair.score);
    model.push(vectors.unit.dot(ia, ib));
  }
  const total = gold.length + oov;
  return {
    spearman: spearman(gold, model),
    pearson: pearson(gold, model),
    pairs: gold.length,
    oov,
    oovRatio: total > 0 ? oov / total : Number.NaN,
    skippedLines: data.skippedLines,
  };
}
