import { promises as fsp } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { WordloomError } from '../../errors.js';

/** Reads a small evaluation file (plain or .gz) as text, with errors that name it. */
export async function readEvalFile(path: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WordloomError('ENOENT', `${what} file not found: ${path}`);
    throw new WordloomError('EIO', `cannot read ${what} file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new WordloomError('EGZIP', `cannot decompress ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  return bytes.toString('utf8');
}
