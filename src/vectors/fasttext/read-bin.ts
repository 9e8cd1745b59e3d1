import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { WordloomError } from '../../errors.js';
import { printable } from '../../util/printable.js';
import { VectorSet } from '../vector-set.js';
import { ARGS_BYTES, ENTRY_WORD, FASTTEXT_MAGIC, FASTTEXT_VERSION, MODEL_SUPERVISED, type FastTextArgs } from './bin-format.js';
import { SubwordVectors, averageWordRowsInPlace } from './subword-vectors.js';

const EOS = '</s>';
const CHUNK = 1 << 20;
/** Reads of the matrix go straight into the final array, this many bytes a call. */
const MATRIX_READ = 64 << 20;

/** True when the file starts with fastText's model magic number (a `.bin`/`.ftz` model, not word2vec binary). */
export function isFastTextModel(head: Uint8Array): boolean {
  return head.length >= 4 && Buffer.from(head.buffer, head.byteOffset, 4).readInt32LE(0) === FASTTEXT_MAGIC;
}

export interface FastTextModelFile {
  args: FastTextArgs;
  version: number;
  words: string[];
  counts: number[];
  ntokens: number;
  vectors: SubwordVectors;
}

/**
 * Reads a fastText `.bin` (unsupervised, unquantized) for queries: the input matrix is read
 * straight into one Float32Array (a several-GB model is held once, not twice), the words' rows are
 * then turned into word vectors in place, and the output matrix is never read. Quantized (.ftz)
 * and supervised models are refused, saying what is supported.
 */
export function readFastTextModel(path: string): FastTextModelFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new WordloomError(e.code === 'ENOENT' ? 'ENOENT' : 'EIO', `${path}: cannot open the fastText model (${e.code ?? e.message})`);
  }
  try {
    return readOpen(fd, path);
  } finally {
    closeSync(fd);
  }
}

/** Sequential reads over a file descriptor with a small buffer; `position` is the file offset. */
class Cursor {
  private buf = Buffer.alloc(CHUNK);
  private start = 0; // file offset of buf[0]
  private end = 0; // valid bytes in buf
  position = 0;

  constructor(private readonly fd: number, readonly size: number, private readonly path: string) {}

  private ensure(n: number, what: string): void {
    if (this.position + n > this.size) throw this.truncated(what);
    if (this.position >= this.start && this.position + n <= this.start + this.end) return;
    if (n > this.buf.length) this.buf = Buffer.alloc(n);
    this.start = this.position;
    this.end = readSync(this.fd, this.buf, 0, this.buf.length, this.position);
    if (this.end < n) throw this.truncated(what);
  }

  truncated(what: string): WordloomError {
    return new WordloomError('EFORMAT', `${this.path}: fastText model is truncated (ends inside ${what} at byte ${this.position}, file has ${this.size})`);
  }

  int32(what: string): number {
    this.ensure(4, what);
    const v = this.buf.readInt32LE(this.position - this.start);
    this.position += 4;
    return v;
  }

  int64(what: string): number {
    this.ensure(8, what);
    const v = this.buf.readBigInt64LE(this.position - this.start);
    this.position += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new WordloomError('EFORMAT', `${this.path}: ${what} ${v} at byte ${this.position - 8} is out of range`);
    }
    return Number(v);
  }

  float64(what: string): number {
    this.ensure(8, what);
    const v = this.buf.readDoubleLE(this.position - this.start);
    this.position += 8;
    return v;
  }

  uint8(what: string): number {
    this.ensure(1, what);
    return this.buf[this.position++ - this.start]!;
  }

  /** Bytes up to a 0 byte (not included), as UTF-8. */
  cString(what: string, maxBytes: number): string {
    const from = this.position;
    for (;;) {
      this.ensure(1, what);
      const i = this.buf.indexOf(0, this.position - this.start);
      if (i >= 0 && i < this.end) {
        const bytes = this.buf.subarray(this.position - this.start, i);
        this.position = this.start + i + 1;
        if (this.position - from - 1 > maxBytes) break;
        return from === this.start + (i - bytes.length) ? bytes.toString('utf8') : this.reread(from, this.position - 1 - from);
      }
      // no 0 byte in what is buffered: continue from the end of the buffer
      if (this.start + this.end - from > maxBytes) break;
      this.position = this.start + this.end;
    }
    throw new WordloomError('EFORMAT', `${this.path}: ${what} at byte ${from} is not a 0-terminated word of at most ${maxBytes} bytes`);
  }

  private reread(from: number, length: number): string {
    const bytes = Buffer.alloc(length);
    readSync(this.fd, bytes, 0, length, from);
    return bytes.toString('utf8');
  }

  /** Reads `into.byteLength` bytes at the current position directly into `into` (no copy in between). */
  readInto(into: Uint8Array, what: string): void {
    if (this.position + into.byteLength > this.size) throw this.truncated(what);
    let done = 0;
    while (done < into.byteLength) {
      const n = readSync(this.fd, into, done, Math.min(MATRIX_READ, into.byteLength - done), this.position + done);
      if (n <= 0) throw this.truncated(what);
      done += n;
    }
    this.position += into.byteLength;
    this.end = 0; // the buffer no longer describes the position
  }
}

function readOpen(fd: number, path: string): FastTextModelFile {
  const size = fstatSync(fd).size;
  const c = new Cursor(fd, size, path);
  if (size < 8 || c.int32('the magic number') !== FASTTEXT_MAGIC) {
    throw new WordloomError('EFORMAT', `${path} is not a fastText model (no fastText magic number at its start)`);
  }
  const version = c.int32('the version');
  if (version > FASTTEXT_VERSION || version < 11) {
    throw new WordloomError('EFORMAT', `${path}: fastText model file version ${version}; wordloom reads versions 11 and 12 (fastText 0.9.x)`);
  }
  if (c.position + ARGS_BYTES > size) throw c.truncated('the arguments');
  const args: FastTextArgs = {
    dim: c.int32('args'), ws: c.int32('args'), epoch: c.int32('args'), minCount: c.int32('args'), neg: c.int32('args'),
    wordNgrams: c.int32('args'), loss: c.int32('args'), model: c.int32('args'), bucket: c.int32('args'),
    minn: c.int32('args'), maxn: c.int32('args'), lrUpdateRate: c.int32('args'), t: c.float64('args'),
  };
  if (args.model === MODEL_SUPERVISED) {
    throw new WordloomError(
      'EFORMAT',
      `${path} is a supervised (classification) fastText model; wordloom reads word-vector models (fasttext skipgram or cbow)`,
    );
  }
  if (args.dim < 1 || args.dim > 100000 || args.bucket < 0 || args.maxn < 0 || args.minn < 0) {
    throw new WordloomError('EFORMAT', `${path}: fastText arguments are damaged (dim ${args.dim}, bucket ${args.bucket}, minn ${args.minn}, maxn ${args.maxn})`);
  }
  const sizeWords = c.int32('the dictionary');
  const nwords = c.int32('the dictionary');
  const nlabels = c.int32('the dictionary');
  const ntokens = c.int64('the token count');
  const pruneidxSize = c.int64('the dictionary');
  if (nlabels > 0) {
    throw new WordloomError('EFORMAT', `${path} has ${nlabels} labels: a supervised fastText model; wordloom reads word-vector models (fasttext skipgram or cbow)`);
  }
  if (sizeWords < 0 || nwords !== sizeWords || sizeWords > (size - c.position) / 10) {
    throw new WordloomError('EFORMAT', `${path}: fastText dictionary header is damaged (${sizeWords} entries, ${nwords} words)`);
  }
  const words: string[] = new Array<string>(nwords);
  const counts: number[] = new Array<number>(nwords);
  for (let i = 0; i < nwords; i++) {
    words[i] = c.cString(`word ${i + 1} of the dictionary`, 1 << 16);
    counts[i] = c.int64(`the count of word ${i + 1}`);
    const type = c.uint8(`the type of word ${i + 1}`);
    if (type !== ENTRY_WORD) throw new WordloomError('EFORMAT', `${path}: dictionary entry ${i + 1} (${printable(words[i]!, 40)}) is a label: a supervised model, not supported`);
  }
  const quantized = c.uint8('the quantization flag');
  if (quantized !== 0 || pruneidxSize >= 0) {
    throw new WordloomError(
      'EFORMAT',
      `${path} is a quantized fastText model (.ftz); wordloom reads unquantized word-vector models (.bin from fasttext skipgram or cbow)`,
    );
  }
  const rows = c.int64('the input matrix size');
  const cols = c.int64('the input matrix size');
  const expectedRows = nwords + (args.maxn > 0 ? args.bucket : 0);
  if (cols !== args.dim || (rows !== expectedRows && rows !== nwords + args.bucket)) {
    throw new WordloomError('EFORMAT', `${path}: input matrix is ${rows} x ${cols}, expected ${nwords + args.bucket} x ${args.dim} (words + bucket rows)`);
  }
  if (c.position + rows * cols * 4 > size) throw c.truncated(`the input matrix (${rows} x ${cols})`);
  let input: Float32Array;
  try {
    input = new Float32Array(rows * cols);
  } catch {
    throw new WordloomError('EIO', `${path}: not enough memory for the ${rows} x ${cols} input matrix (${((rows * cols * 4) / 2 ** 30).toFixed(2)} GiB)`);
  }
  c.readInto(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), `the input matrix (${rows} x ${cols})`);
  const dim = args.dim;
  const settings = { minn: args.minn, maxn: args.maxn, bucket: rows - nwords };
  const hasNgrams = args.maxn > 0 && settings.bucket > 0;
  if (hasNgrams) averageWordRowsInPlace(words, input, dim, settings, (i) => words[i] === EOS);
  const set = new VectorSet(words, input.subarray(0, nwords * dim), dim);
  const ngramRows = hasNgrams ? input.subarray(nwords * dim) : new Float32Array(0);
  return { args, version, words, counts, ntokens, vectors: new SubwordVectors(set, ngramRows, settings, path) };
}
