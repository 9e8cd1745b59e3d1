import { endianness } from 'node:os';
import { WordloomError } from '../../errors.js';
import { VectorSet } from '../vector-set.js';
import { parseHeader } from './header.js';
import { excerpt } from './lines.js';
import { RowCollector } from './row-collector.js';

const NEWLINE = 0x0a;
const SPACE = 0x20;
/** Longer "words" mean we are reading float bytes as text: the header dimension is wrong. */
const MAX_WORD_BYTES = 4096;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

export interface BinaryReadOptions {
  path: string;
  limit: number;
  /** About how many bytes of content to expect (a hint), to bound the header's count. */
  contentBytes?: number;
  onWarning: (message: string) => void;
}

/**
 * Reads the word2vec C tool's binary format: a text header "count dim\n", then per word its
 * bytes, a space and dim little-endian float32 values. The C tool and gensim follow each vector
 * with "\n", other writers do not; newlines before a word are skipped, so both load.
 */
export async function readBinaryVectors(chunks: AsyncIterable<Buffer>, options: BinaryReadOptions): Promise<VectorSet> {
  const { path, limit } = options;
  let header: { count: number; dim: number } | null = null;
  let collector: RowCollector | null = null;
  let rowBytes = 0;
  let pending: Buffer = Buffer.alloc(0);
  let consumed = 0; // bytes before `pending`, for messages
  let rows = 0;
  let stoppedAtLimit = false;

  outer: for await (const chunk of chunks) {
    const bytes: Buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let p = 0;
    if (header === null) {
      const nl = bytes.indexOf(NEWLINE);
      if (nl < 0) {
        pending = bytes;
        continue;
      }
      header = parseHeader(bytes, 0, nl, path);
      rowBytes = header.dim * 4;
      const fits = options.contentBytes === undefined ? 1 << 20 : options.contentBytes / (rowBytes + 2);
      collector = new RowCollector(header.dim, Math.min(header.count, fits), limit);
      p = nl + 1;
    }
    const rowsIn = collector!;
    for (;;) {
      while (p < bytes.length && bytes[p] === NEWLINE) p++;
      if (p >= bytes.length) break;
      const space = bytes.indexOf(SPACE, p);
      if (space < 0 || space + 1 + rowBytes > bytes.length) {
        if (space - p > MAX_WORD_BYTES || (space < 0 && bytes.length - p > MAX_WORD_BYTES)) {
          throw misaligned(path, rows + 1, consumed + p, header.dim, 'no word ends within 4096 bytes');
        }
        break;
      }
      checkWord(bytes, p, space, path, rows + 1, consumed + p, header.dim);
      const offset = rowsIn.nextRowOffset();
      copyFloats(bytes, space + 1, rowsIn.buffer, offset, header.dim);
      const out = rowsIn.buffer;
      for (let k = 0; k < header.dim; k++) {
        if (!Number.isFinite(out[offset + k]!)) {
          throw new WordloomError('EFORMAT', `${path} row ${rows + 1} (word "${excerpt(bytes, p, space)}"): value ${k + 1} is not a finite number`);
        }
      }
      rows++;
      const place = `row ${rows}`;
      rowsIn.commit(rowsIn.decodeWord(bytes, p, space, place), place);
      p = space + 1 + rowBytes;
      if (rowsIn.full) {
        stoppedAtLimit = true;
        break outer;
      }
    }
    consumed += p;
    pending = bytes.subarray(p);
  }

  if (header === null) {
    if (pending.length === 0) throw new WordloomError('EEMPTY', `${path} has no vectors`);
    header = parseHeader(pending, 0, pending.length, path);
    collector = new RowCollector(header.dim, 0, limit);
  } else if (!stoppedAtLimit) {
    let p = 0;
    while (p < pending.length && pending[p] === NEWLINE) p++;
    if (p < pending.length) {
      throw new WordloomError(
        'EFORMAT',
        `${path}: binary vectors end inside row ${rows + 1} (${pending.length - p} bytes left, a row needs a word, a space and ${rowBytes} bytes); is the file truncated or the header dimension ${header.dim} wrong?`,
      );
    }
  }
  const done = collector!;
  if (!stoppedAtLimit && rows !== header.count) {
    options.onWarning(`${path}: header says ${header.count} words but the file has ${rows} rows; loaded ${done.count}`);
  }
  for (const w of done.warnings(path)) options.onWarning(w);
  return done.finish();
}

function copyFloats(bytes: Buffer, from: number, out: Float32Array, offset: number, dim: number): void {
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer, out.byteOffset + offset * 4, dim * 4).set(bytes.subarray(from, from + dim * 4));
  } else {
    for (let k = 0; k < dim; k++) out[offset + k] = bytes.readFloatLE(from + 4 * k);
  }
}

/** Words never hold control bytes; finding one means the rows are misaligned. */
function checkWord(bytes: Buffer, start: number, end: number, path: string, row: number, at: number, dim: number): void {
  if (end === start) throw misaligned(path, row, at, dim, 'empty word');
  for (let i = start; i < end; i++) {
    if (bytes[i]! < 0x20 && bytes[i] !== 0x09) throw misaligned(path, row, at, dim, 'control bytes in the word');
  }
}

function misaligned(path: string, row: number, at: number, dim: number, why: string): WordloomError {
  return new WordloomError(
    'EFORMAT',
    `${path} row ${row} (byte ${at}): ${why}; the file is not word2vec binary or its header dimension ${dim} is wrong`,
  );
}
