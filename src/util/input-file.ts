/**
 * Every file wordloom reads (corpora, vectors, vocabularies, evaluation sets, checkpoints) is
 * opened here, once: a path that is missing, a directory or unreadable becomes a one-line
 * WordloomError; gzip content is recognised by its magic bytes (not its name) and decompressed
 * as it streams; bytes after the end of the gzip data are refused unless they are zero padding
 * (as Python's gzip, which gensim uses, does: Node's zlib would drop them without a word).
 */
import { promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { WordloomError } from '../errors.js';

const DEFAULT_CHUNK_BYTES = 1 << 20;

/** Deflate expands at most 1032:1, so a gzip file's content is at most this many times its size. */
const MAX_GZIP_RATIO = 1032;

export interface OpenInputOptions {
  /** What the file should be, for messages: "a vectors file" (default "a file"). */
  what?: string;
  /** 'auto' (default): gzip when the file starts with the gzip magic bytes; true: always (a `.gz` name); false: never. */
  gzip?: boolean | 'auto';
}

export interface ChunkOptions {
  /** Bytes per read (default 1 MiB). */
  chunkBytes?: number;
  /** Reuse one buffer for plain files: a chunk is then valid only until the next one is asked for. Default false. */
  reuseBuffer?: boolean;
  /** Drop a UTF-8 byte order mark at the start of the content. Default false. */
  stripBom?: boolean;
  /** Called with the number of on-disk bytes consumed since the previous call (compressed bytes for gzip). */
  onDiskBytes?: (delta: number) => void;
}

/** An open input file. `chunks()` may be called once; it closes the file when it ends or is left early. */
export interface InputFile {
  readonly path: string;
  /** Bytes on disk; 0 when the file is not a regular file (a pipe). */
  readonly size: number;
  readonly gzip: boolean;
  /**
   * About how many bytes of content the file holds, to size buffers once: the size of a plain
   * file; for gzip the size its trailer records (the size modulo 4 GiB, of the last member only:
   * it can underestimate, never exceed the bound). Undefined when unknown.
   */
  readonly contentHint: number | undefined;
  /** Content bytes there can be at most: the size of a plain file, 1032 times it for gzip; Infinity for a pipe. */
  readonly contentBound: number;
  chunks(options?: ChunkOptions): AsyncGenerator<Buffer>;
  /** Closes the file without reading it (reading closes it by itself). */
  close(): Promise<void>;
}

/** Opens `path` for reading, or throws a one-line WordloomError saying why it cannot be read. */
export async function openInput(path: string, options: OpenInputOptions = {}): Promise<InputFile> {
  const what = options.what ?? 'a file';
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (err) {
    throw inputError(path, err, what);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new WordloomError('EIO', `${path}: is a directory, expected ${what}`);
    const regular = stats.isFile();
    let gzip = options.gzip === true;
    let trailerSize: number | undefined;
    if (regular && stats.size >= 2 && options.gzip !== false) {
      const head = Buffer.alloc(2);
      await handle.read(head, 0, 2, 0);
      gzip ||= options.gzip !== true && head[0] === 0x1f && head[1] === 0x8b;
      if (gzip && stats.size >= 18) {
        const trailer = Buffer.alloc(4);
        await handle.read(trailer, 0, 4, stats.size - 4);
        trailerSize = trailer.readUInt32LE(0);
      }
    }
    const size = regular ? stats.size : 0;
    const contentBound = !regular ? Number.POSITIVE_INFINITY : gzip ? size * MAX_GZIP_RATIO : size;
    const contentHint = !regular ? undefined : !gzip ? size : trailerSize ? Math.min(trailerSize, contentBound) : undefined;
    return new OpenInput(path, handle, size, gzip, regular, contentHint, contentBound);
  } catch (err) {
    await handle.close();
    if (err instanceof WordloomError) throw err;
    throw inputError(path, err, what);
  }
}

/** The whole content of a small file (decompressed; a byte order mark dropped if `stripBom`). */
export async function readInput(path: string, options: OpenInputOptions & { stripBom?: boolean } = {}): Promise<Buffer> {
  const input = await openInput(path, options);
  const parts: Buffer[] = [];
  for await (const chunk of input.chunks({ stripBom: options.stripBom })) parts.push(chunk);
  return Buffer.concat(parts);
}

class OpenInput implements InputFile {
  private used = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
    readonly size: number,
    readonly gzip: boolean,
    private readonly regular: boolean,
    readonly contentHint: number | undefined,
    readonly contentBound: number,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  async *chunks(options: ChunkOptions = {}): AsyncGenerator<Buffer> {
    if (this.used) throw new Error(`${this.path}: chunks() called twice`);
    this.used = true;
    try {
      const raw = this.gzip ? this.gunzipChunks(options) : this.plainChunks(options);
      yield* options.stripBom ? withoutBom(raw) : raw;
    } finally {
      await this.close();
    }
  }

  private async *plainChunks({ chunkBytes = DEFAULT_CHUNK_BYTES, reuseBuffer = false, onDiskBytes }: ChunkOptions): AsyncGenerator<Buffer> {
    // a small file gets a buffer of its size (plus one byte, to see the end in the same read)
    const size = this.regular ? Math.min(chunkBytes, this.size + 1) : chunkBytes;
    let buffer = Buffer.allocUnsafe(size);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buffer, 0, size, null));
      } catch (err) {
        throw inputError(this.path, err, 'a file');
      }
      if (bytesRead === 0) return;
      onDiskBytes?.(bytesRead);
      yield buffer.subarray(0, bytesRead);
      if (!reuseBuffer) buffer = Buffer.allocUnsafe(size);
    }
  }

  private async *gunzipChunks({ chunkBytes = DEFAULT_CHUNK_BYTES, onDiskBytes }: ChunkOptions): AsyncGenerator<Buffer> {
    const raw = this.handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1 << 16 });
    const gunzip = createGunzip({ chunkSize: Math.min(chunkBytes, DEFAULT_CHUNK_BYTES) });
    if (onDiskBytes) raw.on('data', (data) => onDiskBytes(data.length));
    raw.on('error', (err) => gunzip.destroy(err));
    raw.pipe(gunzip);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
      if (this.regular) await this.checkGzipEnd(gunzip.bytesWritten);
    } catch (err) {
      if (err instanceof WordloomError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (!e.code?.startsWith('Z_')) throw inputError(this.path, err, 'a file');
      throw new WordloomError('EGZIP', `${this.path}: cannot decompress gzip data (${e.message}); the file is not gzip or is truncated`, {
        cause: err,
      });
    } finally {
      raw.unpipe(gunzip);
      raw.destroy();
      gunzip.destroy();
    }
  }

  /** zlib stops at a zero byte after a gzip member and ignores the rest: refuse anything but zeros there. */
  private async checkGzipEnd(consumed: number): Promise<void> {
    const piece = Buffer.alloc(1 << 16);
    for (let at = consumed; at < this.size; at += piece.length) {
      const { bytesRead } = await this.handle.read(piece, 0, Math.min(piece.length, this.size - at), at);
      for (let i = 0; i < bytesRead; i++) {
        if (piece[i] !== 0) {
          throw new WordloomError(
            'EGZIP',
            `${this.path}: ${this.size - consumed} bytes after the end of the gzip data (from byte ${consumed}) are not gzip; the file is damaged or two files were joined`,
          );
        }
      }
      if (bytesRead === 0) break;
    }
  }
}

/** The chunks with a leading UTF-8 byte order mark removed (even when it is split across chunks). */
async function* withoutBom(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (head === null) {
      yield chunk;
      continue;
    }
    const joined: Buffer = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (joined.length < 3 && isBomPrefix(joined)) {
      head = Buffer.from(joined); // the chunk's buffer may be reused by the next read
      continue;
    }
    head = null;
    const rest = isBomPrefix(joined) ? joined.subarray(3) : joined;
    if (rest.length > 0) yield rest;
  }
  if (head !== null && head.length > 0) yield head; // content that began like a BOM but ended first
}

const BOM = [0xef, 0xbb, 0xbf];

/** True when the bytes are the BOM or its beginning (as far as they go). */
function isBomPrefix(bytes: Buffer): boolean {
  for (let i = 0; i < Math.min(3, bytes.length); i++) if (bytes[i] !== BOM[i]) return false;
  return bytes.length > 0;
}

function inputError(path: string, err: unknown, what: string): WordloomError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return new WordloomError('ENOENT', `${path}: no such file or directory`);
  if (e.code === 'EISDIR') return new WordloomError('EIO', `${path}: is a directory, expected ${what}`);
  if (e.code === 'EACCES' || e.code === 'EPERM') return new WordloomError('EIO', `${path}: permission denied`, { cause: err });
  return new WordloomError('EIO', `${path}: cannot read (${e.message})`, { cause: err });
}
