import { WordloomError } from '../../errors.js';
import { quoteBytes } from '../../util/printable.js';
import type { VectorSet } from '../vector-set.js';
import { parseHeader } from './header.js';
import { forEachLine, SPACE, TAB, trimEnd } from './lines.js';
import { parseDecimal } from './parse-decimal.js';
import { RowCollector, words } from './row-collector.js';

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
 * disagrees is reported, not trusted); every later row must have exactly that many values, each
 * a finite number within float32's range. After a header, reading stops at the word count it
 * announces, as gensim does (more rows are reported and ignored).
 */
export async function readTextVectors(chunks: AsyncIterable<Buffer>, options: TextReadOptions): Promise<VectorSet> {
  const { path } = options;
  let lineNo = 0;
  let header: { count: number; dim: number } | null = null;
  let collector: RowCollector | null = null;
  let rows = 0;
  let moreThanHeader = 0; // line of a row after the header's count

  const onLine = (bytes: Buffer, start: number, rawEnd: number): boolean => {
    lineNo++;
    const end = trimEnd(bytes, start, rawEnd);
    if (options.header && lineNo === 1) {
      header = parseHeader(bytes, start, end, path);
      return true;
    }
    if (end === start) return true; // blank lines (often a final one) carry nothing
    if (header !== null && rows === header.count) {
      // one more row than the header announces: stop, as gensim does, and say so
      moreThanHeader = lineNo;
      return false;
    }
    if (collector === null) {
      const dim = firstRowDim(bytes, start, end, lineNo, path);
      collector = new RowCollector(dim, expectedRows(header, options.contentBytes, rawEnd - start + 1, dim), options.limit, path);
      if (header !== null && header.dim !== collector.dim) {
        options.onWarning(`${path}: header says dimension ${header.dim} but line ${lineNo} has ${collector.dim} values; using ${collector.dim}`);
      }
    }
    parseRow(collector, bytes, start, end, lineNo, path);
    rows++;
    return !collector.full;
  };
  await forEachLine(chunks, onLine);

  const h = header as { count: number; dim: number } | null;
  const done = collector as RowCollector | null;
  if (done === null || done.count === 0) {
    if (lineNo === 0) throw new WordloomError('EEMPTY', `${path}: empty file, expected vectors`);
    if (h !== null && h.count === 0) throw new WordloomError('EEMPTY', `${path}: the header announces 0 words; no vectors to load`);
    throw new WordloomError('EEMPTY', `${path}: no vectors (${h !== null ? 'only a header' : 'only blank lines'})`);
  }
  if (h !== null) {
    if (moreThanHeader > 0) {
      options.onWarning(`${path}: the header announces ${words(h.count)} but more rows follow (line ${moreThanHeader}); only the first ${h.count} were loaded, as gensim does (correct the header to load them all)`);
    } else if (rows < h.count && !done.full) {
      options.onWarning(`${path}: header says ${words(h.count)} but the file has ${rows} row${rows === 1 ? '' : 's'}; loaded ${done.count}`);
    }
  }
  for (const w of done.warnings(path)) options.onWarning(w);
  return done.finish();
}

/**
 * Rows to allocate for: the header's count, but no more than the file could hold (each value
 * takes at least 2 bytes); without a header, the file size over the first row's length, plus a
 * margin. Compressed input without a size hint starts small and grows.
 */
function expectedRows(header: { count: number } | null, contentBytes: number | undefined, firstRowBytes: number, dim: number): number {
  if (contentBytes === undefined) return Math.min(header?.count ?? 4096, 4096);
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
    throw new WordloomError('EFORMAT', `${path} line ${lineNo}: expected a word followed by numbers, found ${quoteBytes(bytes, start, end)}`);
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
  let count = 0;
  let out: Float32Array | null = null;
  let base = 0;
  while (p < end) {
    while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
    if (p >= end) break;
    const tokenStart = p;
    while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
    if (count < dim) {
      const value = parseDecimal(bytes, tokenStart, p);
      if (!Number.isFinite(Math.fround(value))) {
        const why = Number.isFinite(value) ? 'beyond the range of float32 (about ±3.4e38)' : 'expected a finite number';
        throw new WordloomError('EFORMAT', `${path} line ${lineNo}: value ${count + 1} is ${quoteBytes(bytes, tokenStart, p)}, ${why}`);
      }
      if (out === null) {
        base = collector.nextRowOffset();
        out = collector.buffer;
      }
      out[base + count] = value;
    }
    count++;
  }
  if (count !== dim) {
    throw new WordloomError('EFORMAT', `${path} line ${lineNo}: expected ${dim} values after the word ${quoteBytes(bytes, start, wordEnd)}, found ${count}`);
  }
  const place = `line ${lineNo}`;
  collector.commit(collector.decodeWord(bytes, start, wordEnd, place), place);
}
