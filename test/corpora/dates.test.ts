/**
 * The dates corpus: seeded, every style names the right date, ISO targets, splits share no date.
 */
import { describe, expect, it } from 'vitest';
import { DATE_STYLES, generateDatePairs, splitOfDay, DATE_DAYS } from '../../src/corpora/dates.js';

describe('generateDatePairs', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateDatePairs({ count: 50, seed: 3, split: 'train' });
    expect(generateDatePairs({ count: 50, seed: 3, split: 'train' })).toEqual(a);
    expect(generateDatePairs({ count: 50, seed: 4, split: 'train' })).not.toEqual(a);
    for (const p of a) expect(p.target).toMatch(/^(19[5-9]\d|20[0-4]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
  });

  it('writes 31 January 2001 (a Wednesday) in every style as documented', () => {
    const p = { year: 2001, month: 1, day: 31, weekday: 3 };
    expect(DATE_STYLES.map((s) => s(p))).toEqual([
      '31 January 2001', '31-Jan-2001', 'Wednesday, January 31, 2001', 'jan 31 2001', 'JAN 31, 2001', 'Jan 31, 01', '31.01.2001',
      '31.1.2001', 'the 31st of january, 2001', '31st January 2001', '31/01/2001', '31/1/01', '31-01-2001', '2001/01/31', '20010131',
      '2001.1.31', '31jan2001', 'January 31st, 2001', 'Wed 31 Jan 2001', '31 january 01', 'january 31, 2001', 'the 31st of January 2001',
    ]);
    expect(DATE_STYLES.length).toBeGreaterThanOrEqual(20);
    expect(DATE_STYLES[9]!({ year: 1995, month: 6, day: 12, weekday: 1 })).toBe('12th June 1995');
    expect(DATE_STYLES[9]!({ year: 1995, month: 6, day: 22, weekday: 4 })).toBe('22nd June 1995');
  });

  it('weekdays agree with the calendar', () => {
    for (const p of generateDatePairs({ count: 200, seed: 1, split: 'test', allStyles: true })) {
      const m = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),/.exec(p.source);
      if (!m) continue;
      const [y, mo, d] = p.target.split('-').map(Number) as [number, number, number];
      expect(new Date(Date.UTC(y, mo - 1, d)).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })).toBe(m[1]);
    }
  });

  it('train, validation and test share no date and hence no date string; every pair maps one way', () => {
    const sets = (['train', 'val', 'test'] as const).map((split) => generateDatePairs({ count: 400, seed: 9, split, allStyles: true }));
    const targets = sets.map((s) => new Set(s.map((p) => p.target)));
    const sources = sets.map((s) => new Set(s.map((p) => p.source)));
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) {
      expect([...targets[a]!].filter((t) => targets[b]!.has(t))).toEqual([]);
      expect([...sources[a]!].filter((s) => sources[b]!.has(s))).toEqual([]);
    }
    const meaning = new Map<string, string>();
    const ambiguous: string[] = [];
    for (const p of sets.flat()) {
      if ((meaning.get(p.source) ?? p.target) !== p.target) ambiguous.push(p.source);
      meaning.set(p.source, p.target);
    }
    expect(ambiguous).toEqual([]);
    const counts = { train: 0, val: 0, test: 0 };
    for (let d = 0; d < DATE_DAYS; d++) counts[splitOfDay(d)]++;
    expect(counts.train / DATE_DAYS).toBeCloseTo(0.8, 1);
  });
});
