import { describe, expect, it } from 'vitest';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { VectorSet } from '../../../src/vectors/vector-set.js';
import { parseAnalogyQuestions } from '../../../src/vectors/evaluate/analogies.js';
import { evaluateWordPairs, parseWordPairs } from '../../../src/vectors/evaluate/word-pairs.js';
import { debiasWithReport, measureBias, reportBias } from '../../../src/vectors/debias/index.js';
import { plantedBias } from './fixtures.js';

/** she/he differ only along x, so the direction is (1, 0, 0). */
const rows: [string, number[]][] = [
  ['she', [1, 0, 1]],
  ['he', [-1, 0, 1]],
  ['nurse', [3, 4, 0]],
  ['boss', [-1, 0, 1]],
  ['cook', [0, 0, 2]],
  ['Actress', [2, 0, 0.5]],
];
const small = new VectorSet(rows.map((r) => r[0]), Float32Array.from(rows.flatMap((r) => r[1])), 3);
const X = Float64Array.from([1, 0, 0]);

describe('measureBias', () => {
  it('direct bias is the mean |cos(w, g)| over the neutral words found, and the poles rank them', () => {
    const m = measureBias(new KeyedVectors(small), X, { neutral: ['nurse', 'BOSS', 'cook', 'actress', 'doctor'], exclude: ['actress'], probes: [] });
    expect(m.metrics.neutralWords).toBe(3);
    expect(m.metrics.directBias).toBeCloseTo((0.6 + Math.SQRT1_2 + 0) / 3, 6);
    expect(m.metrics.poles.positive.map((p) => p.word)).toEqual(['nurse', 'cook', 'boss']);
    expect(m.metrics.poles.negative.map((p) => p.word)).toEqual(['boss', 'cook', 'nurse']);
    expect(m.metrics.poles.positive[0]!.cosine).toBeCloseTo(0.6, 6);
    expect(m.missing.neutral).toEqual(['doctor']);
    expect(m.excluded).toEqual(['Actress']);
    const top1 = measureBias(new KeyedVectors(small), X, { neutral: ['nurse', 'boss', 'cook'], topn: 1, probes: [] });
    expect(top1.metrics.poles).toEqual({ positive: [top1.metrics.poles.positive[0]], negative: [top1.metrics.poles.negative[0]] });
    expect(measureBias(new KeyedVectors(small), X, { neutral: ['doctor'], probes: [] }).metrics.directBias).toBeNaN();
  });

  it('answers probes with 3CosAdd, spelling words as the vocabulary does, and skips probes with unknown words', () => {
    const kv = new KeyedVectors(small);
    const m = measureBias(kv, X, {
      neutral: [],
      probes: [{ positive: ['nurse', 'He'], negative: ['she'] }, { positive: ['doctor', 'he'], negative: ['she'] }],
      probeTopn: 2,
    });
    expect(m.metrics.probes).toEqual([
      { query: 'she:nurse::he:?', positive: ['nurse', 'he'], negative: ['she'], answers: kv.mostSimilar({ positive: ['nurse', 'he'], negative: ['she'], topn: 2 }) },
    ]);
    expect(m.missing.probes).toEqual(['she:doctor::he:?']);
  });

  it('evaluates analogies and word pairs when given, as the evaluate module does', () => {
    const questions = parseAnalogyQuestions(': x\nshe he nurse boss\nshe he cook boss\n: gram-y\nhe she boss nurse\n', 'q');
    const pairs = parseWordPairs('nurse\tcook\t3\nshe\the\t5\nboss\tcook\t1\nnurse\tdoctor\t2\n');
    const kv = new KeyedVectors(small);
    const m = measureBias(kv, X, { probes: [], analogies: questions, wordPairs: [{ name: 'p.txt', pairs }] }).metrics;
    expect(m.analogies!.questions).toBe(3);
    expect(m.analogies!.sections.map((s) => s.section)).toEqual(['x', 'gram-y']);
    expect(m.analogies!.total.answered).toBe(3);
    const ws = evaluateWordPairs(kv, pairs);
    expect(m.similarity).toEqual([{ name: 'p.txt', spearman: ws.spearman, pearson: ws.pearson, pairs: 3, oov: 1 }]);
  });
});

describe('reports', () => {
  const planted = plantedBias();

  it('reportBias measures without changing anything, leaving definitional and specific words out of the neutral ones', () => {
    const copy = planted.set.vectors.slice();
    const r = reportBias(planted.set, {
      definitional: planted.definitional,
      specific: planted.specific,
      neutral: [...planted.neutral, 'actress', 'she', 'plumber'],
      probes: [],
    });
    expect(planted.set.vectors).toEqual(copy);
    expect(r.neutral).toEqual({ measured: planted.neutral.length, excluded: ['actress', 'she'] });
    expect(r.missing).toEqual({ definitional: [], neutral: ['plumber'], specific: [], probes: [] });
    expect(r.metrics.directBias).toBeGreaterThan(0.1);
    expect(r.direction.method).toBe('pca');
  });

  it('debiasWithReport: direct bias to zero, poles flattened, equalized pairs symmetric, quality measured before and after', () => {
    const questions = parseAnalogyQuestions(': family\nhe she king queen\nhis her brother sister\nman woman uncle aunt\n', 'q');
    const logs: string[] = [];
    const r = debiasWithReport(planted.set, {
      definitional: planted.definitional,
      equalize: planted.equalize,
      specific: planted.specific,
      neutral: planted.neutral,
      probes: [{ positive: ['king', 'woman'], negative: ['man'] }],
      analogies: questions,
      onLog: (m) => logs.push(m),
    });
    expect(r.counts).toEqual({ words: planted.set.size, neutralized: planted.neutral.length, specific: 24, equalized: 4 });
    expect(r.before.directBias).toBeGreaterThan(0.1);
    expect(r.after.directBias).toBeLessThan(1e-6);
    expect(r.before.neutralWords).toBe(r.after.neutralWords);
    for (const p of [...r.poles.positive, ...r.poles.negative]) expect(Math.abs(p.after)).toBeLessThan(1e-6);
    expect(r.poles.positive.map((p) => p.word)).toEqual(r.before.poles.positive.map((p) => p.word));
    expect(r.poles.positive[0]!.before).toBeGreaterThan(0.2);
    expect(r.poles.negative[0]!.before).toBeLessThan(-0.2);
    expect(r.symmetry.symmetric).toBe(true);
    expect(r.before.analogies!.total.answered).toBe(3);
    expect(r.after.analogies!.total.answered).toBe(3);
    expect(r.after.probes[0]!.answers[0]!.word).toBe('queen');
    expect(logs).toEqual([
      'finding the bias direction and debiasing',
      'measuring the input vectors (with analogies)',
      'measuring the debiased vectors (with analogies)',
    ]);
  });
});
