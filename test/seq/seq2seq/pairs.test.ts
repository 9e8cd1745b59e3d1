/**
 * Pair files: one source<TAB>target a line; a bad line is refused with its file and line number.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePairs, readPairs } from '../../../src/seq/seq2seq/index.js';

describe('pairs', () => {
  it('reads pairs, skipping blank lines and accepting CRLF', () => {
    expect(parsePairs('a b\tx y\r\n\n  \nc\td\n', 'p.tsv')).toEqual([{ source: 'a b', target: 'x y' }, { source: 'c', target: 'd' }]);
  });

  it('names the file and line of a line without a tab, with three fields, or with an empty side', () => {
    expect(() => parsePairs('a\tb\n\nno tab here\n', 'p.tsv')).toThrow('p.tsv:3: expected a pair, source<TAB>target, found no tab');
    expect(() => parsePairs('a\tb\tc\n', 'p.tsv')).toThrow('p.tsv:1: expected a pair, source<TAB>target, found 3 fields');
    expect(() => parsePairs('a\tb\n \tb\n', 'p.tsv')).toThrow('p.tsv:2: the source (before the tab) is empty');
    expect(() => parsePairs('a\tb\nc\t\n', 'p.tsv')).toThrow('p.tsv:2: the target (after the tab) is empty');
  });

  it('a file: errors carry its path; an empty file is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-pairs-'));
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'one\tuno\ntwo\tdos\nthree tres\n');
    await expect(readPairs(bad)).rejects.toThrow(`${bad}:3: expected a pair`);
    const empty = join(dir, 'empty.tsv');
    writeFileSync(empty, '\n\n');
    await expect(readPairs(empty)).rejects.toThrow(/has no pairs/);
  });
});
