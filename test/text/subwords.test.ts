import { describe, expect, it } from 'vitest';
import { buildSubwordTable, fastTextHash, subwordRows, subwordStrings } from '../../src/text/subwords.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('fastText character n-grams', () => {
  it('wraps the word in < and > and takes n-grams of minn..maxn characters in fastText order', () => {
    const grams = subwordStrings('where', { minn: 3, maxn: 4, bucket: 1000 }).map((g) => g.ngram);
    expect(grams).toEqual(['<wh', '<whe', 'whe', 'wher', 'her', 'here', 'ere', 'ere>', 're>']);
  });

  it('counts characters, not bytes, and never starts inside a multi-byte character', () => {
    const grams = subwordStrings('éa', { minn: 2, maxn: 2, bucket: 1000 }).map((g) => g.ngram);
    expect(grams).toEqual(['<é', 'éa', 'a>']);
  });

  it('skips the lone < and > one-character n-grams', () => {
    const grams = subwordStrings('ab', { minn: 1, maxn: 1, bucket: 1000 }).map((g) => g.ngram);
    expect(grams).toEqual(['a', 'b']);
  });

  it('has no n-grams with maxn 0 or a word too short for minn', () => {
    expect(subwordRows('where', { minn: 0, maxn: 0, bucket: 1000 })).toEqual([]);
    expect(subwordRows('a', { minn: 4, maxn: 6, bucket: 1000 })).toEqual([]);
  });

  it('hashes with 32-bit FNV-1a (offset 2166136261, prime 16777619)', () => {
    expect(fastTextHash(enc(''))).toBe(2166136261);
    expect(fastTextHash(enc('a'))).toBe(0xe40c292c); // the published FNV-1a test vector
    expect(fastTextHash(enc('foobar'))).toBe(0xbf9cf968);
  });

  it('sign-extends bytes >= 0x80 as fastText does (plain FNV-1a would differ)', () => {
    const bytes = enc('é'); // c3 a9
    let plain = 2166136261;
    for (const b of bytes) plain = Math.imul(plain ^ b, 16777619) >>> 0;
    // fastText: h ^= uint32_t(int8_t(b)), i.e. 0xffffffc3 then 0xffffffa9
    let quirk = 2166136261;
    for (const b of bytes) quirk = Math.imul((quirk ^ (b | 0xffffff00)) >>> 0, 16777619) >>> 0;
    expect(fastTextHash(bytes)).toBe(quirk);
    expect(fastTextHash(bytes)).not.toBe(plain);
  });

  it('builds one compressed table of rows offset by the word rows, skipping special words', () => {
    const settings = { minn: 3, maxn: 3, bucket: 97 };
    const table = buildSubwordTable(['<EOS>', 'cat', 'at'], settings, 3, (i) => i === 0);
    expect(Array.from(table.starts)).toEqual([0, 0, 3, 5]);
    expect(Array.from(table.rows.subarray(0, 3))).toEqual(subwordRows('cat', settings).map((r) => r + 3));
    expect(Array.from(table.rows.subarray(3))).toEqual(subwordRows('at', settings).map((r) => r + 3));
  });
});
