/**
 * Checks an output file path before any work starts, so that a long run is not thrown away at
 * the end by a path that could never be written: a folder where a file is meant, a parent that is
 * a file, a folder without write permission.
 */
import { constants, promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WordloomError } from '../errors.js';

/** Throws a WordloomError (EIO) naming `path`, what it is for and what is wrong. */
export async function checkOutputFile(path: string, what = 'output'): Promise<void> {
  const stats = await fsp.stat(path).catch(() => null);
  if (stats?.isDirectory()) {
    throw new WordloomError('EIO', `${what} ${path} is a folder; give a file path (such as ${path.replace(/[\\/]+$/, '')}/name)`);
  }
  // the nearest folder that exists must be a folder we may write in (missing ones are created)
  let ancestor = dirname(resolve(path));
  for (;;) {
    const s = await fsp.stat(ancestor).catch(() => null);
    if (s !== null) {
      if (!s.isDirectory()) throw new WordloomError('EIO', `cannot write ${what} ${path}: ${ancestor} is a file, not a folder`);
      break;
    }
    const up = dirname(ancestor);
    if (up === ancestor) break;
    ancestor = up;
  }
  try {
    await fsp.access(ancestor, constants.W_OK);
    if (stats !== null) await fsp.access(path, constants.W_OK);
  } catch {
    throw new WordloomError('EIO', `cannot write ${what} ${path}: no permission to write in ${stats !== null ? path : ancestor}`);
  }
}
