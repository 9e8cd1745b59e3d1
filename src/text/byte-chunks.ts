/**
 * Reads one corpus file as a sequence of byte chunks in bounded memory, decompressing `.gz`,
 * and turns the ways a file can be unusable into one-line WordloomErrors: empty, binary (a NUL
 * byte), or a `.gz` that does not decompress. A UTF-8 byte order mark is dropped.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { WordloomError } from '../errors.js';
import type { CorpusFile } from './corpus-files.js';

export const DEFAULT_CHUNK_BYTES = 1 << 20;

export interface ChunkReadOptions {
  chunkBytes?: number;
  /** Called with the number of on-disk bytes consumed since the previous call. */
  onDiskBytes?: (delta: number) => void;
}

/**
 * Yields the file's bytes. A yielded chunk may be a reused buffer: it is valid only until the
 * consumer asks for the next one.
 */
export async function* readByteChunks(file: CorpusFile, options: ChunkReadOptions = {}): AsyncGenerator<Buffer> {
  const source = file.gzip ? gunzipChunks(file, options) : plainChunks(file, options);
  let offset = 0;
  for await (let chunk of source) {
    if (offset === 0 && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      chunk = chunk.subarray(3);
      offset += 3;
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw new WordloomError(
        'EBINARY',
        `${file.path}: binary data (NUL byte at offset ${offset + nul}${file.gzip ? ' after decompression' : ''}); expected UTF-8 text`,
      );
    }
    offset += chunk.length;
    if (chunk.length > 0) yield chunk;
  }
  if (offset === 0) throw new WordloomError('EEMPTY', `${file.path}: empty file; expected text`);
}

async function* plainChunks(file: CorpusFile, { chunkBytes = DEFAULT_CHUNK_BYTES, onDiskBytes }: ChunkReadOptions) {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file.path, 'r');
  } catch (err) {
    throw ioError(file.path, err);
  }
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, chunkBytes, null));
      } catch (err) {
        throw ioError(file.path, err);
      }
      if (bytesRead === 0) return;
      onDiskBytes?.(bytesRead);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function* gunzipChunks(file: CorpusFile, { chunkBytes = DEFAULT_CHUNK_BYTES, onDiskBytes }: ChunkReadOptions) {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 16 });
  const gunzip = createGunzip({ chunkSize: Math.min(chunkBytes, 1 << 20) });
  raw.on('data', (data) => {
    onDiskBytes?.(data.length);
  });
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw ioError(file.path, err);
    throw new WordloomError(
      'EGZIP',
      `${file.path}: cannot decompress gzip data (${e.message}); the file is not gzip or is truncated`,
      { cause: err },
    );
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}

function ioError(path: string, err: unknown): WordloomError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new WordloomError('ENOENT', `${path}: no such file or directory`);
  if (e.code === 'EACCES') return new WordloomError('EIO', `${path}: permission denied`, { cause: err });
  return new WordloomError('EIO', `${path}: cannot read (${e.message})`, { cause: err });
}
