/**
 * Splits a stream of byte chunks into lines without decoding them, calling `onLine(bytes, start,
 * end)` for each (the "\n" excluded). Lines are usually views into the chunk; only a line that
 * spans chunks is copied, once, when its end arrives. `onLine` returns false to stop early.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  onLine: (bytes: Buffer, start: number, end: number) => boolean,
): Promise<void> {
  // the beginning of a line that continues in a later chunk, in pieces (a long line is joined once)
  let carry: Buffer[] = [];
  for await (const chunk of chunks) {
    let pos = 0;
    if (carry.length > 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        carry.push(chunk);
        continue;
      }
      carry.push(chunk.subarray(0, nl));
      const line = Buffer.concat(carry);
      carry = [];
      if (!onLine(line, 0, line.length)) return;
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, pos);
      if (nl < 0) break;
      if (!onLine(chunk, pos, nl)) return;
      pos = nl + 1;
    }
    if (pos < chunk.length) carry.push(chunk.subarray(pos));
  }
  if (carry.length > 0) {
    const line = Buffer.concat(carry);
    onLine(line, 0, line.length);
  }
}

export const NEWLINE = 0x0a;
export const SPACE = 0x20;
export const TAB = 0x09;
const CR = 0x0d;

/** Longer "words" mean we are reading vector bytes as text: a binary header's dimension is wrong. */
export const MAX_WORD_BYTES = 4096;

/** End of the line with trailing spaces, tabs and a Windows "\r" removed. */
export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start) {
    const c = bytes[end - 1];
    if (c !== SPACE && c !== TAB && c !== CR) break;
    end--;
  }
  return end;
}
