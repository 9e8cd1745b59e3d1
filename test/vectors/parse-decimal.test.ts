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
    for (const t of texts) expect(Object.is(parse(t), Number(t)), t).toBe(true);
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
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround(g() * 10 ** Math.floor(g() * 8));
      const text = formatFloat32(x);
      expect(Math.fround(Number(text))).toBe(x);
      // one digit fewer would not round-trip (or the text is already minimal)
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      if (digits > 1) expect(Math.fround(Number(x.toPrecision(digits - 1)))).not.toBe(x);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(1e-7))).toBe('1e-7');
  });
});
