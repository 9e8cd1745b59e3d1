/**
 * The shortest decimal text that reads back as exactly the same float32. JavaScript's own
 * `String(x)` is shortest for the double, which for a float32 value often means 17 digits
 * ("0.10000000149011612"); 9 significant digits always suffice for float32.
 */
export function formatFloat32(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  for (let digits = 6; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return tidy(text);
  }
  return tidy(value.toPrecision(9));
}

/** Drops trailing fraction zeros: "0.500000" -> "0.5", "1.50000e-7" -> "1.5e-7". */
function tidy(text: string): string {
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? '' : text.slice(e).replace('+', '');
  if (mantissa.indexOf('.') < 0) return mantissa + exponent;
  let end = mantissa.length;
  while (mantissa.charCodeAt(end - 1) === 0x30) end--;
  if (mantissa.charCodeAt(end - 1) === 0x2e) end--;
  return mantissa.slice(0, end) + exponent;
}
