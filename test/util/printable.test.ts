import { describe, expect, it } from 'vitest';
import { WordloomError } from '../../src/errors.js';
import { printable, quote, quoteBytes } from '../../src/util/printable.js';

describe('printable', () => {
  it('escapes controls, separators, bidi overrides, the BOM and lone surrogates', () => {
    expect(printable('a\u0000b\rc\nd\te\u001b[31mf\u007fg\u0085h')).toBe('a\\x00b\\rc\\nd\\te\\x1b[31mf\\x7fg\\x85h');
    expect(printable('x\u2028y\u202ez\ufeff')).toBe('x\\u{2028}y\\u{202e}z\\u{feff}');
    expect(printable('lone \ud800 and \udc00')).toBe('lone \\u{d800} and \\u{dc00}');
  });

  it('keeps printable text as it is: accents, CJK, emoji, joiners', () => {
    const text = 'café 日本 😀 👩\u200d💻 "quoted" back\\slash';
    expect(printable(text)).toBe(text);
  });

  it('shortens to max characters without splitting a surrogate pair', () => {
    expect(printable('abcdef', 3)).toBe('abc...');
    expect(printable('ab😀', 3)).toBe('ab...');
    expect(quote('x'.repeat(100), 10)).toBe(`"${'x'.repeat(10)}..."`);
  });

  it('quotes bytes decoded as UTF-8, invalid ones as U+FFFD', () => {
    const bytes = Buffer.from([0x61, 0x00, 0xff, 0x0d, 0xc3, 0xa9]);
    expect(quoteBytes(bytes, 0, bytes.length)).toBe('"a\\x00\ufffd\\ré"');
    const long = Buffer.alloc(10_000, 0x41);
    expect(quoteBytes(long, 0, long.length, 5)).toBe('"AAAAA..."');
  });

  it('WordloomError messages are always one printable line', () => {
    const err = new WordloomError('EFORMAT', 'file\r\nname\u0000: bad \u001b[2J');
    expect(err.message).toBe('file\\r\\nname\\x00: bad \\x1b[2J');
    expect(err.code).toBe('EFORMAT');
  });
});
