import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadVectors, saveVectors, detectVectorFormat, type VectorFormat } from '../../src/vectors/formats/index.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { expectSameSet, randomSet } from './fixtures.js';
import { useTempFolder } from '../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

/** A set with awkward words (UTF-8, punctuation) and awkward values (tiny, huge, negative zero). */
function awkwardSet(): VectorSet {
  const set = randomSet(50, 7, 1);
  const words = [...set.words];
  words[0] = 'café';
  words[1] = '日本';
  words[2] = ',';
  words[3] = "don't";
  const vectors = set.vectors.slice();
  vectors[0] = 1e-30;
  vectors[1] = -3.4e38;
  vectors[2] = -0;
  vectors[3] = 0.1;
  return new VectorSet(words, vectors, 7);
}

async function load(path: string, options: Parameters<typeof loadVectors>[1] = {}) {
  const warnings: string[] = [];
  let format: VectorFormat | undefined;
  const set = await loadVectors(path, { ...options, onWarning: (m) => warnings.push(m), onFormat: (f) => (format = f) });
  return { set, warnings, format };
}

describe('round trips', () => {
  const cases: [string, VectorFormat, VectorFormat][] = [
    ['v.txt', 'word2vec-text', 'word2vec-text'],
    ['v.bin', 'word2vec-binary', 'word2vec-binary'],
    ['v.glove.txt', 'glove', 'glove'],
    ['v.vec', 'fasttext-vec', 'word2vec-text'],
    ['v.txt.gz', 'word2vec-text', 'word2vec-text'],
    ['v.bin.gz', 'word2vec-binary', 'word2vec-binary'],
  ];
  for (const [name, format, detected] of cases) {
    it(`${format} as ${name}: bit-exact, detected as ${detected}`, async () => {
      const set = awkwardSet();
      await saveVectors(tmp.path(name), set, { format });
      const { set: back, warnings, format: seen } = await load(tmp.path(name));
      expectSameSet(back, set);
      expect(warnings).toEqual([]);
      expect(seen).toBe(detected);
      expect(await detectVectorFormat(tmp.path(name))).toBe(detected);
    });
  }

  it('chooses the format from the extension when saving', async () => {
    const set = randomSet(3, 4, 2);
    await saveVectors(tmp.path('ext.bin'), set);
    await saveVectors(tmp.path('ext.txt'), set);
    expect(readFileSync(tmp.path('ext.bin')).subarray(0, 4).toString()).toBe('3 4\n');
    expect(readFileSync(tmp.path('ext.txt'), 'utf8').split('\n')[0]).toBe('3 4');
    expect(await detectVectorFormat(tmp.path('ext.bin'))).toBe('word2vec-binary');
  });

  it('writes floats in the shortest form that reads back exactly', async () => {
    const set = new VectorSet(['a'], Float32Array.from([0.1, -0.5, 1, 0.3333333432674408]), 4);
    await saveVectors(tmp.path('short.txt'), set);
    expect(readFileSync(tmp.path('short.txt'), 'utf8')).toBe('1 4\na 0.1 -0.5 1 0.33333334\n');
  });

  it('reads binary with and without the newline after each vector', async () => {
    const set = awkwardSet();
    await saveVectors(tmp.path('nl.bin'), set, { trailingNewline: true });
    await saveVectors(tmp.path('nonl.bin'), set, { trailingNewline: false });
    const withNl = readFileSync(tmp.path('nl.bin'));
    const without = readFileSync(tmp.path('nonl.bin'));
    expect(withNl.length - without.length).toBe(set.size);
    expectSameSet((await load(tmp.path('nl.bin'))).set, set);
    expectSameSet((await load(tmp.path('nonl.bin'))).set, set);
  });

  it('reads rows that straddle 1 MB read chunks', async () => {
    const set = randomSet(6000, 50, 3);
    await saveVectors(tmp.path('big.txt'), set);
    await saveVectors(tmp.path('big.bin'), set);
    expect(readFileSync(tmp.path('big.txt')).length).toBeGreaterThan(2 << 20);
    expectSameSet((await load(tmp.path('big.txt'))).set, set);
    expectSameSet((await load(tmp.path('big.bin'))).set, set);
  });

  it('leaves no temporary file behind', () => {
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('limit', () => {
  it('loads only the first N words of every format', async () => {
    const set = randomSet(100, 5, 4);
    for (const [name, format] of [['l.txt', 'word2vec-text'], ['l.bin', 'word2vec-binary'], ['l.glove', 'glove']] as const) {
      await saveVectors(tmp.path(name), set, { format });
      const { set: back, warnings } = await load(tmp.path(name), { limit: 10 });
      expectSameSet(back, set.slice(10));
      expect(warnings).toEqual([]);
    }
  });

  it('stops reading at the limit: a broken row further on does not matter', async () => {
    writeFileSync(tmp.path('broken-later.txt'), '3 2\na 1 2\nb 3 4\nc oops\n');
    const { set } = await load(tmp.path('broken-later.txt'), { limit: 2 });
    expect(set.words).toEqual(['a', 'b']);
  });

  it('sizes the matrix from the file instead of doubling (little spare memory)', async () => {
    const set = randomSet(5000, 20, 9);
    for (const name of ['size.glove', 'size.glove.gz']) {
      await saveVectors(tmp.path(name), set, { format: 'glove' });
      const back = (await load(tmp.path(name))).set;
      expect(back.vectors.buffer.byteLength).toBeLessThanOrEqual(back.vectors.byteLength * 1.07);
    }
  });

  it('rejects a limit below 1', async () => {
    await expect(loadVectors(tmp.path('l.txt'), { limit: 0 })).rejects.toThrow('option limit must be an integer at least 1, got 0');
  });
});

describe('robustness', () => {
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(tmp.path(name), content);
    return tmp.path(name);
  };

  it('accepts Windows line endings, trailing spaces, tabs and blank lines', async () => {
    const path = write('crlf.txt', '2 3\r\nfoo 1 2 3 \r\nbar\t4 5 6\t\r\n\r\n');
    const { set, warnings } = await load(path);
    expect(set.words).toEqual(['foo', 'bar']);
    expect(Array.from(set.vectors)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(warnings).toEqual([]);
  });

  it('replaces invalid UTF-8 and counts it', async () => {
    const path = write('latin1.txt', Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' 1 2\nok 3 4\nna'), Buffer.from([0xff]), Buffer.from('ve 5 6\n')]));
    const { set, warnings } = await load(path);
    expect(set.words).toEqual(['caf\uFFFD', 'ok', 'na\uFFFDve']);
    expect(warnings).toEqual([`${path}: 2 words with invalid UTF-8 bytes, replaced by U+FFFD (first at line 1)`]);
  });

  it('keeps the first of duplicate words and reports them', async () => {
    const path = write('dup.txt', '3 2\na 1 2\nb 3 4\na 5 6\n');
    const { set, warnings } = await load(path);
    expect(set.words).toEqual(['a', 'b']);
    expect(Array.from(set.vectors)).toEqual([1, 2, 3, 4]);
    expect(warnings).toEqual([`${path}: 1 duplicate word skipped, keeping the first occurrence (first duplicate: "a" at line 4)`]);
  });

  it('tolerates a header that lies about the word count', async () => {
    const more = write('lie-n.txt', '10 2\na 1 2\nb 3 4\n');
    const { set, warnings } = await load(more);
    expect(set.size).toBe(2);
    expect(warnings).toEqual([`${more}: header says 10 words but the file has 2 rows; loaded 2`]);
    // fewer: reading stops at the count, as gensim does, and says so
    const fewer = write('lie-n2.txt', '1 2\na 1 2\nb 3 4\n');
    const less = await load(fewer);
    expect(less.set.words).toEqual(['a']);
    expect(less.warnings).toEqual([
      `${fewer}: the header announces 1 word but more rows follow (line 3); only the first 1 were loaded, as gensim does (correct the header to load them all)`,
    ]);
  });

  it('trusts the rows over a text header that lies about the dimension', async () => {
    const path = write('lie-d.txt', '2 5\na 1 2\nb 3 4\n');
    const { set, warnings } = await load(path);
    expect(set.dim).toBe(2);
    expect(warnings).toEqual([`${path}: header says dimension 5 but line 2 has 2 values; using 2`]);
  });

  it('fails clearly when a binary header lies about the dimension', async () => {
    const set = randomSet(5, 4, 5);
    await saveVectors(tmp.path('good.bin'), set);
    const bytes = readFileSync(tmp.path('good.bin'));
    const path = write('lie-d.bin', Buffer.concat([Buffer.from('5 3\n'), bytes.subarray(4)]));
    await expect(loadVectors(path)).rejects.toThrow(
      `${path} row 2 (byte 19): control bytes in the word; the file is not word2vec binary or its header dimension 3 is wrong`,
    );
  });

  it('names the line of a row with the wrong number of values', async () => {
    const path = write('short.txt', '3 3\na 1 2 3\nb 4 5\nc 6 7 8\n');
    await expect(loadVectors(path)).rejects.toThrow(`${path} line 3: expected 3 values after the word "b", found 2`);
    const glove = write('long.glove', 'a 1 2\nb 3 4 5\n');
    await expect(loadVectors(glove)).rejects.toThrow(`${glove} line 2: expected 2 values after the word "b", found 3`);
  });

  it('names the line and value that is not a number', async () => {
    const path = write('nan.txt', 'a 1 2\nb 3 x4\n');
    await expect(loadVectors(path)).rejects.toThrow(`${path} line 2: value 2 is "x4", expected a finite number`);
  });

  it('reports a truncated binary file', async () => {
    const set = randomSet(3, 4, 6);
    await saveVectors(tmp.path('whole.bin'), set);
    const bytes = readFileSync(tmp.path('whole.bin'));
    const path = write('cut.bin', bytes.subarray(0, bytes.length - 6));
    await expect(loadVectors(path)).rejects.toThrow(
      `${path}: binary vectors end inside row 3 (14 bytes left, a row needs a word, a space and 16 bytes); is the file truncated or the header dimension 4 wrong?`,
    );
  });

  it('rejects empty, missing and non-vector files', async () => {
    await expect(loadVectors(write('empty.txt', ''))).rejects.toThrow(`${tmp.path('empty.txt')}: empty file, expected vectors`);
    await expect(loadVectors(tmp.path('missing.txt'))).rejects.toThrow(`${tmp.path('missing.txt')}: no such file or directory`);
    await expect(loadVectors(write('junk.dat', Buffer.from([1, 2, 3, 0, 10])))).rejects.toThrow('does not look like a vectors file');
    await expect(loadVectors(write('badheader.txt', 'a b c\n1 2\n'), { format: 'word2vec-text' })).rejects.toThrow(
      `${tmp.path('badheader.txt')} line 1: expected a header "<word count> <dimension>", found "a b c"`,
    );
  });

  it('reads gzip input detected from its bytes, whatever the name', async () => {
    const path = write('plain-name.txt', gzipSync(Buffer.from('a 1 2\nb 3 4\n')));
    const { set, format } = await load(path);
    expect(format).toBe('glove');
    expect(set.words).toEqual(['a', 'b']);
  });

  it('refuses to save words that the formats cannot hold', async () => {
    const set = new VectorSet(['two words'], new Float32Array(2), 2);
    await expect(saveVectors(tmp.path('bad.txt'), set)).rejects.toThrow('cannot save word "two words" (row 1)');
  });
});
