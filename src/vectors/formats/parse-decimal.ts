/**
 * Parses an ASCII decimal number straight from bytes, without building a string per value.
 * Vector files hold millions of numbers; going through `Number(string)` for each costs more than
 * the whole rest of the load.
 *
 * The fast path accumulates up to 15 significant digits exactly in a double and applies one
 * power of ten up to 1e22, both exact, so the single division or multiplication rounds correctly:
 * the result equals `Number(text)` bit for bit. More digits or larger exponents fall back to
 * `Number()` on the text; `inf` and `nan` are read as Python writes them.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const E_LOWER = 0x65;
const E_UPPER = 0x45;

/** The number in `bytes[start, end)`, or NaN when it is not one. */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let p = start;
  let negative = false;
  let c = bytes[p];
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    p++;
  }
  let mantissa = 0;
  let significant = 0;
  let fractionDigits = 0;
  let anyDigit = false;
  for (; p < end; p++) {
    const d = bytes[p]! - ZERO;
    if (d < 0 || d > 9) break;
    anyDigit = true;
    if (mantissa !== 0 || d !== 0) significant++;
    mantissa = mantissa * 10 + d;
  }
  if (p < end && bytes[p] === DOT) {
    p++;
    for (; p < end; p++) {
      const d = bytes[p]! - ZERO;
      if (d < 0 || d > 9) break;
      anyDigit = true;
      if (mantissa !== 0 || d !== 0) significant++;
      mantissa = mantissa * 10 + d;
      fractionDigits++;
    }
  }
  let exponent = 0;
  if (anyDigit && p < end && (bytes[p] === E_LOWER || bytes[p] === E_UPPER)) {
    p++;
    let expNegative = false;
    if (bytes[p] === MINUS || bytes[p] === PLUS) {
      expNegative = bytes[p] === MINUS;
      p++;
    }
    const expStart = p;
    for (; p < end; p++) {
      const d = bytes[p]! - ZERO;
      if (d < 0 || d > 9) break;
      if (exponent < 100000) exponent = exponent * 10 + d;
    }
    if (p === expStart) return parseSpecial(bytes, start, end);
    if (expNegative) exponent = -exponent;
  }
  if (p !== end || !anyDigit) return parseSpecial(bytes, start, end);
  // Well-formed but beyond exact double arithmetic: let the engine round it.
  if (significant > 15) return Number(latin1(bytes, start, end));
  const scale = exponent - fractionDigits;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (scale >= 0 && scale <= 22) value = mantissa * POW10[scale]!;
  else if (scale < 0 && scale >= -22) value = mantissa / POW10[-scale]!;
  else return Number(latin1(bytes, start, end));
  return negative ? -value : value;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end);
}

/** Python writers (gensim, numpy) spell these inf/nan; anything else malformed is NaN. */
function parseSpecial(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > 9) return Number.NaN;
  const text = latin1(bytes, start, end).toLowerCase();
  if (text === 'inf' || text === '+inf' || text === 'infinity' || text === '+infinity') return Number.POSITIVE_INFINITY;
  if (text === '-inf' || text === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Whether `bytes[start, end)` is a number as vector files write them (`nan` included, which readers then refuse by name). */
export function isNumberText(bytes: Uint8Array, start: number, end: number): boolean {
  if (!Number.isNaN(parseDecimal(bytes, start, end))) return true;
  if (end - start > 4) return false;
  const text = latin1(bytes, start, end).toLowerCase();
  return text === 'nan' || text === '-nan' || text === '+nan';
}
