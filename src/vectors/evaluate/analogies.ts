import { WordloomError, checkOption } from '../../errors.js';
import type { KeyedVectors } from '../keyed-vectors.js';
import { cosAddQuery, cosMulScores } from '../analogy-scores.js';
import { TopK } from '../top-k.js';
import { foldedVocabulary } from './folded-vocab.js';
import { readEvalFile } from './read-eval-file.js';

/** One section of an analogy file: `: name` followed by lines "a b c d" (a is to b as c is to d). */
export interface AnalogySection {
  name: string;
  questions: [string, string, string, string][];
}

export interface AnalogyQuestions {
  sections: AnalogySection[];
  /** Lines that were not 4 words (gensim skips them too). */
  skippedLines: number[];
}

export interface AnalogyOptions {
  /** Only the first N rows (most frequent words) answer or are asked about (default 30,000, as word2vec's compute-accuracy). */
  restrictVocab?: number;
  /** Compare words upper-cased; a folded form maps to its most frequent row (default true). */
  caseInsensitive?: boolean;
  /** '3CosAdd' (default; what gensim and compute-accuracy use) or '3CosMul'. */
  method?: '3CosAdd' | '3CosMul';
  /** Called after each section. */
  onSection?: (result: AnalogySectionResult) => void;
}

export interface AccuracyCount {
  correct: number;
  /** Questions whose four words are all in the restricted vocabulary. */
  answered: number;
  /** correct / answered, or NaN when nothing was answered. */
  accuracy: number;
}

export interface AnalogySectionResult extends AccuracyCount {
  section: string;
  /** Sections whose name starts with "gram" are syntactic, the rest semantic. */
  syntactic: boolean;
  /** Questions skipped because a word is outside the restricted vocabulary. */
  oov: number;
}

export interface AnalogyReport {
  sections: AnalogySectionResult[];
  semantic: AccuracyCount;
  syntactic: AccuracyCount;
  /** Over answered questions only: OOV questions are excluded, as in gensim. */
  total: AccuracyCount;
  questions: number;
  oov: number;
  /** oov / questions, as a fraction. */
  oovRatio: number;
  skippedLines: number[];
  restrictVocab: number;
  method: '3CosAdd' | '3CosMul';
}

/** Parses the Google analogy format (any line ends: LF, CRLF or CR, as gensim reads it). `name` is used in messages. */
export function parseAnalogyQuestions(text: string, name: string): AnalogyQuestions {
  const sections: AnalogySection[] = [];
  const skippedLines: number[] = [];
  const lines = text.split(/\r\n?|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(': ')) {
      sections.push({ name: line.replace(/^[: ]+/, '').trim(), questions: [] });
      continue;
    }
    const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) continue;
    const section = sections[sections.length - 1];
    if (section === undefined) {
      throw new WordloomError('EFORMAT', `${name} line ${i + 1}: a question before any ": section" header`);
    }
    if (words.length !== 4) {
      skippedLines.push(i + 1);
      continue;
    }
    section.questions.push(words as [string, string, string, string]);
  }
  if (sections.length === 0) throw new WordloomError('EEMPTY', `${name} has no ": section" header and no questions`);
  return { sections, skippedLines };
}

export async function readAnalogyQuestions(path: string): Promise<AnalogyQuestions> {
  return parseAnalogyQuestions(await readEvalFile(path, 'analogy questions'), path);
}

const ANSWERS_CHECKED = 5;

/**
 * Accuracy on analogy questions with gensim's `evaluate_word_analogies` semantics: words are
 * looked up in the first `restrictVocab` rows (upper-cased); a question with any word outside
 * them counts as OOV and is left out of the accuracies; the answer is the best 3CosAdd match
 * among those rows other than the three question words.
 */
export function evaluateAnalogies(vectors: KeyedVectors, questions: AnalogyQuestions, options: AnalogyOptions = {}): AnalogyReport {
  const restrictVocab = options.restrictVocab ?? 30000;
  checkOption('restrictVocab', restrictVocab, { min: 1, integer: true });
  const caseInsensitive = options.caseInsensitive ?? true;
  const method = options.method ?? '3CosAdd';
  const fold = (w: string) => (caseInsensitive ? w.toUpperCase() : w);
  const vocab = foldedVocabulary(vectors.words, restrictVocab, caseInsensitive);
  const rows = Math.min(restrictVocab, vectors.size);
  const unit = vectors.unit;
  const dim = vectors.dim;
  const query = new Float32Array(dim);
  const heap = new TopK(ANSWERS_CHECKED + 3);
  const product = method === '3CosMul' ? new Float64Array(rows) : null;

  const sections: AnalogySectionResult[] = [];
  let questionCount = 0;
  let oovCount = 0;
  for (const section of questions.sections) {
    const result: AnalogySectionResult = {
      section: section.name,
      syntactic: section.name.startsWith('gram'),
      correct: 0,
      answered: 0,
      accuracy: Number.NaN,
      oov: 0,
    };
    for (const question of section.questions) {
      questionCount++;
      const [a, b, c, expected] = question.map(fold) as [string, string, string, string];
      const ia = vocab.get(a);
      const ib = vocab.get(b);
      const ic = vocab.get(c);
      if (ia === undefined || ib === undefined || ic === undefined || !vocab.has(expected)) {
        result.oov++;
        oovCount++;
        continue;
      }
      heap.clear();
      // b - a + c: the same scorers as KeyedVectors.mostSimilar and mostSimilarCosMul
      const positive = [unit.row(ib), unit.row(ic)];
      const negative = [unit.row(ia)];
      if (product === null) heap.offerAll(unit.scores(cosAddQuery(positive, negative, query), rows), rows);
      else heap.offerAll(cosMulScores(unit, positive, negative, rows, product), rows);
      const ignore = new Set([a, b, c]);
      const excluded = new Set([ia, ib, ic]);
      let predicted: string | undefined;
      let checked = 0;
      for (const id of heap.sorted().ids) {
        if (excluded.has(id)) continue;
        if (checked++ === ANSWERS_CHECKED) break;
        predicted = fold(vectors.words[id]!);
        if (vocab.has(predicted) && !ignore.has(predicted)) break;
      }
      result.answered++;
      if (predicted === expected) result.correct++;
    }
    result.accuracy = result.answered > 0 ? result.correct / result.answered : Number.NaN;
    sections.push(result);
    options.onSection?.(result);
  }
  const sum = (list: AnalogySectionResult[]): AccuracyCount => {
    const correct = list.reduce((s, r) => s + r.correct, 0);
    const answered = list.reduce((s, r) => s + r.answered, 0);
    return { correct, answered, accuracy: answered > 0 ? correct / answered : Number.NaN };
  };
  return {
    sections,
    semantic: sum(sections.filter((s) => !s.syntactic)),
    syntactic: sum(sections.filter((s) => s.syntactic)),
    total: sum(sections),
    questions: questionCount,
    oov: oovCount,
    oovRatio: questionCount > 0 ? oovCount / questionCount : Number.NaN,
    skippedLines: questions.skippedLines,
    restrictVocab,
    method,
  };
}
