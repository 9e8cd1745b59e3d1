import { describe, expect, it } from 'vitest';
import { classificationReport } from '../../../src/seq/metrics/index.js';

describe('classificationReport', () => {
  it('gives accuracy, per-class precision, recall and F1, macro-F1 and the confusion matrix', () => {
    // gold:      a a a b b c
    // predicted: a a b b c c
    const r = classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ['a', 'b', 'c']);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.confusion).toEqual([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    const [a, b, c] = r.perClass;
    expect([a!.precision, a!.recall, a!.support]).toEqual([1, 2 / 3, 3]);
    expect([b!.precision, b!.recall]).toEqual([0.5, 0.5]);
    expect([c!.precision, c!.recall]).toEqual([0.5, 1]);
    expect(a!.f1).toBeCloseTo(0.8, 12);
    expect(r.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('scores a class never predicted or absent as 0, not NaN', () => {
    const r = classificationReport([0, 0], [0, 0], ['x', 'y']);
    expect(r.perClass[1]).toEqual({ label: 'y', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.accuracy).toBe(1);
    expect(r.macroF1).toBe(0.5);
  });
});
