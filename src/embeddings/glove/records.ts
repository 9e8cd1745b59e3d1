/**
 * The Stanford GloVe tool's co-occurrence record: `int32 word1, int32 word2, float64 value`, 16
 * bytes, little-endian (the C struct CREC as x86 writes it), word ids 1-based in vocabulary
 * order. Shards, the merged file of `wordloom glove cooccur` and the C tool's `cooccur` output are
 * all this format, so either tool trains on the other's counts.
 *
 * Readers and writers work on fixed blocks of records with synchronous file I/O: no allocation
 * per record, and a corpus of any size streams through a few megabytes.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { WordloomError } from '../../errors.js';

// Records are read and written through Int32Array / Float64Array views of the bytes (fields at
// int 4i, 4i + 1 and double 2i + 1), which are the file's little-endian layout on such hosts.
if (endianness() !== 'LE') throw new Error('GloVe records need a little-endian host (as the C tool writes them)');

export const RECORD_BYTES = 16;
/** Records per I/O block (1 MB). */
export const BLOCK_RECORDS = 1 << 16;

/** Appends records to a file through a fixed buffer. */
export class RecordWriter {
  private readonly bytes = new Uint8Array(BLOCK_RECORDS * RECORD_BYTES);
  private readonly ints = new Int32Array(this.bytes.buffer);
  private readonly doubles = new Float64Array(this.bytes.buffer);
  private used = 0;
  private fd: number;
  /** Records written so far. */
  count = 0;

  /** `append`: add to the end of an existing file instead of starting it anew. */
  constructor(
    readonly path: string,
    append = false,
  ) {
    this.fd = openSync(path, append ? 'a' : 'w');
  }

  write(word1: number, word2: number, value: number): void {
    const at = this.used;
    this.ints[4 * at] = word1;
    this.ints[4 * at + 1] = word2;
    this.doubles[2 * at + 1] = value;
    this.count++;
    if (++this.used === BLOCK_RECORDS) this.flush();
  }

  /** Writes whole records as they lie in `bytes` (a multiple of 16 bytes, the record layout). */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, Math.min(bytes.length - off, 1 << 24));
    this.count += bytes.length / RECORD_BYTES;
  }

  private flush(): void {
    let off = 0;
    const end = this.used * RECORD_BYTES;
    while (off < end) off += writeSync(this.fd, this.bytes, off, end - off);
    this.used = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Reads records block by block. `word1`, `word2`, `value` hold the current block's `length`
 * records (views reused from block to block: copy what must outlive the next `next()`).
 */
export class RecordReader {
  private readonly bytes = new Uint8Array(BLOCK_RECORDS * RECORD_BYTES);
  private readonly ints = new Int32Array(this.bytes.buffer);
  private readonly doubles = new Float64Array(this.bytes.buffer);
  readonly word1 = new Int32Array(BLOCK_RECORDS);
  readonly word2 = new Int32Array(BLOCK_RECORDS);
  readonly value = new Float64Array(BLOCK_RECORDS);
  length = 0;
  /** Records read before the current block. */
  offset = 0;
  readonly total: number;
  private fd: number;
  private position = 0;

  /** `vocabularySize` given: ids outside 1..size and values that are not positive finite numbers are refused. */
  constructor(
    readonly path: string,
    private readonly vocabularySize = 0,
  ) {
    try {
      this.fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new WordloomError(code === 'ENOENT' ? 'ENOENT' : 'EIO', `cannot read co-occurrence file ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    const size = fstatSync(this.fd).size;
    if (size % RECORD_BYTES !== 0) {
      closeSync(this.fd);
      throw new WordloomError(
        'EFORMAT',
        `${path}: ${size} bytes is not a whole number of 16-byte co-occurrence records (int32 word1, int32 word2, float64 value); the file is truncated or not a GloVe cooccur file`,
      );
    }
    this.total = size / RECORD_BYTES;
  }

  /** Loads the next block; false at the end of the file. */
  next(): boolean {
    this.offset += this.length;
    this.length = 0;
    if (this.fd < 0) return false;
    let got = 0;
    const want = this.bytes.length;
    while (got < want) {
      const n = readSync(this.fd, this.bytes, got, want - got, this.position + got);
      if (n === 0) break;
      got += n;
    }
    this.position += got;
    const count = got / RECORD_BYTES;
    const ints = this.ints;
    const doubles = this.doubles;
    for (let i = 0; i < count; i++) {
      this.word1[i] = ints[4 * i]!;
      this.word2[i] = ints[4 * i + 1]!;
      this.value[i] = doubles[2 * i + 1]!;
    }
    if (this.vocabularySize > 0) this.check(count);
    this.length = count;
    if (count === 0) this.close();
    return count > 0;
  }

  private check(count: number): void {
    const size = this.vocabularySize;
    for (let i = 0; i < count; i++) {
      const a = this.word1[i]!;
      const b = this.word2[i]!;
      const x = this.value[i]!;
      if (a < 1 || a > size || b < 1 || b > size || !(x > 0) || !Number.isFinite(x)) {
        const n = this.offset + i + 1;
        throw new WordloomError(
          'EFORMAT',
          `${this.path}: record ${n} (byte ${(n - 1) * RECORD_BYTES}) is (${a}, ${b}, ${x}); expected word ids between 1 and ${size} (the vocabulary's size) and a positive count`,
        );
      }
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
