import { WordloomError } from '../../errors.js';
import { tryParseHeader } from './header.js';
import { trimEnd } from './lines.js';

export type VectorFormat = 'word2vec-text' | 'word2vec-binary' | 'glove' | 'fasttext-vec';

/** Bytes that can appear in a row of numbers written as text. */
function isNumberTextByte(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45 ||
    c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a ||
    // inf / nan spelled out
    c === 0x69 || c === 0x6e || c === 0x66 || c === 0x61 || c === 0x49 || c === 0x4e || c === 0x46 || c === 0x41
  );
}

/**
 * Decides the format from the first bytes of a file: a "count dim" first line means word2vec;
 * if the first row after it holds bytes that cannot be numbers written as text, it is binary.
 * No header means GloVe. fastText `.vec` files are word2vec text and are reported as such.
 */
export function detectFormatFromHead(head: Buffer, path: string): VectorFormat {
  if (head.length === 0) throw new WordloomError('EEMPTY', `${path} is empty`);
  const nl = head.indexOf(0x0a);
  const firstEnd = nl < 0 ? head.length : nl;
  const header = tryParseHeader(head, 0, trimEnd(head, 0, firstEnd));
  if (header === null) {
    for (let i = 0; i < firstEnd; i++) {
      const c = head[i]!;
      if (c < 0x20 && c !== 0x09 && c !== 0x0d) {
        throw new WordloomError('EBINARY', `${path} does not look like a vectors file: binary data on line 1 and no "<count> <dimension>" header`);
      }
    }
    return 'glove';
  }
  if (nl < 0) return 'word2vec-text';
  let p = nl + 1;
  while (p < head.length && head[p] !== 0x20) p++;
  const rowEnd = Math.min(head.length, p + 1 + header.dim * 4);
  for (let i = p + 1; i < rowEnd; i++) {
    const c = head[i]!;
    if (c === 0x0a) return 'word2vec-text';
    if (!isNumberTextByte(c)) return 'word2vec-binary';
  }
  return 'word2vec-text';
}

/** The format implied by a file name, for writing: .bin is binary, anything else word2vec text. */
export function formatFromExtension(path: string): VectorFormat {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.bin')) return 'word2vec-binary';
  if (name.endsWith('.vec')) return 'fasttext-vec';
  return 'word2vec-text';
}

export const VECTOR_FORMATS: readonly VectorFormat[] = ['word2vec-text', 'word2vec-binary', 'glove', 'fasttext-vec'];
