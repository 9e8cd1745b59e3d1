import { WordloomError } from '../../errors.js';
import { tryParseHeader } from './header.js';
import { MAX_WORD_BYTES, NEWLINE, SPACE, TAB, trimEnd } from './lines.js';
import { isNumberText } from './parse-decimal.js';

export type VectorFormat = 'word2vec-text' | 'word2vec-binary' | 'glove' | 'fasttext-vec';

/** How far the bytes seen so far read as one layout: complete rows, and whether anything contradicted it. */
interface Reading {
  rows: number;
  consistent: boolean;
}

/**
 * Decides the format from the first bytes of a file (`complete`: they are the whole file). No
 * "count dim" first line means GloVe. After a header, the rows are read both as text ("word v1
 * ... vD" lines) and as binary (word, space, 4 * dim bytes): whichever layout every row seen so far
 * follows wins, text first. This looks at the structure of the rows, never at the values of the
 * vectors: a binary vector may hold any bytes, a newline or digits included. Only a file that no
 * layout explains (a damaged one) is decided by what its first row looks like, so that the reader
 * of the likelier format reports the damage. fastText `.vec` files are word2vec text and are
 * reported as such.
 */
export function detectFormatFromHead(head: Buffer, path: string, complete = false): VectorFormat {
  if (head.length === 0) throw new WordloomError('EEMPTY', `${path}: empty file, expected vectors`);
  if (looksLikeVocabulary(head)) {
    throw new WordloomError(
      'EFORMAT',
      `${path} looks like a vocabulary file ("word<TAB>count" lines, as wordloom vocab -o and training write), not vectors; ` +
        'train word2vec --read-vocab reads it, wordloom info describes it',
    );
  }
  const nl = head.indexOf(NEWLINE);
  const firstEnd = nl < 0 ? head.length : nl;
  const header = tryParseHeader(head, 0, trimEnd(head, 0, firstEnd));
  if (header === null) {
    for (let i = 0; i < firstEnd; i++) {
      const c = head[i]!;
      if (c < 0x20 && c !== TAB && c !== 0x0d) {
        throw new WordloomError('EBINARY', `${path} does not look like a vectors file: binary data on line 1 and no "<count> <dimension>" header`);
      }
    }
    return 'glove';
  }
  if (nl < 0) return 'word2vec-text';
  const text = readAsText(head, nl + 1, complete, header.count);
  if (text.consistent) return 'word2vec-text';
  const binary = readAsBinary(head, nl + 1, complete, header.dim, header.count);
  if (binary.consistent) return 'word2vec-binary';
  if (binary.rows !== text.rows) return binary.rows > text.rows ? 'word2vec-binary' : 'word2vec-text';
  return firstRowLooksLikeText(head, nl + 1, header.dim) ? 'word2vec-text' : 'word2vec-binary';
}

/**
 * A wordloom vocabulary: `<PAD><TAB>0` first, or every line of the head `word<TAB>count` (one
 * integer after a tab; vectors have at least one number after a space, and rarely an integer).
 */
export function looksLikeVocabulary(head: Buffer): boolean {
  const text = head.subarray(0, 4096).toString('utf8');
  if (text.startsWith('<PAD>\t')) return true;
  const lines = text.split('\n').slice(0, -1).filter((l) => l !== '');
  return lines.length >= 2 && lines.every((l) => /^[^\t]+\t\d+\r?$/.test(l));
}

/** Text rows: a word, then numbers, the same count on every line; blank lines skipped. */
function readAsText(head: Buffer, from: number, complete: boolean, count: number): Reading {
  let rows = 0;
  let values = -1;
  let p = from;
  while (p < head.length && rows < count) {
    let end = head.indexOf(NEWLINE, p);
    const last = end < 0;
    if (last) end = head.length;
    const lineEnd = trimEnd(head, p, end);
    if (lineEnd > p) {
      const n = numbersAfterWord(head, p, lineEnd, last && !complete);
      if (n < 0 || (!last && n === 0)) return { rows, consistent: false };
      if (last && !complete) break; // a line cut by the end of the head: its numbers so far fit
      if (values >= 0 && n !== values) return { rows, consistent: false };
      values = n;
      rows++;
    }
    p = end + 1;
  }
  return { rows, consistent: true };
}

/** How many numbers follow the word on the line, or -1 when something else does. */
function numbersAfterWord(bytes: Buffer, start: number, end: number, cut: boolean): number {
  let p = start;
  while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
  if (p === start) return -1;
  let n = 0;
  while (p < end) {
    while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
    if (p >= end) break;
    const tokenStart = p;
    while (p < end && bytes[p] !== SPACE && bytes[p] !== TAB) p++;
    // the last token of a cut line may be the beginning of a number ("1e", "-")
    if (!isNumberText(bytes, tokenStart, p) && !(cut && p === end)) return -1;
    n++;
  }
  return n;
}

/**
 * Binary rows: newlines, a word without control bytes, a space, then 4 * dim bytes of any value.
 * A row cut by the end of the head fits so far, unless the head is the whole file.
 */
function readAsBinary(head: Buffer, from: number, complete: boolean, dim: number, count: number): Reading {
  const rowBytes = 4 * dim;
  let rows = 0;
  let p = from;
  while (rows < count) {
    while (p < head.length && head[p] === NEWLINE) p++;
    if (p === head.length) break;
    const wordStart = p;
    while (p < head.length && head[p] !== SPACE) {
      const c = head[p]!;
      if ((c < 0x20 && c !== TAB) || p - wordStart >= MAX_WORD_BYTES) return { rows, consistent: false };
      p++;
    }
    if (p >= head.length) return { rows, consistent: !complete };
    if (p === wordStart) return { rows, consistent: false };
    p += 1 + rowBytes;
    if (p > head.length) return { rows, consistent: !complete };
    rows++;
  }
  return { rows, consistent: true };
}

/**
 * After its word, the first row holds printable ASCII up to its newline, mostly numbers: a text
 * row with a typo. Binary vectors almost never read so.
 */
function firstRowLooksLikeText(head: Buffer, from: number, dim: number): boolean {
  let p = from;
  while (p < head.length && head[p] !== SPACE && head[p] !== NEWLINE) p++;
  let end = Math.min(head.length, p + 64 + 16 * dim);
  for (let i = p; i < end; i++) {
    const c = head[i]!;
    if (c === NEWLINE) {
      end = i;
      break;
    }
    if ((c < 0x20 && c !== TAB && c !== 0x0d) || c >= 0x7f) return false;
  }
  let numbers = 0;
  let others = 0;
  while (p < end) {
    while (p < end && (head[p] === SPACE || head[p] === TAB || head[p] === 0x0d)) p++;
    if (p >= end) break;
    const start = p;
    while (p < end && head[p] !== SPACE && head[p] !== TAB && head[p] !== 0x0d) p++;
    if (isNumberText(head, start, p)) numbers++;
    else others++;
  }
  return numbers >= others;
}

/** The format implied by a file name, for writing: .bin is binary, .vec fastText, anything else word2vec text. */
export function formatFromExtension(path: string): VectorFormat {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.bin')) return 'word2vec-binary';
  if (name.endsWith('.vec')) return 'fasttext-vec';
  return 'word2vec-text';
}

export const VECTOR_FORMATS: readonly VectorFormat[] = ['word2vec-text', 'word2vec-binary', 'glove', 'fasttext-vec'];
