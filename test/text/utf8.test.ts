import { describe, expect, it } from 'vitest';
import { Utf8DamageCounter, countInvalidUtf8 } from '../../src/text/utf8.js';
import { seededRandom } from '../seeded-random.js';

/** Valid sequences of every length and the damaged kinds TextDecoder replaces. */
const PIECES: Uint8Array[] = [
  Buffer.from('a'), Buffer.from(' '), Buffer.from('é'), Buffer.from('字'), Buffer.from('😀'),
  Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xe5, 0xad), Uint8Array.of(0xf0, 0x9f, 0x98),
  Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xe0, 0x80),
];

describe('Utf8DamageCounter', () => {
  it('counts the same damage however the bytes are cut into chunks', () => {
    const random = seededRandom(5);
    let damaged = 0;
    for (let trial = 0; trial < 500; trial++) {
      const all = Buffer.concat(Array.from({ length: 40 }, () => PIECES[Math.floor(random() * PIECES.length)]!));
      const whole = countInvalidUtf8(all);
      if (whole > 0) damaged++;
      const counter = new Utf8DamageCounter();
      // chunk sizes from 1 to 20 bytes cover both the small-chunk and the seam-window paths
      for (let i = 0; i < all.length; ) {
        const n = 1 + Math.floor(random() * 20);
        counter.add(all.subarray(i, i + n));
        i += n;
      }
      expect(counter.finish()).toBe(whole);
    }
    expect(damaged).toBeGreaterThan(400); // the fixture really exercises damaged input
  });

  it('counts damaged bytes, not replacement characters', () => {
    // 0xff alone, 0xc3 cut short by 'a', and a truncated 3-byte sequence (2 bytes, one U+FFFD)
    const bytes = Uint8Array.of(0xff, 0xc3, 0x61, 0xe5, 0xad);
    expect(countInvalidUtf8(bytes)).toBe(4);
    expect(new TextDecoder().decode(bytes)).toBe('\uFFFD\uFFFDa\uFFFD');
  });
});
