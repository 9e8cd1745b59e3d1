import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parsePairList,
  parseWordList,
  probeLabel,
  readPairList,
  readWordList,
} from '../../../src/vectors/debias/index.js';
import { CaseFoldedWords, resolveAllRows, resolveEqualizePairs, resolvePairs, resolveWords } from '../../../src/vectors/debias/lookup.js';
import { useTempFolder } from '../../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

describe('word lists', () => {
  it('reads JSON arrays of words, of professions ([word, x, y]) and of pairs', () => {
    expect(parseWordList('["he", "His", "Catholic_priest"]', 'f')).toEqual(['he', 'His', 'Catholic_priest']);
    expect(parseWordList('\uFEFF  [["accountant", 0.0, 0.4], ["actor", 0.8, 0.0]]', 'f')).toEqual(['accountant', 'actor']);
    expect(parsePairList('[["woman", "man"], ["Mary", "John"]]', 'f')).toEqual([['woman', 'man'], ['Mary', 'John']]);
  });

  it('reads one word (or pair) per line, skipping blank and # lines and, for words, anything after the first field', () => {
    expect(parseWordList('# professions\nnurse\n\n  doctor\t12\r\nengineer 7\n', 'f')).toEqual(['nurse', 'doctor', 'engineer']);
    expect(parsePairList('she he\n# comment\nwoman\tman\r\n', 'f')).toEqual([['she', 'he'], ['woman', 'man']]);
  });

  it('names the file and the entry or line that is wrong', () => {
    expect(() => parsePairList('she he\nwoman man girl\n', 'pairs.txt')).toThrow('pairs.txt line 2: expected two words separated by a space or tab, got 3');
    expect(() => parsePairList('[["she", "he"], ["woman"]]', 'p.json')).toThrow('p.json: entry 2 is ["woman"], expected a pair of words like ["she", "he"]');
    expect(() => parseWordList('["he", 3]', 'w.json')).toThrow('w.json: entry 2 is 3, expected a word or an array starting with a word');
    expect(() => parseWordList('["he",', 'w.json')).toThrow(/^w\.json starts with "\[" but is not valid JSON/);
    expect(() => parseWordList('[', 'w.json')).toThrow(expect.objectContaining({ code: 'EFORMAT' }));
  });

  it('reads files, plain or gzip, and refuses empty or missing ones', async () => {
    writeFileSync(tmp.path('w.json.gz'), gzipSync('["nurse", "doctor"]'));
    writeFileSync(tmp.path('pairs.txt'), 'she he\n');
    writeFileSync(tmp.path('empty.txt'), '# nothing\n\n');
    expect(await readWordList(tmp.path('w.json.gz'))).toEqual(['nurse', 'doctor']);
    expect(await readPairList(tmp.path('pairs.txt'))).toEqual([['she', 'he']]);
    await expect(readWordList(tmp.path('empty.txt'))).rejects.toMatchObject({ code: 'EEMPTY', message: `${tmp.path('empty.txt')} lists no words` });
    await expect(readPairList(tmp.path('nope.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('labels probes', () => {
    expect(probeLabel({ positive: ['king', 'woman'], negative: ['man'] })).toBe('man:king::woman:?');
    expect(probeLabel({ positive: ['a', 'b', 'c'], negative: ['d'] })).toBe('a + b + c - d');
  });

  const DEBIAS = new URL('../../../../shared/data/debias/', import.meta.url).pathname;
  it.skipIf(!existsSync(DEBIAS))('reads the debiaswe lists in ../shared/data/debias', async () => {
    expect((await readPairList(`${DEBIAS}definitional_pairs.json`))[0]).toEqual(['woman', 'man']);
    expect((await readPairList(`${DEBIAS}equalize_pairs.json`)).length).toBe(52);
    expect((await readWordList(`${DEBIAS}gender_specific_full.json`)).length).toBe(1441);
    expect((await readWordList(`${DEBIAS}professions.json`)).slice(0, 2)).toEqual(['accountant', 'acquaintance']);
  });
});

describe('case-insensitive matching', () => {
  const words = ['he', 'He', 'she', 'HE', 'She', 'nurse', 'King', 'queen', 'Queen', 'man', 'woman', 'men', 'women'];
  const lookup = new CaseFoldedWords(words);

  it('a word stands for all its spellings; one row is the most frequent', () => {
    expect(lookup.rowsOf('hE')).toEqual([0, 1, 3]);
    expect(lookup.first('SHE')).toBe(2);
    expect(lookup.first('doctor')).toBe(-1);
    expect(resolveWords(lookup, ['Nurse', 'nurse', 'doctor', 'king', 'doctor'])).toEqual({ rows: [5, 6], missing: ['doctor'] });
    const all = resolveAllRows(lookup, ['he', 'queen', 'beard']);
    expect([...all.rows].sort((a, b) => a - b)).toEqual([0, 1, 3, 7, 8]);
    expect(all.missing).toEqual(['beard']);
    expect(resolvePairs(lookup, [['She', 'he'], ['queen', 'king'], ['gal', 'guy'], ['he', 'HE']])).toEqual({
      rows: [[2, 0], [7, 6]],
      missing: ['gal/guy', 'he/HE'],
    });
  });

  it('equalize pairs are taken as written and in lower, Title and UPPER case, each row pair once', () => {
    const r = resolveEqualizePairs(words, [['she', 'he'], ['He', 'She'], ['queen', 'KING'], ['gal', 'guy'], ['woman', 'man'], ['women', 'man']]);
    // she/he, She/He, SHE/HE (no SHE); queen/king: only Queen/King; women/man conflicts with woman/man.
    expect(r.rows).toEqual([[2, 0], [4, 1], [8, 6], [10, 9]]);
    expect(r.missing).toEqual(['gal/guy']);
    expect(r.conflicts).toEqual(['women/man']);
  });
});
