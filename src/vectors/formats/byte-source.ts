import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { WordloomError } from '../../errors.js';

const CHUNK_BYTES = 1 << 20;

/** True when the file starts with the gzip magic bytes (the name is not trusted). */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await openOrThrow(path);
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function openOrThrow(path: string): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WordloomError('ENOENT', `file not found: ${path}`);
    if (code === 'EISDIR') throw new WordloomError('EIO', `${path} is a directory, expected a vectors file`);
    throw new WordloomError('EIO', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * About how many bytes of content the file holds, to size buffers once: the file size, or for
 * gzip the size its trailer records. That field is the size modulo 4 GiB (and of the last
 * member only), so it can only underestimate, which costs a regrowth, never a wasted gigabyte.
 */
export async function contentSizeHint(path: string): Promise<number | undefined> {
  const handle = await openOrThrow(path);
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (!(size >= 18 && head[0] === 0x1f && head[1] === 0x8b)) return size;
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    const recorded = trailer.readUInt32LE(0);
    return recorded > 0 ? recorded : undefined;
  } finally {
    await handle.close();
  }
}

/**
 * The file's bytes in chunks of about 1 MB, decompressed on the fly when it is gzip. Breaking
 * out of the loop closes the file, so a `limit` never reads further than needed.
 */
export async function* byteChunks(path: string): AsyncGenerator<Buffer> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? file.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : file;
  if (gzip) file.on('error', (err) => stream.destroy(err));
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof WordloomError) throw err;
    if (gzip && (err as { code?: string }).code?.startsWith('Z_')) {
      throw new WordloomError('EGZIP', `cannot decompress ${path}: ${(err as Error).message}`, { cause: err });
    }
    throw new WordloomError('EIO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    stream.destroy();
    file.destroy();
  }
}
