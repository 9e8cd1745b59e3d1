/** Labelled files: the three layouts, and bad files rejected with the file and line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classIndices, labelSetOf, parseLabelledText, readLabelledFile } from '../../../src/seq/classify/index.js';
import { WordloomError } from '../../../src/errors.js';

function failure(fn: () => unknown): WordloomError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WordloomError);
    return err as WordloomError;
  }
  throw new Error('expected an error');
}

describe('labelled files', () => {
  it('reads label<TAB>text, label text and __label__ lines, skipping blank lines', () => {
    const tab = parseLabelledText('sports news\tthe match was won\n\nweather\train again today\r\n', 'a.tsv');
    expect(tab.layout).toBe('tab');
    expect(tab.examples).toEqual([
      { label: 'sports news', text: 'the match was won', line: 1 },
      { label: 'weather', text: 'rain again today', line: 3 },
    ]);
    const space = parseLabelledText('1 a stirring , funny film\n0 apparently reassembled\n', 'sst.txt');
    expect(space.layout).toBe('space');
    expect(space.examples.map((e) => [e.label, e.text])).toEqual([['1', 'a stirring , funny film'], ['0', 'apparently reassembled']]);
    const ft = parseLabelledText('__label__pos great fun\n__label__neg  dull\n', 'f.txt');
    expect(ft.layout).toBe('fasttext');
    expect(ft.examples.map((e) => [e.label, e.text])).toEqual([['pos', 'great fun'], ['neg', 'dull']]);
  });

  it('orders classes numerically for numbers, else by code point, and maps labels to them', () => {
    const set = parseLabelledText('10 a\n2 b\n1 c\n2 d\n', 'n.txt');
    expect(labelSetOf(set)).toEqual(['1', '2', '10']);
    expect(Array.from(classIndices(set, labelSetOf(set)))).toEqual([2, 1, 0, 1]);
    expect(labelSetOf(parseLabelledText('b x\nB y\na z\n', 's.txt'))).toEqual(['B', 'a', 'b']);
  });

  it('rejects bad lines with the file and line number', () => {
    expect(failure(() => parseLabelledText('pos\tgood\nneg bad\n', 'x.tsv')).message).toMatch(/^x\.tsv:2: expected label<TAB>text/);
    expect(failure(() => parseLabelledText('1 fine\n\n0\n', 'y.txt')).message).toBe('y.txt:3: label "0" has no text after it');
    expect(failure(() => parseLabelledText('__label__a x\n__label__a __label__b y\n', 'z.txt')).message).toMatch(/^z\.txt:2: 2 labels .* one label a line/);
    expect(failure(() => parseLabelledText('__label__a x\nb y\n', 'w.txt')).message).toMatch(/^w\.txt:2: expected a line starting with __label__/);
    expect(failure(() => parseLabelledText('pos\t\n', 'v.tsv')).message).toBe('v.tsv:1: label "pos" has no text after it');
    expect(failure(() => parseLabelledText('\n \n', 'e.txt')).code).toBe('EEMPTY');
    const test = parseLabelledText('pos good\nmaybe so-so\n', 't.txt');
    const e = failure(() => classIndices(test, ['neg', 'pos']));
    expect(e.message).toBe('t.txt:2: label "maybe" is not one of the model\'s classes (neg, pos)');
  });

  it('reads files (gzip detected by content) and names a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordloom-labels-'));
    const path = join(dir, 'train.txt');
    writeFileSync(path, '\ufeff1 good\n0 bad\n');
    const set = await readLabelledFile(path);
    expect(set.examples.map((e) => e.label)).toEqual(['1', '0']);
    await expect(readLabelledFile(join(dir, 'missing.txt'))).rejects.toThrow(/missing\.txt/);
  });
});
