import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../../src/vectors/formats/parse-decimal.js';
import { formatFloat32 } from '../../src/vectors/formats/format-float.js';
import { seededGaussian } from './fixtures.js';

const parse = (text: string) => parseDecimal(Buffer.from(text, 'latin1'), 0, text.length);

describe('parseDecimal', () => {
  it('agrees with Number() bit for bit on many shapes of numbers', () => {
    const g = seededGaussian(7);
    const texts: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = g() * 10 ** Math.floor(g() * 6);
      texts.push(String(x), x.toFixed(6), x.toPrecision(7), x.toExponential(4), String(Math.fround(x)));
    }
    texts.push('0', '-0', '+1.5', '.5', '5.', '1e5', '1E-5', '123456789012345678', '1e-30', '3.4e38', '-0.000001');
    const wrong = texts.filter((t) => !Object.is(parse(t), Number(t)));
    expect(wrong).toEqual([]);
  });

  it('reads inf and nan as Python writes them and rejects junk', () => {
    expect(parse('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parse('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parse('nan')).toBeNaN();
    for (const junk of ['x', '1.2.3', '--1', '1e', 'e5', '', '0x10', '1,5']) expect(parse(junk), junk).toBeNaN();
  });
});

describe('formatFloat32', () => {
  it('is the shortest text that reads back as the same float32', () => {
    const g = seededGaussian(8);
    const wrong: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround(g() * 10 ** Math.floor(g() * 8));
      const text = formatFloat32(x);
      if (Math.fround(Number(text)) !== x) wrong.push(`${x} -> ${text} does not read back`);
      // one digit fewer would not round-trip
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      if (digits > 1 && Math.fround(Number(x.toPrecision(digits - 1))) === x) wrong.push(`${x} -> ${text} is not shortest`);
    }
    expect(wrong).toEqual([]);
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1e-7))).toBe('1e-7');
  });
});
