/**
 * Text from files and command lines made safe to show on a terminal in a one-line message:
 * control characters (NUL, CR, newline, escape sequences, C1 controls), line and paragraph
 * separators, bidirectional overrides and byte order marks are written as escapes, and long
 * excerpts are shortened.
 */

// C0 and C1 controls, DEL, U+2028/2029, bidi marks and overrides, the BOM, lone surrogates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with unprintable characters escaped, cut to `max` characters (then ending in "..."). */
export function printable(text: string, max = Number.POSITIVE_INFINITY): string {
  let cut = text;
  if (cut.length > max) {
    let end = max;
    const last = cut.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
    cut = `${cut.slice(0, end)}...`;
  }
  return cut.replace(UNPRINTABLE, escape);
}

/** `text` in double quotes for a message: escaped and at most `max` characters long. */
export function quote(text: string, max = 60): string {
  return `"${printable(text, max)}"`;
}

/** Bytes of a file as a quoted excerpt (decoded as UTF-8, invalid bytes shown as U+FFFD). */
export function quoteBytes(bytes: Uint8Array, start: number, end: number, max = 40): string {
  // a character takes at most 4 bytes, so this decodes more than `max` characters whenever it cuts
  const stop = Math.min(end, start + max * 4 + 4);
  return quote(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, stop), max);
}
