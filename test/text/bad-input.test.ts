import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WordloomError } from '../../src/errors.js';
import { buildVocabulary, encodeCorpus, readCorpusLines } from '../../src/text/corpus.js';
import { Vocabulary } from '../../src/text/vocabulary.js';
import { collect, collectIds, useTempDir, writeFixture } from './fixtures.js';

const tempDir = useTempDir();

/** The WordloomError a corpus read fails with. */
async function failure(path: string): Promise<WordloomError> {
  try {
    await buildVocabulary(path);
  } catch (err) {
    expect(err).toBeInstanceOf(WordloomError);
    return err as WordloomError;
  }
  throw new Error(`expected ${path} to be rejected`);
}

describe('bad corpus input', () => {
  it('a missing path', async () => {
    const path = join(tempDir(), 'nope.txt');
    const err = await failure(path);
    expect(err.code).toBe('ENOENT');
    expect(err.message).toBe(`${path}: no such file or directory`);
  });

  it('an empty file, and a file of only whitespace', async () => {
    const empty = writeFixture(tempDir(), 'empty.txt', '');
    expect((await failure(empty)).message).toBe(`${empty}: empty file; expected text`);
    const blank = writeFixture(tempDir(), 'blank.txt', ' \n\t\n');
    const err = await failure(blank);
    expect(err.code).toBe('EEMPTY');
    expect(err.message).toBe(`${blank}: no tokens found (only whitespace)`);
  });

  it('a directory without text files', async () => {
    const dir = join(tempDir(), 'corpus');
    writeFixture(dir, 'README', 'about\n');
    writeFixture(dir, 'model.bin.json', '{}');
    writeFixture(dir, '.hidden.txt', 'x\n');
    mkdirSync(join(dir, 'sub'));
    const err = await failure(dir);
    expect(err.code).toBe('EEMPTY');
    expect(err.message).toBe(`${dir}: directory contains no text files (expected *.txt, *.gz or files without extension)`);
  });

  it('empty files inside a directory are skipped with a warning', async () => {
    const dir = join(tempDir(), 'corpus');
    const empty = writeFixture(dir, 'a.txt', '');
    writeFixture(dir, 'b.txt', 'x y\n');
    const warnings: string[] = [];
    const vocab = await buildVocabulary(dir, { onWarning: (m) => warnings.push(m) });
    expect(vocab.totalTokens).toBe(2);
    expect(warnings).toEqual([`${empty}: empty file, skipped`]);
  });

  it('binary input (a NUL byte), also inside .gz and on every read path', async () => {
    const bytes = Buffer.concat([Buffer.from('some words '), Buffer.from([0x00, 0x01, 0x02]), Buffer.from(' more\n')]);
    const plain = writeFixture(tempDir(), 'image.txt', bytes);
    const err = await failure(plain);
    expect(err.code).toBe('EBINARY');
    expect(err.message).toBe(`${plain}: binary data (NUL byte at offset 11); expected UTF-8 text`);
    const gz = writeFixture(tempDir(), 'image.txt.gz', bytes, true);
    expect((await failure(gz)).message).toBe(`${gz}: binary data (NUL byte at offset 11 after decompression); expected UTF-8 text`);
    await expect(collect(readCorpusLines(plain))).rejects.toThrow(`${plain}: binary data`);
    await expect(collectIds(encodeCorpus(plain, Vocabulary.fromCounts([])))).rejects.toThrow(`${plain}: binary data`);
  });

  it('invalid UTF-8 is replaced and the number of bytes reported, per file', async () => {
    // 0xff is never valid; 0xe2 0x82 is a truncated 3-byte sequence (2 bytes); 0xc3 0xa9 is a valid é
    const bytes = Buffer.concat([
      Buffer.from('caf'), Buffer.from([0xc3, 0xa9]), Buffer.from(' bad'), Buffer.from([0xff]),
      Buffer.from(' x\nbad'), Buffer.from([0xff]), Buffer.from(' cut'), Buffer.from([0xe2, 0x82]), Buffer.from('\n'),
    ]);
    const path = writeFixture(tempDir(), 'latin.txt', bytes);
    for (const tokenizer of ['whitespace', 'english'] as const) {
      const warnings: string[] = [];
      const vocab = await buildVocabulary(path, { tokenizer, onWarning: (m) => warnings.push(m) });
      expect(warnings).toEqual([`${path}: replaced 4 invalid UTF-8 bytes with U+FFFD`]);
      expect(vocab.has('café')).toBe(true);
      if (tokenizer === 'whitespace') {
        expect(vocab.count(vocab.id('bad\ufffd'))).toBe(2);
        expect(vocab.has('cut\ufffd')).toBe(true); // one U+FFFD for the 2-byte maximal subpart
      } else {
        expect(vocab.count(vocab.id('\ufffd'))).toBe(3); // not a letter: a token of its own
      }
    }
    const warnings: string[] = [];
    await collect(readCorpusLines(path, { onWarning: (m) => warnings.push(m) }));
    expect(warnings).toEqual([`${path}: replaced 4 invalid UTF-8 bytes with U+FFFD`]);
  });

  it('an unreadable .gz: not gzip, or truncated', async () => {
    const fake = writeFixture(tempDir(), 'fake.txt.gz', 'plain text, not gzip\n');
    const err = await failure(fake);
    expect(err.code).toBe('EGZIP');
    expect(err.message).toBe(`${fake}: cannot decompress gzip data (incorrect header check); the file is not gzip or is truncated`);
    const whole = writeFixture(tempDir(), 'whole.gz', 'word '.repeat(50_000), true);
    const { readFileSync } = await import('node:fs');
    const truncated = writeFixture(tempDir(), 'cut.gz', readFileSync(whole).subarray(0, 200));
    expect((await failure(truncated)).message).toBe(
      `${truncated}: cannot decompress gzip data (unexpected end of file); the file is not gzip or is truncated`,
    );
  });

  it('an unreadable file', async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const path = writeFixture(tempDir(), 'secret.txt', 'a b\n');
    chmodSync(path, 0o000);
    const err = await failure(path);
    expect(err.code).toBe('EIO');
    expect(err.message).toBe(`${path}: permission denied`);
  });
});
