import { open } from 'node:fs/promises';
import { VectorSet } from '../vector-set.js';
import { isFastTextModel, readFastTextModel } from './read-bin.js';
import { SubwordVectors } from './subword-vectors.js';

/**
 * When `path` is a fastText model file (its magic number, whatever its name), reads it for
 * queries; otherwise null, and the caller reads it as a vectors file. `limit` keeps the first
 * words (a view; the n-gram rows stay whole, so unseen words are still answered).
 */
export async function loadFastTextIfModel(path: string, options: { limit?: number; format?: string } = {}): Promise<SubwordVectors | null> {
  if (options.format !== undefined && options.format !== 'auto') return null;
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return null; // a directory, a missing file: the vectors reader reports it in its own words
  }
  if (!isFastTextModel(head)) return null;
  const model = readFastTextModel(path).vectors;
  if (options.limit === undefined || options.limit >= model.set.size) return model;
  const { set } = model;
  const limited = new VectorSet(set.words.slice(0, options.limit), set.vectors.subarray(0, options.limit * set.dim), set.dim);
  return new SubwordVectors(limited, model.ngramRows, model.settings, model.name);
}
