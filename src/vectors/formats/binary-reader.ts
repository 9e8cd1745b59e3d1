import { endianness } from 'node:os';
import { WordloomError } from '../../errors.js';
import { quoteBytes } from '../../util/printable.js';
import type { VectorSet } from '../vector-set.js';
import { parseHeader } from './header.js';
import { MAX_WORD_BYTES, NEWLINE, SPACE, TAB } from './lines.js';
import { RowCollector, words } from './row-collector.js';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
/** A first line longer than this is not a "count dim" header. */
const MAX_HEADER_BYTES = 1024;

export interface BinaryReadOptions {
  path: string;
  limit: number;
  /** About how many bytes of content to expect (a hint), to size the matrix once. */
  contentBytes?: number;
  /** Content bytes the file can hold at most (its size; more for gzip), to check the header against. */
  contentBound?: number;
  onWarning: (message: string) => void;
}

/**
 * Reads the word2vec C tool's binary format: a text header "count dim\n", then per word its
 * bytes, a space and dim little-endian float32 values. The C tool and gensim follow each vector
 * with "\n", other writers do not; newlines before a word are skipped, so both load. Reading stops
 * after the header's count of words, as gensim does.
 *
 * The bytes stream through once: each vector is copied from the chunk it is in straight into the
 * matrix (a vector cut by a chunk boundary is gathered first), and a row is allocated only once
 * its bytes have arrived, so a header that lies cannot make the reader allocate what the file
 * does not hold.
 */
export async function readBinaryVectors(chunks: AsyncIterable<Buffer>, options: BinaryReadOptions): Promise<VectorSet> {
  const reader = new BinaryRows(options);
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (!reader.push(next.value)) {
        // stopped at the header's count: look at what follows, at most one more chunk
        const rest = reader.leftover.length > 0 ? reader.leftover : ((await iterator.next()).value as Buffer | undefined);
        if (rest !== undefined && reader.reachedHeaderCount) reader.checkNothingFollows(rest);
        break;
      }
    }
  } finally {
    await iterator.return?.(undefined);
  }
  return reader.finish();
}

type State = 'header' | 'word' | 'vector';

class BinaryRows {
  private state: State = 'header';
  private header: { count: number; dim: number } | null = null;
  private rowBytes = 0;
  private collector: RowCollector | null = null;
  private rows = 0;
  private consumed = 0; // bytes of the content before the current chunk
  /** Pieces of the header line, or of a word, cut by a chunk boundary. */
  private pieces: Buffer[] = [];
  private piecesLength = 0;
  private word: Buffer = Buffer.alloc(0);
  private wordAt = 0;
  /** Pieces of a vector cut by a chunk boundary. */
  private vector: Buffer[] = [];
  private vectorLength = 0;
  private stopped = false;
  private moreThanHeader = false;
  leftover: Buffer = Buffer.alloc(0);

  constructor(private readonly options: BinaryReadOptions) {}

  /** Stopped because the header's count of rows was read (not because of the limit). */
  get reachedHeaderCount(): boolean {
    return this.header !== null && this.rows === this.header.count && !this.collector!.full;
  }

  /** The header's count of rows is read, or `limit` words are kept. */
  private get done(): boolean {
    return this.rows === this.header!.count || this.collector!.full;
  }

  /** Reads a chunk; false once no more rows are wanted (`leftover` then holds the rest of the chunk). */
  push(chunk: Buffer): boolean {
    let p = 0;
    if (this.state === 'header') {
      p = this.readHeader(chunk);
      if (this.state === 'header') {
        this.consumed += chunk.length;
        return true;
      }
    }
    while (p < chunk.length) {
      if (this.done) {
        this.stopped = true;
        this.leftover = chunk.subarray(p);
        return false;
      }
      p = this.state === 'word' ? this.readWord(chunk, p) : this.readVector(chunk, p);
    }
    this.consumed += chunk.length;
    if (this.done) {
      this.stopped = true;
      return false;
    }
    return true;
  }

  private readHeader(chunk: Buffer): number {
    const nl = chunk.indexOf(NEWLINE);
    const end = nl < 0 ? chunk.length : nl;
    this.pieces.push(chunk.subarray(0, end));
    this.piecesLength += end;
    if (nl < 0) {
      if (this.piecesLength > MAX_HEADER_BYTES) this.parseHeaderLine(); // throws: no header this long
      return chunk.length;
    }
    this.parseHeaderLine();
    this.state = 'word';
    return nl + 1;
  }

  private parseHeaderLine(): void {
    const line = Buffer.concat(this.pieces);
    this.pieces = [];
    this.piecesLength = 0;
    const { path, contentBytes, contentBound = Number.POSITIVE_INFINITY, limit } = this.options;
    const header = parseHeader(line, 0, line.length, path);
    this.header = header;
    this.rowBytes = header.dim * 4;
    // the smallest row is a 1-byte word, a space and the vector
    const available = contentBound - line.length - 1;
    if (header.count > 0 && this.rowBytes + 2 > available) {
      throw new WordloomError(
        'EFORMAT',
        `${path} line 1: header dimension ${header.dim} cannot be right: one vector takes ${this.rowBytes} bytes but the file holds ${Number.isFinite(available) ? Math.max(0, available) : 'fewer'} after its header`,
      );
    }
    const fits = (contentBytes ?? 4096 * (this.rowBytes + 2)) / (this.rowBytes + 2);
    this.collector = new RowCollector(header.dim, Math.min(header.count, fits, available / (this.rowBytes + 2)), limit, path);
  }

  private readWord(chunk: Buffer, from: number): number {
    let p = from;
    if (this.piecesLength === 0) {
      while (p < chunk.length && chunk[p] === NEWLINE) p++;
      if (p === chunk.length) return p;
      this.wordAt = this.consumed + p;
    }
    const start = p;
    while (p < chunk.length && chunk[p] !== SPACE) {
      const c = chunk[p]!;
      if (c < 0x20 && c !== TAB) throw this.misaligned('control bytes in the word');
      p++;
      if (this.piecesLength + p - start > MAX_WORD_BYTES) throw this.misaligned(`no word ends within ${MAX_WORD_BYTES} bytes`);
    }
    if (p === chunk.length) {
      this.pieces.push(chunk.subarray(start, p));
      this.piecesLength += p - start;
      return p;
    }
    if (this.piecesLength === 0) {
      this.word = chunk.subarray(start, p);
    } else {
      this.pieces.push(chunk.subarray(start, p));
      this.word = Buffer.concat(this.pieces);
      this.pieces = [];
      this.piecesLength = 0;
    }
    if (this.word.length === 0) throw this.misaligned('empty word');
    this.state = 'vector';
    return p + 1;
  }

  private readVector(chunk: Buffer, from: number): number {
    const need = this.rowBytes - this.vectorLength;
    const take = Math.min(need, chunk.length - from);
    if (this.vectorLength === 0 && take === this.rowBytes) {
      this.storeRow([chunk.subarray(from, from + take)]);
    } else {
      this.vector.push(chunk.subarray(from, from + take));
      this.vectorLength += take;
      if (this.vectorLength === this.rowBytes) {
        const parts = this.vector;
        this.vector = [];
        this.vectorLength = 0;
        this.storeRow(parts);
      }
    }
    return from + take;
  }

  /** The row's word and vector bytes are all here: into the matrix, checked. */
  private storeRow(parts: Buffer[]): void {
    const collector = this.collector!;
    const dim = this.header!.dim;
    const offset = collector.nextRowOffset();
    const out = collector.buffer;
    if (LITTLE_ENDIAN_HOST) {
      const bytes = new Uint8Array(out.buffer, out.byteOffset + offset * 4, this.rowBytes);
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
    } else {
      const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      for (let k = 0; k < dim; k++) out[offset + k] = joined.readFloatLE(4 * k);
    }
    for (let k = 0; k < dim; k++) {
      if (!Number.isFinite(out[offset + k]!)) {
        throw new WordloomError(
          'EFORMAT',
          `${this.options.path} row ${this.rows + 1} (word ${quoteBytes(this.word, 0, this.word.length)}): value ${k + 1} is not a finite number`,
        );
      }
    }
    this.rows++;
    const place = `row ${this.rows}`;
    collector.commit(collector.decodeWord(this.word, 0, this.word.length, place), place);
    this.state = 'word';
  }

  /** After the header's count of rows: anything but newlines means the header undercounts. */
  checkNothingFollows(rest: Buffer): void {
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] !== NEWLINE) {
        this.moreThanHeader = true;
        return;
      }
    }
  }

  finish(): VectorSet {
    const { path, onWarning } = this.options;
    if (this.state === 'header') {
      // no newline anywhere: a header alone, or not a header at all
      this.parseHeaderLine();
      this.state = 'word';
    }
    const header = this.header!;
    const collector = this.collector!;
    const left = this.piecesLength + (this.state === 'vector' ? this.word.length + 1 + this.vectorLength : 0);
    if (!this.stopped && left > 0) {
      throw new WordloomError(
        'EFORMAT',
        `${path}: binary vectors end inside row ${this.rows + 1} (${left} bytes left, a row needs a word, a space and ${this.rowBytes} bytes); is the file truncated or the header dimension ${header.dim} wrong?`,
      );
    }
    if (collector.count === 0) {
      if (header.count === 0) throw new WordloomError('EEMPTY', `${path}: the header announces 0 words; no vectors to load`);
      throw new WordloomError('EEMPTY', `${path}: no vectors (only a header)`);
    }
    if (this.moreThanHeader) {
      onWarning(`${path}: the header announces ${words(header.count)} but more rows follow; only the first ${header.count} were loaded, as gensim does (correct the header to load them all)`);
    } else if (this.rows < header.count && !collector.full) {
      onWarning(`${path}: header says ${words(header.count)} but the file has ${this.rows} row${this.rows === 1 ? '' : 's'}; loaded ${collector.count}`);
    }
    for (const w of collector.warnings(path)) onWarning(w);
    return collector.finish();
  }

  private misaligned(why: string): WordloomError {
    return new WordloomError(
      'EFORMAT',
      `${this.options.path} row ${this.rows + 1} (byte ${this.wordAt}): ${why}; the file is not word2vec binary or its header dimension ${this.header!.dim} is wrong`,
    );
  }
}
