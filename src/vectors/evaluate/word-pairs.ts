import { WordloomError, checkOption } from '../../errors.js';
import { quote } from '../../util/printable.js';
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
  /** Lines that were not two words and a number (gensim skips them too); comments and blank lines are not counted. */
  skippedLines: number[];
}

export interface WordPairOptions {
  /** Only the first N rows count as known words (default 300,000, as gensim). */
  restrictVocab?: number;
  /** Compare words upper-cased (default true). */
  caseInsensitive?: boolean;
  /** fastText models: answer a pair with a word outside the vocabulary from its n-grams instead of counting it oov. Default true. */
  subwords?: boolean;
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
  /** Pairs answered with at least one word's vector built from its n-grams (fastText models; else 0). */
  fromSubwords: number;
  skippedLines: number[];
}

export interface ParseWordPairsOptions {
  /** Field delimiter. Default: a tab when the line has one, else any run of whitespace. */
  delimiter?: string;
  /** The file's name, for messages. */
  name?: string;
}

const SCORE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses "word1<TAB>word2<TAB>score" lines, as gensim's `evaluate_word_pairs` reads them: any
 * line end (LF, CRLF, CR), `#` starting a comment line, lines that are not two words and a
 * number skipped (and listed). Fields may also be separated by spaces. A text with no valid pair
 * at all is an error (EEMPTY) that says what a line should look like.
 */
export function parseWordPairs(text: string, options: string | ParseWordPairsOptions = {}): WordPairs {
  const { delimiter, name = 'word pairs' } = typeof options === 'string' ? { delimiter: options } : options;
  const pairs: WordPair[] = [];
  const skippedLines: number[] = [];
  let firstSkipped = '';
  const lines = text.split(/\r\n?|\n/);
  lines.forEach((line, i) => {
    if (line.startsWith('#') || line.trim() === '') return;
    const fields =
      delimiter !== undefined ? line.split(delimiter).map((f) => f.trim()) : line.includes('\t') ? line.split('\t').map((f) => f.trim()) : line.trim().split(/\s+/);
    const [a = '', b = '', scoreText = ''] = fields;
    const score = Number(scoreText);
    if (fields.length !== 3 || a === '' || b === '' || !SCORE.test(scoreText) || !Number.isFinite(score)) {
      if (skippedLines.length === 0) firstSkipped = line;
      skippedLines.push(i + 1);
      return;
    }
    pairs.push({ a, b, score, line: i + 1 });
  });
  if (pairs.length === 0) {
    if (/^: \S/m.test(text)) {
      throw new WordloomError('EFORMAT', `${name} looks like analogy questions (": section" lines, four words a line), not word pairs; wordloom eval analogy reads it`);
    }
    const why = skippedLines.length === 0 ? 'the file has no lines' : `${skippedLines.length} line${skippedLines.length === 1 ? ' was' : 's were'} not pairs, the first (line ${skippedLines[0]}) is ${quote(firstSkipped)}`;
    throw new WordloomError('EEMPTY', `${name}: no word pairs found; expected lines "word<TAB>word<TAB>score" (${why})`);
  }
  return { pairs, skippedLines };
}

/** Reads a word-pairs file (plain or gzip); see parseWordPairs. */
export async function readWordPairs(path: string, delimiter?: string): Promise<WordPairs> {
  return parseWordPairs(await readEvalFile(path, 'word pairs'), { delimiter, name: path });
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
  let fromSubwords = 0;
  const subwords = options.subwords ?? true ? vectors.subwords : null;
  for (const pair of data.pairs) {
    const ia = vocab.get(fold(pair.a));
    const ib = vocab.get(fold(pair.b));
    if (ia === undefined || ib === undefined) {
      // As fastText answers: the word as written, from its n-grams when it is not a known word.
      const a = subwords && (ia !== undefined ? vectors.set.row(ia) : subwords.vectorFor(pair.a));
      const b = subwords && (ib !== undefined ? vectors.set.row(ib) : subwords.vectorFor(pair.b));
      if (!a || !b) {
        oov++;
        continue;
      }
      gold.push(pair.score);
      model.push(cosine(a, b));
      fromSubwords++;
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
    fromSubwords,
    skippedLines: data.skippedLines,
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k]! * b[k]!;
    aa += a[k]! * a[k]!;
    bb += b[k]! * b[k]!;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
