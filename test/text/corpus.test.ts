import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteTokenScanner, LINE_END } from '../../src/text/byte-token-scanner.js';
import { fnv1a } from '../../src/text/byte-type-table.js';
import {
  buildVocabulary,
  corpusSize,
  defaultCorpusPath,
  encodeCorpus,
  readCorpusLines,
} from '../../src/text/corpus.js';
import { listCorpusFiles } from '../../src/text/corpus-files.js';
import { readLineSegments } from '../../src/text/line-reader.js';
import { tokenizeWhitespace } from '../../src/text/tokenizer.js';
import { Vocabulary } from '../../src/text/vocabulary.js';
import { collect, collectIds, randomWords, seededRandom, useTempDir, writeFixture } from './fixtures.js';

const tempDir = useTempDir();
const EOS = Vocabulary.EOS;

/** What a correct reader must produce: tokens of each non-empty line, then EOS. */
function expectedIds(vocab: Vocabulary, text: string): number[] {
  const ids: number[] = [];
  for (const line of text.split('\n')) {
    const tokens = tokenizeWhitespace(line);
    if (tokens.length === 0) continue;
    ids.push(...vocab.encode(tokens), EOS);
  }
  return ids;
}

function randomText(words: number, seed: number): string {
  const random = seededRandom(seed + 1);
  const separators = [' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\n\n', ' \n '];
  return randomWords(words, seed)
    .map((w) => w + separators[Math.floor(random() * separators.length)])
    .join('');
}

describe('ByteTokenScanner', () => {
  it('gives the same tokens and line ends whatever the chunk boundaries', () => {
    const text = `  ${randomText(3000, 7)}last`;
    const bytes = Buffer.from(text, 'utf8');
    const expected: string[] = [];
    for (const line of text.split('\n')) {
      const tokens = tokenizeWhitespace(line);
      if (tokens.length > 0) expected.push(...tokens, '\n');
    }
    for (const chunkSize of [1, 2, 3, 7, 64, 1000, bytes.length]) {
      const scanner = new ByteTokenScanner(() => undefined);
      const words = (ids: Int32Array, count: number) =>
        Array.from(ids.subarray(0, count), (t) =>
          t === LINE_END ? '\n' : Buffer.from(scanner.table.keyBytes(t)).toString('utf8'),
        );
      const got: string[] = [];
      for (let at = 0; at < bytes.length; at += chunkSize) {
        const count = scanner.scan(bytes.subarray(at, at + chunkSize));
        got.push(...words(scanner.ids, count));
      }
      const count = scanner.finish();
      got.push(...words(scanner.ids, count));
      expect(got).toEqual(expected);
      expect(scanner.tokens).toBe(expected.filter((t) => t !== '\n').length);
    }
  });

  it('keeps apart tokens with the same hash, length and last 4 bytes', () => {
    // an FNV-1a collision found by search: only the byte compare of the heads tells them apart
    const [a, b] = ['glbvstail', 'yacxatail'];
    expect(fnv1a(Buffer.from(a), 0, a.length)).toBe(fnv1a(Buffer.from(b), 0, b.length));
    const scanner = new ByteTokenScanner(() => undefined);
    const count = scanner.scan(Buffer.from(`${a} ${b} ${a} ${b} ${b}\n`));
    expect(Array.from(scanner.ids.subarray(0, count))).toEqual([0, 1, 0, 1, 1, LINE_END]);
    expect(Array.from(scanner.counts.subarray(0, 2))).toEqual([2, 3]);
  });

  it('cuts an over-long token at a UTF-8 boundary and counts it', () => {
    const scanner = new ByteTokenScanner(() => undefined, { maxTokenBytes: 5 });
    const count = scanner.scan(Buffer.from('abcdé1234 ok ', 'utf8'));
    const tokens = Array.from(scanner.ids.subarray(0, count), (t) => Buffer.from(scanner.table.keyBytes(t)).toString());
    expect(tokens).toEqual(['abcd', 'ok']);
    expect(scanner.truncatedTokens).toBe(1);
  });
});

describe('readLineSegments', () => {
  it('cuts long lines at whitespace without ending them, and counts invalid UTF-8', async () => {
    const text = `${randomText(400, 9).replace(/\n/g, ' ')}\nshort line\n${'x'.repeat(120)} tail`;
    const bytes = Buffer.from(text, 'utf8');
    const chunks = async function* () {
      for (let at = 0; at < bytes.length; at += 13) yield bytes.subarray(at, at + 13);
    };
    let invalid = 0;
    const segments = await collect(readLineSegments(chunks(), (n) => (invalid += n), 50));
    for (const { text: piece } of segments) expect(piece.length).toBeLessThanOrEqual(50);
    const lines: string[] = [''];
    for (const { text: piece, lineEnd } of segments) {
      lines[lines.length - 1] += piece;
      if (lineEnd) lines.push('');
    }
    lines.pop();
    expect(lines).toEqual(text.split('\n'));
    expect(invalid).toBe(0);

    const damaged = Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xc3]), Buffer.from(' é\n')]);
    const out = await collect(readLineSegments([damaged], (n) => (invalid += n)));
    expect(out).toEqual([{ text: 'ok \ufffd\ufffd é', lineEnd: true }]);
    expect(invalid).toBe(2);
  });
});

describe('buildVocabulary and encodeCorpus', () => {
  it('count tokens and sentences of a file', async () => {
    const path = writeFixture(tempDir(), 'c.txt', 'the cat sat\n\n  \nthe dog\nthe end');
    const vocab = await buildVocabulary(path);
    expect(vocab.wordList()).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'the', 'cat', 'sat', 'dog', 'end']);
    expect(vocab.count(vocab.id('the'))).toBe(3);
    expect(vocab.count(EOS)).toBe(3);
    expect(vocab.totalTokens).toBe(7);
    expect(await collectIds(encodeCorpus(path, vocab))).toEqual([4, 5, 6, EOS, 4, 7, EOS, 4, 8, EOS]);
  });

  it('read a single multi-MB line without a newline in bounded pieces, with exactly the same tokens', async () => {
    const words = randomWords(500_000, 3);
    const text = words.join(' ');
    expect(text.length).toBeGreaterThan(2_000_000);
    const path = writeFixture(tempDir(), 'one-line.txt', text);
    const vocab = await buildVocabulary(path);
    expect(vocab.totalTokens).toBe(words.length);
    expect(vocab.count(EOS)).toBe(1);
    const ids = await collectIds(encodeCorpus(path, vocab, { chunkTokens: 100_000 }));
    // compared as strings: a deep equality over 500k numbers is slow
    expect(ids.join(',')).toBe([...vocab.encode(words), EOS].join(','));

    const pieces = await collect(readCorpusLines(path));
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(1 << 20);
    expect(pieces.flatMap(tokenizeWhitespace).join(' ')).toBe(text);

  });

  it('encode in chunks of chunkTokens, skipping unknown words or the EOS marker when asked', async () => {
    const path = writeFixture(tempDir(), 'c.txt', 'a b a c\nb a\n');
    const vocab = Vocabulary.fromCounts([['a', 3], ['b', 2]]);
    const chunks = await collect(encodeCorpus(path, vocab, { chunkTokens: 3 }));
    expect(chunks.map((c) => Array.from(c))).toEqual([[4, 5, 4], [1, EOS, 5], [4, EOS]]);
    expect(await collectIds(encodeCorpus(path, vocab, { unknown: 'skip', eos: false }))).toEqual([4, 5, 4, 5, 4]);
  });

  it('read .gz files and directories (sorted, recursive, metadata skipped) like the plain text', async () => {
    const dir = tempDir();
    const parts = [randomText(500, 1), randomText(500, 2), randomText(500, 3)];
    const whole = writeFixture(dir, 'whole.txt', parts.map((p) => `${p}\n`).join(''));
    const gz = writeFixture(dir, 'whole.txt.gz', parts.map((p) => `${p}\n`).join(''), true);
    writeFixture(dir, 'corpus/b.txt', `${parts[1]}\n`);
    writeFixture(dir, 'corpus/a.txt.gz', `${parts[0]}\n`, true);
    writeFixture(dir, 'corpus/sub/c', `${parts[2]}\n`);
    writeFixture(dir, 'corpus/README', 'not corpus text\n');
    writeFixture(dir, 'corpus/meta.json', '{"x": 1}\n');
    writeFixture(dir, 'corpus/.hidden.txt', 'hidden\n');

    const reference = await buildVocabulary(whole);
    const expected = expectedIds(reference, parts.map((p) => `${p}\n`).join(''));
    for (const path of [gz, join(dir, 'corpus')]) {
      const vocab = await buildVocabulary(path);
      expect(vocab.wordList()).toEqual(reference.wordList());
      expect(Array.from(vocab.counts)).toEqual(Array.from(reference.counts));
      expect(await collectIds(encodeCorpus(path, vocab))).toEqual(expected);
    }
    const files = await listCorpusFiles(join(dir, 'corpus'));
    expect(files.map((f) => f.path.slice(dir.length + 1))).toEqual(['corpus/a.txt.gz', 'corpus/b.txt', 'corpus/sub/c']);
    expect(await corpusSize(join(dir, 'corpus'))).toBe(files.reduce((s, f) => s + statSync(f.path).size, 0));
  });

  it('merge byte-different spellings that lowercase or NFC make equal, in first-appearance order', async () => {
    const path = writeFixture(tempDir(), 'c.txt', 'Cafe\u0301 The the café THE x x x x\n');
    const lower = await buildVocabulary(path, { lowercase: true });
    expect(lower.wordList().slice(4)).toEqual(['x', 'the', 'café']);
    expect(lower.count(lower.id('the'))).toBe(3);
    expect(lower.count(lower.id('café'))).toBe(2);
    const cased = await buildVocabulary(path);
    expect(cased.wordList().slice(4)).toEqual(['x', 'Café', 'The', 'the', 'café', 'THE']);
    const raw = await buildVocabulary(path, { nfc: false });
    expect(raw.has('Cafe\u0301')).toBe(true);
    expect(await collectIds(encodeCorpus(path, lower, { lowercase: true }))).toEqual([6, 5, 5, 6, 5, 4, 4, 4, 4, EOS]);
  });

  it('give the english tokenizer path the same sentence semantics', async () => {
    const path = writeFixture(tempDir(), 'c.txt', "I don't know.\n\nCafé, please!\n");
    const vocab = await buildVocabulary(path, { tokenizer: 'english', lowercase: true });
    expect(vocab.count(EOS)).toBe(2);
    const ids = await collectIds(encodeCorpus(path, vocab, { tokenizer: 'english', lowercase: true }));
    expect(vocab.decode(ids)).toEqual(['i', 'do', "n't", 'know', '.', '<EOS>', 'café', ',', 'please', '!', '<EOS>']);
  });

  it('use the character tokenizer on the string path, spaces included', async () => {
    const path = writeFixture(tempDir(), 'c.txt', 'ab a😀\nb\n');
    const vocab = await buildVocabulary(path, { tokenizer: 'characters' });
    expect(vocab.wordList().slice(4)).toEqual(['a', 'b', ' ', '😀']);
    const ids = await collectIds(encodeCorpus(path, vocab, { tokenizer: 'characters' }));
    expect(vocab.decode(ids).join('')).toBe('ab a😀<EOS>b<EOS>');
  });

  it('report progress in on-disk bytes with the token count', async () => {
    const path = writeFixture(tempDir(), 'c.txt', randomText(20000, 5));
    const reports: { bytesRead: number; totalBytes: number; tokens: number }[] = [];
    const vocab = await buildVocabulary(path, { onProgress: (p) => reports.push(p) });
    const last = reports[reports.length - 1]!;
    expect(last.bytesRead).toBe(statSync(path).size);
    expect(last.totalBytes).toBe(statSync(path).size);
    expect(last.tokens).toBe(vocab.totalTokens);
  });
});

describe('Brown corpus format', () => {
  const tagged =
    '\n\n\tThe/at Fulton/np-tl jury/nn said/vbd 1/2/cd of/in it/pps ./.\n\n' +
    "\tIt/pps said/vbd ``/`` no/at ''/'' ,/, and/or/cc C/S/np ./.\n";

  it('strips tags after the last slash, one sentence per non-empty line', async () => {
    const dir = tempDir();
    const path = writeFixture(dir, 'brown/ca01', tagged);
    writeFixture(dir, 'brown/cats.txt', 'ca01 news\n');
    writeFixture(dir, 'brown/README', 'The/at readme/nn is/bez not/* text/nn ./.\n');
    writeFixture(dir, 'brown/package.json', '{}');
    for (const source of [join(dir, 'brown'), path]) {
      const vocab = await buildVocabulary(source);
      expect(vocab.count(EOS)).toBe(2);
      expect(vocab.has('The')).toBe(true);
      expect(vocab.has('1/2')).toBe(true);
      expect(vocab.has('and/or')).toBe(true);
      expect(vocab.has('C/S')).toBe(true);
      expect(vocab.has('``')).toBe(true);
      expect(vocab.has('readme')).toBe(false);
      expect(vocab.wordList().some((w) => w.includes('/at'))).toBe(false);
    }
    expect(await collect(readCorpusLines(join(dir, 'brown')))).toEqual([
      'The Fulton jury said 1/2 of it .',
      "It said `` no '' , and/or C/S .",
    ]);
  });

  it('obeys an explicit format over detection', async () => {
    const path = writeFixture(tempDir(), 'plain.txt', 'a/dt b/nn\n');
    expect((await buildVocabulary(path)).has('a/dt')).toBe(true); // too short a sample to call it Brown
    expect((await buildVocabulary(path, { format: 'brown' })).has('a')).toBe(true);
    const tagFile = writeFixture(tempDir(), 'tagged.txt', tagged);
    expect((await buildVocabulary(tagFile, { format: 'text' })).has('The/at')).toBe(true);
  });

  it('finds the bundled default corpus and reads it as Brown', async () => {
    const path = defaultCorpusPath();
    const files = await listCorpusFiles(path);
    expect(files).toHaveLength(500);
    expect(files.every((f) => f.format === 'brown')).toBe(true);
    for await (const line of readCorpusLines(path)) {
      expect(line).toMatch(/^The Fulton County Grand Jury said Friday an investigation of Atlanta's/);
      break;
    }
  });
});
