/**
 * Decodes byte chunks into lines for the string path (tokenizers that need real text). A line
 * longer than `maxLineChars` is handed out in pieces cut at whitespace, so a 100 MB single-line
 * corpus (text8) never becomes one 100 MB string. Invalid UTF-8 is replaced by U+FFFD and counted.
 */
import { Utf8DamageCounter } from './utf8.js';

export interface LineSegment {
  text: string;
  /** False for a piece of a long line that continues in the next segment. */
  lineEnd: boolean;
}

const DEFAULT_MAX_LINE_CHARS = 1 << 20;

export async function* readLineSegments(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onInvalidBytes: (count: number) => void,
  maxLineChars = DEFAULT_MAX_LINE_CHARS,
): AsyncGenerator<LineSegment> {
  const decoder = new TextDecoder('utf-8');
  const damage = new Utf8DamageCounter();
  let carry = '';
  for await (const chunk of chunks) {
    damage.add(chunk);
    const text = carry + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    carry = lines.pop()!;
    for (const line of lines) yield* lineEndSegments(line, maxLineChars);
    while (carry.length > maxLineChars) {
      const cut = cutPoint(carry, maxLineChars);
      yield { text: carry.slice(0, cut), lineEnd: false };
      carry = carry.slice(cut);
    }
  }
  carry += decoder.decode();
  if (carry.length > 0) yield* lineEndSegments(carry, maxLineChars);
  const invalid = damage.finish();
  if (invalid > 0) onInvalidBytes(invalid);
}

function* lineEndSegments(line: string, maxLineChars: number): Generator<LineSegment> {
  let rest = line.endsWith('\r') ? line.slice(0, -1) : line;
  while (rest.length > maxLineChars) {
    const cut = cutPoint(rest, maxLineChars);
    yield { text: rest.slice(0, cut), lineEnd: false };
    rest = rest.slice(cut);
  }
  yield { text: rest, lineEnd: true };
}

/** The last whitespace before `limit`, else `limit` itself (never inside a surrogate pair). */
function cutPoint(text: string, limit: number): number {
  for (let i = limit; i > 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c) return i;
  }
  const c = text.charCodeAt(limit - 1);
  return c >= 0xd800 && c <= 0xdbff ? limit - 1 : limit;
}
