import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  evaluateAnalogies,
  evaluateWordPairs,
  parseAnalogyQuestions,
  parseWordPairs,
  pearson,
  readAnalogyQuestions,
  spearman,
} from '../../src/vectors/evaluate/index.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { seededGaussian } from './fixtures.js';
import { useTempFolder } from '../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

/**
 * Words built so that every analogy is exact: each "b" word is its "a" word plus a relation
 * vector (capital -> country, adjective -> comparative), all other directions random.
 */
function analogyWorld(): KeyedVectors {
  const dim = 40;
  const g = seededGaussian(31);
  const random = () => Array.from({ length: dim }, g);
  const capitalOf = random();
  const comparative = random();
  const words: string[] = [];
  const rows: number[][] = [];
  const add = (word: string, v: number[]) => {
    words.push(word);
    rows.push(v);
  };
  for (const [city, country] of [['athens', 'greece'], ['paris', 'france'], ['rome', 'italy'], ['berlin', 'germany']]) {
    const base = random();
    add(city, base);
    add(country, base.map((x, i) => x + capitalOf[i]!));
  }
  for (const [adj, comp] of [['big', 'bigger'], ['small', 'smaller'], ['fast', 'faster']]) {
    const base = random();
    add(adj, base);
    add(comp, base.map((x, i) => x + comparative[i]!));
  }
  for (let i = 0; i < 20; i++) add(`filler${i}`, random());
  // A cased duplicate after its lower-case form: case folding must keep the first (most frequent).
  add('Paris', random());
  // Last row: outside a restrictVocab of size - 1.
  add('slow', random());
  return new KeyedVectors(new VectorSet(words, Float32Array.from(rows.flat()), dim));
}

const QUESTIONS = [
  ': capital-common-countries',
  'Athens Greece Paris France',
  'Athens Greece Rome Italy',
  'Paris France Berlin Italy', // wrong expectation: the answer is Germany
  'Athens Greece Atlantis Nowhere', // OOV
  ': gram3-comparative',
  'big bigger small smaller',
  'small smaller fast faster',
  'slow slower big bigger', // slow is outside the restricted vocabulary
  'big bigger small', // not 4 words: skipped
  '',
].join('\n');

describe('evaluateAnalogies', () => {
  const world = analogyWorld();
  const questions = parseAnalogyQuestions(QUESTIONS, 'q.txt');

  it('counts per section, semantic/syntactic, total and OOV like gensim', () => {
    const report = evaluateAnalogies(world, questions, { restrictVocab: world.size - 1 });
    expect(report.sections.map((s) => [s.section, s.syntactic, s.correct, s.answered, s.oov])).toEqual([
      ['capital-common-countries', false, 2, 3, 1],
      ['gram3-comparative', true, 2, 2, 1],
    ]);
    expect(report.semantic).toEqual({ correct: 2, answered: 3, accuracy: 2 / 3 });
    expect(report.syntactic).toEqual({ correct: 2, answered: 2, accuracy: 1 });
    expect(report.total).toEqual({ correct: 4, answered: 5, accuracy: 0.8 });
    expect(report.questions).toBe(7);
    expect(report.oov).toBe(2);
    expect(report.oovRatio).toBeCloseTo(2 / 7, 12);
    expect(report.skippedLines).toEqual([10]);
  });

  it('gives the same answers with 3CosMul on exact analogies', () => {
    const report = evaluateAnalogies(world, questions, { restrictVocab: world.size - 1, method: '3CosMul' });
    expect(report.total).toEqual({ correct: 4, answered: 5, accuracy: 0.8 });
  });

  it('treats every question as OOV when case-sensitive and the cases differ', () => {
    const report = evaluateAnalogies(world, questions, { caseInsensitive: false });
    // only the all-lower-case comparative questions remain (slow is inside the default 30,000)
    expect(report.total.answered).toBe(2);
    expect(report.oov).toBe(5);
  });

  it('reads CR and CRLF line ends as gensim does', () => {
    const lf = parseAnalogyQuestions(QUESTIONS, 'q.txt');
    expect(parseAnalogyQuestions(QUESTIONS.replace(/\n/g, '\r'), 'cr.txt')).toEqual(lf);
    expect(parseAnalogyQuestions(QUESTIONS.replace(/\n/g, '\r\n'), 'crlf.txt')).toEqual(lf);
  });

  it('rejects a question before any section and reads files', async () => {
    expect(() => parseAnalogyQuestions('a b c d\n', 'bad.txt')).toThrow('bad.txt line 1: a question before any ": section" header');
    writeFileSync(tmp.path('q.txt'), QUESTIONS);
    expect((await readAnalogyQuestions(tmp.path('q.txt'))).sections.length).toBe(2);
    await expect(readAnalogyQuestions(tmp.path('none.txt'))).rejects.toThrow(`${tmp.path('none.txt')}: no such file or directory`);
  });
});

describe('correlation', () => {
  it('computes Spearman with average ranks for ties (hand-computed)', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(averageRanks([3, 1, 3, 3]))).toEqual([3, 1, 3, 3]);
    // ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]: 4.5 / sqrt(4.5 * 5)
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
  });

  it('computes Pearson and is NaN for a constant sample', () => {
    // x = [1, 2, 3], y = [2, 4, 7]: sxy = 5, sxx = 2, syy = 12.667
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt(2 * (38 / 3)), 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('evaluateWordPairs', () => {
  const set = new VectorSet(
    ['a', 'b', 'c', 'd', 'e'],
    Float32Array.from([1, 0, 0.8, 0.6, 0, 1, -1, 0.1, 0.6, 0.8]),
    2,
  );
  const kv = new KeyedVectors(set);
  const text = ['# comment', 'A\tB\t9', 'a\tc\t2', 'b\tc\t5', 'c\td\t1', 'a\tzzz\t3', 'bad line', 'a\te\t7.5', ''].join('\n');

  it('skips comments, malformed lines and OOV pairs, and reports the OOV ratio', () => {
    const data = parseWordPairs(text);
    expect(data.pairs.length).toBe(6);
    expect(data.skippedLines).toEqual([7]);
    const report = evaluateWordPairs(kv, data);
    expect(report.pairs).toBe(5);
    expect(report.oov).toBe(1);
    expect(report.oovRatio).toBeCloseTo(1 / 6, 12);
    const gold = [9, 2, 5, 1, 7.5];
    const model = [['a', 'b'], ['a', 'c'], ['b', 'c'], ['c', 'd'], ['a', 'e']].map(([x, y]) => kv.similarity(x!, y!));
    expect(report.spearman).toBeCloseTo(spearman(gold, model), 12);
    expect(report.pearson).toBeCloseTo(pearson(gold, model), 12);
  });

  it('restricts the known words to the first N', () => {
    const report = evaluateWordPairs(kv, parseWordPairs(text), { restrictVocab: 4 });
    expect(report.oov).toBe(2);
  });

  it('5: reads what gensim reads: spaces, CR-only and CRLF line ends; wrong field counts are skipped', () => {
    const expected = [
      { a: 'a', b: 'b', score: 9 },
      { a: 'a', b: 'c', score: 2 },
      { a: 'b', b: 'c', score: 5.5 },
    ];
    for (const sep of ['\n', '\r\n', '\r']) {
      for (const delim of ['\t', ' ', '  \t ']) {
        const data = parseWordPairs(['a', 'b', '9'].join(delim) + sep + ['a', 'c', '2'].join(delim) + sep + ['b', 'c', '5.5'].join(delim) + sep + 'a b' + sep);
        expect(data.pairs.map(({ a, b, score }) => ({ a, b, score })), JSON.stringify([sep, delim])).toEqual(expected);
        expect(data.skippedLines).toEqual([4]);
      }
    }
    // a tab file keeps spaces inside its fields; a score must be a plain number
    const tabbed = parseWordPairs('new york\tcity\t7\nx\ty\t0x10\nx\ty\tInfinity\nx\ty\t1e999\nx\ty\t\n');
    expect(tabbed.pairs.map((p) => p.a)).toEqual(['new york']);
    expect(tabbed.skippedLines).toEqual([2, 3, 4, 5]);
  });

  it('5: a file without a single pair is an error that says what a line should be', () => {
    expect(() => parseWordPairs('a b c d\n# comment\nx;y;1\n', { name: 'pairs.txt' })).toThrow(
      'pairs.txt: no word pairs found; expected lines "word<TAB>word<TAB>score" (2 lines were not pairs, the first (line 1) is "a b c d")',
    );
    expect(() => parseWordPairs('', { name: 'empty.txt' })).toThrow('empty.txt: no word pairs found; expected lines "word<TAB>word<TAB>score" (the file has no lines)');
    expect(() => parseWordPairs('x;y;1\n', ';')).not.toThrow();
  });
});

