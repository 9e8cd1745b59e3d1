import { WordloomError } from '../../errors.js';
import { quoteBytes } from '../../util/printable.js';

/** The "count dim" first line of word2vec and fastText files, or null when the line is not one. */
export function tryParseHeader(bytes: Uint8Array, start: number, end: number): { count: number; dim: number } | null {
  if (end - start > 64) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1').trim();
  const m = /^(\d+)[ \t]+(\d+)$/.exec(text);
  if (m === null) return null;
  const count = Number(m[1]);
  const dim = Number(m[2]);
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(dim)) return null;
  return { count, dim };
}

export function parseHeader(bytes: Buffer, start: number, end: number, path: string): { count: number; dim: number } {
  const header = tryParseHeader(bytes, start, end);
  if (header === null) {
    throw new WordloomError('EFORMAT', `${path} line 1: expected a header "<word count> <dimension>", found ${quoteBytes(bytes, start, end)}`);
  }
  if (header.dim < 1) throw new WordloomError('EFORMAT', `${path} line 1: header dimension must be at least 1, found ${header.dim}`);
  return header;
}
