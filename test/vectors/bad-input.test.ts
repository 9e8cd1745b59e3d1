/**
 * Vector files as users meet them: headers that lie, directories, values beyond float32, binary
 * vectors whose bytes look like text, byte order marks, damaged gzip. Each case ends in the
 * vectors or in one WordloomError naming the file (and line or row).
 */
import { mkdirSync, promises as fsp, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WordloomError } from '../../src/errors.js';
import { readAnalogyQuestions } from '../../src/vectors/evaluate/analogies.js';
import { readWordPairs } from '../../src/vectors/evaluate/word-pairs.js';
import { readBinaryVectors } from '../../src/vectors/formats/binary-reader.js';
import { detectVectorFormat, loadVectors, saveVectors, type VectorFormat } from '../../src/vectors/formats/index.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { Vocabulary } from '../../src/text/vocabulary.js';
import { expectSameSet, randomSet } from './fixtures.js';
import { useTempFolder } from '../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

const write = (name: string, content: string | Uint8Array): string => {
  writeFileSync(tmp.path(name), content);
  return tmp.path(name);
};

/** The WordloomError `promise` rejects with (anything else fails the test). */
async function failure(promise: Promise<unknown>): Promise<WordloomError> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof WordloomError)) throw err;
    return err;
  }
  throw new Error('expected a WordloomError');
}

async function load(path: string, options: Parameters<typeof loadVectors>[1] = {}) {
  const warnings: string[] = [];
  let format: VectorFormat | undefined;
  const set = await loadVectors(path, { ...options, onWarning: (m) => warnings.push(m), onFormat: (f) => (format = f) });
  return { set, warnings, format };
}

/** A word2vec binary file: header, then each word, a space, its float32 bytes and "\n". */
function binaryFile(words: string[], vectors: Float32Array, dim: number, header = `${words.length} ${dim}`): Buffer {
  const parts: Buffer[] = [Buffer.from(`${header}\n`)];
  words.forEach((w, i) => {
    parts.push(Buffer.from(`${w} `), Buffer.from(vectors.buffer, vectors.byteOffset + i * dim * 4, dim * 4), Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

describe('1: a header with an enormous dimension or word count', () => {
  it('a text header alone, "0 1000000000", is an empty file, not an allocation', async () => {
    const path = write('huge-dim.txt', '0 1000000000\n');
    const err = await failure(loadVectors(path));
    expect(err.code).toBe('EEMPTY');
    expect(err.message).toBe(`${path}: the header announces 0 words; no vectors to load`);
  });

  it('a binary header whose dimension the file cannot hold is refused before reading', async () => {
    const path = write('huge-dim.bin', Buffer.concat([Buffer.from('2 1000000000\nw '), Buffer.alloc(64, 0x3f)]));
    const err = await failure(loadVectors(path, { format: 'word2vec-binary' }));
    expect(err.code).toBe('EFORMAT');
    expect(err.message).toBe(`${path} line 1: header dimension 1000000000 cannot be right: one vector takes 4000000000 bytes but the file holds 66 after its header`);
    // detected as binary too, and compressed: the bound is what gzip can expand to
    const gz = write('huge-dim.bin.gz', gzipSync(readFileSync(path)));
    expect((await failure(loadVectors(gz))).message).toMatch(/line 1: header dimension 1000000000 cannot be right/);
  });

  it('a word count far beyond the rows loads the rows, warns, and allocates for what the file holds', async () => {
    const text = write('huge-count.txt', '1000000000 3\na 1 2 3\nb 4 5 6\n');
    const { set, warnings } = await load(text);
    expect(set.words).toEqual(['a', 'b']);
    expect(set.vectors.buffer.byteLength).toBeLessThan(1024);
    expect(warnings).toEqual([`${text}: header says 1000000000 words but the file has 2 rows; loaded 2`]);
    const small = randomSet(3, 4, 1);
    const bin = write('huge-count.bin', binaryFile([...small.words], small.vectors, 4, '1000000000 4'));
    const loaded = await load(bin);
    expectSameSet(loaded.set, small);
    expect(loaded.set.vectors.buffer.byteLength).toBeLessThan(1024);
    expect(loaded.warnings).toEqual([`${bin}: header says 1000000000 words but the file has 3 rows; loaded 3`]);
  });
});

describe('2: a directory where a file is expected', () => {
  it('every reader says it is a directory', async () => {
    const dir = tmp.path('a-directory');
    mkdirSync(dir, { recursive: true });
    // Started one at a time: a rejection nobody awaits yet is an unhandled one.
    const cases: [() => Promise<unknown>, string][] = [
      [() => loadVectors(dir), 'a vectors file'],
      [() => detectVectorFormat(dir), 'a vectors file'],
      [() => readWordPairs(dir), 'a word pairs file'],
      [() => readAnalogyQuestions(dir), 'a analogy questions file'],
      [() => Vocabulary.load(dir), 'a vocabulary file'],
    ];
    for (const [start, what] of cases) {
      const err = await failure(start());
      expect(err.code).toBe('EIO');
      expect(err.message).toBe(`${dir}: is a directory, expected ${what}`);
    }
  });
});

describe('3: numbers beyond float32', () => {
  it('are refused with their line, in every text format', async () => {
    for (const [name, content, line] of [
      ['big.txt', '2 2\na 1 2\nb 1e40 3\n', 3],
      ['big.glove', 'a 1 2\nb 3 -4e38\n', 2],
    ] as const) {
      const path = write(name, content);
      const err = await failure(loadVectors(path));
      expect(err.code).toBe('EFORMAT');
      expect(err.message).toMatch(new RegExp(`^${path} line ${line}: value \\d is "-?\\d+e\\d+", beyond the range of float32 \\(about ±3\\.4e38\\)$`));
    }
  });

  it('the largest float32 as writers print it still loads', async () => {
    const max = Math.fround(3.4028234663852886e38);
    const set = new VectorSet(['a'], Float32Array.from([max, -max]), 2);
    await saveVectors(tmp.path('max.txt'), set);
    expect(readFileSync(tmp.path('max.txt'), 'utf8')).toBe('1 2\na 3.4028235e38 -3.4028235e38\n');
    expectSameSet((await load(tmp.path('max.txt'))).set, set);
  });
});

describe('4: format detection does not depend on the bytes of the vectors', () => {
  it('a binary file is binary whatever the first byte of its first vector', async () => {
    const set = randomSet(4, 3, 7);
    for (let byte = 0; byte < 256; byte++) {
      const vectors = set.vectors.slice();
      const bytes = new Uint8Array(vectors.buffer);
      bytes[0] = byte;
      if (!Number.isFinite(vectors[0]!)) continue; // cannot happen for the low byte, kept for clarity
      const path = write('first-byte.bin', binaryFile([...set.words], vectors, 3));
      const { set: back, format } = await load(path);
      expect(format, `first byte ${byte}`).toBe('word2vec-binary');
      expectSameSet(back, new VectorSet(set.words, vectors, 3));
    }
  });

  it('vectors whose bytes read as digits, spaces and newlines stay binary', async () => {
    // float32 bytes "1\n2 " and "3 4\n": a text reader would see rows "a 1" and "2 ..."
    const vectors = new Float32Array(new Uint8Array([0x31, 0x0a, 0x32, 0x20, 0x33, 0x20, 0x34, 0x0a, 0, 0, 0x80, 0x3f, 0x0a, 0x0a, 0x0a, 0x0a]).buffer);
    const path = write('digits.bin', binaryFile(['a', 'b'], vectors, 2));
    const { set, format } = await load(path);
    expect(format).toBe('word2vec-binary');
    expect(Array.from(set.vectors)).toEqual(Array.from(vectors));
    expect(await detectVectorFormat(path)).toBe('word2vec-binary');
  });

  it('a text file whose values happen to fill 4 bytes each stays text', async () => {
    const path = write('aligned.txt', '2 3\na 0.1 0.2 0.3\nb 0.4 0.5 0.6\n');
    const { set, format } = await load(path);
    expect(format).toBe('word2vec-text');
    expect(set.words).toEqual(['a', 'b']);
  });

  it('a damaged file is reported by the reader of the format it resembles', async () => {
    const text = write('damaged.txt', '2 3\na 0.1 0.2 0.3\nb 0.4 x 0.6\n');
    expect((await failure(loadVectors(text))).message).toBe(`${text} line 3: value 2 is "x", expected a finite number`);
    const set = randomSet(3, 4, 2);
    const full = binaryFile([...set.words], set.vectors, 4);
    const cut = write('damaged.bin', full.subarray(0, full.length - 7));
    expect((await failure(loadVectors(cut))).message).toMatch(new RegExp(`^${cut}: binary vectors end inside row 3`));
  });
});

describe('8: a UTF-8 byte order mark', () => {
  it('before a word2vec text or binary header, or a GloVe row, is ignored', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const text = write('bom.txt', Buffer.concat([bom, Buffer.from('2 2\na 1 2\nb 3 4\n')]));
    const t = await load(text);
    expect(t.format).toBe('word2vec-text');
    expect(t.set.words).toEqual(['a', 'b']);
    expect(t.warnings).toEqual([]);
    const set = randomSet(3, 5, 3);
    const bin = write('bom.bin', Buffer.concat([bom, binaryFile([...set.words], set.vectors, 5)]));
    const b = await load(bin);
    expect(b.format).toBe('word2vec-binary');
    expectSameSet(b.set, set);
    const glove = write('bom.glove', Buffer.concat([bom, Buffer.from('a 1 2\n')]));
    expect((await load(glove)).set.words).toEqual(['a']);
    expect((await load(write('bom.glove.gz', gzipSync(readFileSync(glove))))).set.words).toEqual(['a']);
  });
});

describe('gzip that ends before the file does', () => {
  it('zero padding is accepted, anything else is refused', async () => {
    const gz = gzipSync(Buffer.from('a 1 2\nb 3 4\n'));
    const padded = write('padded.glove.gz', Buffer.concat([gz, Buffer.alloc(100)]));
    expect((await load(padded)).set.words).toEqual(['a', 'b']);
    const joined = write('garbage.glove.gz', Buffer.concat([gz, Buffer.from([0, 0x47, 0x41, 0x52])]));
    const err = await failure(loadVectors(joined));
    expect(err.code).toBe('EGZIP');
    expect(err.message).toBe(`${joined}: 4 bytes after the end of the gzip data (from byte ${gz.length}) are not gzip; the file is damaged or two files were joined`);
    expect((await failure(readWordPairs(joined))).code).toBe('EGZIP');
  });
});

describe('review: the readers', () => {
  afterEach(() => vi.restoreAllMocks());

  it('binary rows cut at every position by chunk boundaries read the same, without a copy of the file', async () => {
    const set = randomSet(40, 6, 11, 'wörd');
    const bytes = binaryFile([...set.words], set.vectors, 6);
    for (const size of [1, 2, 3, 5, 7, 13, 24, 25, 26, 27, 100, bytes.length]) {
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const back = await readBinaryVectors(chunks(), { path: 'chunks', limit: Number.POSITIVE_INFINITY, onWarning: () => undefined });
      expectSameSet(back, set);
    }
  });

  it('loadVectors opens the file once', async () => {
    const path = tmp.path('once.txt');
    await saveVectors(path, randomSet(5, 3, 4));
    const open = vi.spyOn(fsp, 'open');
    await loadVectors(path);
    expect(open).toHaveBeenCalledTimes(1);
  });
});
