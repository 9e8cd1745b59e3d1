import { createWriteStream, promises as fsp } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { WordloomError } from '../errors.js';

/** A temporary sibling path, so that rename() stays on one filesystem and is atomic. */
function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/**
 * Writes a file through a temporary name and renames it into place, so a crash never leaves
 * half a file under the real name. `write` receives a stream-like sink; chunks are buffered by
 * the stream and backpressure is honoured.
 */
export async function writeFileAtomic(
  path: string,
  write: (sink: { write(chunk: string | Uint8Array): Promise<void> }) => Promise<void>,
): Promise<void> {
  const tmp = temporaryPathFor(path);
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw new WordloomError('EIO', `cannot create directory ${dirname(path)}: ${(err as Error).message}`);
  }
  const stream = createWriteStream(tmp);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  const sink = {
    write(chunk: string | Uint8Array): Promise<void> {
      if (stream.write(chunk)) return Promise.resolve();
      return Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]);
    },
  };
  try {
    await write(sink);
    await Promise.race([new Promise<void>((resolve) => stream.end(() => resolve())), failed]);
    await fsp.rename(tmp, path);
  } catch (err) {
    stream.destroy();
    await fsp.rm(tmp, { force: true });
    if (err instanceof WordloomError) throw err;
    throw new WordloomError('EIO', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * For writers that need a path rather than a stream (a native library saving its own file):
 * `write` fills the temporary path, which is then renamed into place, or removed on failure.
 */
export async function writeViaTemporaryPath(path: string, write: (temporaryPath: string) => Promise<void> | void): Promise<void> {
  const tmp = temporaryPathFor(path);
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
    await write(tmp);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    if (err instanceof WordloomError) throw err;
    throw new WordloomError('EIO', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
