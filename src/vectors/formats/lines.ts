/**
 * Splits a stream of byte chunks into lines without decoding them, calling `onLine(bytes, start,
 * end)` for each (the "\n" excluded). Lines are usually views into the chunk; only a line that
 * spans two chunks is copied. `onLine` returns false to stop early.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  onLine: (bytes: Buffer, start: number, end: number) => boolean,
): Promise<void> {
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    let pos = 0;
    if (carry !== null) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
      carry = null;
      if (!onLine(line, 0, line.length)) return;
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      if (!onLine(chunk, pos, nl)) return;
      pos = nl + 1;
    }
    if (pos < chunk.length) carry = chunk.subarray(pos);
  }
  if (carry !== null && carry.length > 0) onLine(carry, 0, carry.length);
}

export const SPACE = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;

/** End of the line with trailing spaces, tabs and a Windows "\r" removed. */
export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start) {
    const c = bytes[end - 1];
    if (c !== SPACE && c !== TAB && c !== CR) break;
    end--;
  }
  return end;
}

/** Text of bytes for an error message, shortened. */
export function excerpt(bytes: Buffer, start: number, end: number, max = 40): string {
  const text = bytes.toString('utf8', start, Math.min(end, start + max * 4));
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
