import { WordloomError } from '../../errors.js';
import { VectorSet } from '../vector-set.js';
import { forEachLine, trimEnd, excerpt, SPACE, TAB } from './lines.js';
import { parseDecimal } from './parse-decimal.js';
import { RowCollector } from './row-collector.js';
import { parseHeader } from './header.js';

export interface TextReadOptions {
  /** Name used in messages. */
  path: string;
  /** word2vec / fastText text has a "count dim" first line; GloVe has none. */
  header: boolean;
  limit: number;
  /** About how many bytes of content to expect (a hint), to size the matrix once. */
  contentBytes?: number;
  onWarning: (message: string) => void;
}

/**
 * Reads "word v1 v2 ... vD" lines. The dimension is taken from the first row (a header that
 * disagrees is reported, not trusted); every later row must have exactly that many values.
 */
export async function readTextVectors(chunks: AsyncIterable<Buffer>, options: TextReadOptions): Promise<VectorSet> {
  const { path, limit } = options;
  let lineNo = 0;
  let header: { count: number; dim: number } | null = null;
  let collector: RowCollector | null = null;
  let rows = 0;
  let stoppedAtLimit = false;

  const onLine = (bytes: Buffer, start: number, rawEnd: number): boolean => {
    lineNo++;
    const end = trimEnd(bytes, start, rawEnd);
    if (options.header && lineNo === 1) {
      header = parseHeader(bytes, start, end, path);
      return true;
    }
    if (end === start) return true; // blank lines (often a final one) carry nothing
    if (collector === null) {
      const dim = firstRowDim(bytes, start, end, lineNo, path);
      collector = new RowCollector(dim, expectedRows(header, options.contentBytes, rawEnd - start + 1, dim), limit);
      if (header !== null && header.dim !== collector.dim) {
        options.onWarning(
          `${path}: header says dimension ${header.dim} but line ${lineNo} has ${collector.dim} values; using ${collector.dim}`,
        );
      }
    }
    parseRow(collector, bytes, start, end, lineNo, path);
    rows++;
    if (collector.full) {
      stoppedAtLimit = true;
      return false;
    }
    return true;
  };
  await forEachLine(chunks, onLine);

  if (lineNo === 0 || (collector === null && !(options.header && header !== null))) {
    throw new WordloomError('EEMPTY', `${path} has no vectors`);
  }
  const h = header as { count: number; dim: number } | null;
  const done = (collector as RowCollector | null) ?? new RowCollector(h?.dim ?? 1, 0, limit);
  if (h !== null && !stoppedAtLimit && rows !== h.count) {
    options.onWarning(`${path}: header says ${h.count} words but the file has ${rows} rows; loaded ${done.count}`);
  }
  for (const w of done.warnings(path)) options.onWarning(w);
  return done.finish();
}

/**
 * Rows to allocate for: the header's count, but no more than the file could hold (each value
 * takes at least 2 bytes); without a header, the file size over the first row's length, plus a
 * margin. Compressed input without a header starts small and grows.
 */
function expectedRows(header: { count: number } | null, contentBytes: number | undefined, firstRowBytes: number, dim: number): number {
  if (contentBytes === undefined) return header === null ? 4096 : Math.min(header.count, 1 << 20);
  if (header !== null) return Math.min(header.count, contentBytes / (2 * dim + 1));
  return (contentBytes / firstRowBytes) * 1.03;
}

function firstRowDim(bytes: Buffer, start: number, end: number, lineNo: number, path: string): number {
  let p = start;
  while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
  let count = 0;
  while (p < end) {
    while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
    if (p >= end) break;
    count++;
    while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
  }
  if (count === 0) {
    throw new WordloomError('EFORMAT', `${path} line ${lineNo}: expected a word followed by numbers, found "${excerpt(bytes, start, end)}"`);
  }
  return count;
}

function parseRow(collector: RowCollector, bytes: Buffer, start: number, end: number, lineNo: number, path: string): void {
  let p = start;
  while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
  const wordEnd = p;
  if (wordEnd === start) {
    throw new WordloomError('EFORMAT', `${path} line ${lineNo}: line starts with whitespace, expected a word first`);
  }
  const dim = collector.dim;
  const offset = collector.nextRowOffset();
  const out = collector.buffer;
  let count = 0;
  while (p < end) {
    while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
    if (p >= end) break;
    const tokenStart = p;
    while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
    if (count < dim) {
      const value = parseDecimal(bytes, tokenStart, p);
      if (!Number.isFinite(value)) {
        throw new WordloomError(
          'EFORMAT',
          `${path} line ${lineNo}: value ${count + 1} is "${excerpt(bytes, tokenStart, p)}", expected a finite number`,
        );
      }
      out[offset + count] = value;
    }
    count++;
  }
  if (count !== dim) {
    throw new WordloomError(
      'EFORMAT',
      `${path} line ${lineNo}: expected ${dim} values after the word "${excerpt(bytes, start, wordEnd)}", found ${count}`,
    );
  }
  const place = `line ${lineNo}`;
  collector.commit(collector.decodeWord(bytes, start, wordEnd, place), place);
}
