import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { WordloomError } from '../../errors.js';
import { writeViaTemporaryPath } from '../../util/atomic-write.js';
import { readInput } from '../../util/input-file.js';

/**
 * A training checkpoint: one file with a JSON header (options, vocabulary, progress: whatever
 * the trainer needs) followed by raw typed arrays (the weights). Written atomically, so an
 * interrupted save never corrupts the previous checkpoint.
 *
 * Layout: 8-byte magic, uint32 LE header length, header JSON (UTF-8, space-padded to 4 bytes),
 * then each array's bytes in header order.
 */
const MAGIC = 'WLCKPT01';

export type CheckpointArray = Float32Array | Int32Array;

interface ArrayEntry {
  name: string;
  type: 'f32' | 'i32';
  length: number;
}

export async function saveCheckpoint(
  path: string,
  header: Record<string, unknown>,
  arrays: Record<string, CheckpointArray>,
): Promise<void> {
  const entries: ArrayEntry[] = Object.entries(arrays).map(([name, a]) => ({
    name,
    type: a instanceof Float32Array ? 'f32' : 'i32',
    length: a.length,
  }));
  let json = JSON.stringify({ ...header, arrays: entries });
  let headerBytes = Buffer.from(json, 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + headerBytes.length) % 4)) % 4;
  if (pad) {
    json += ' '.repeat(pad);
    headerBytes = Buffer.from(json, 'utf8');
  }
  const prefix = Buffer.alloc(MAGIC.length + 4);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length);
  // Written synchronously from the arrays' own memory: no copies. Copying the weights in 4 MB
  // pieces into a stream left tens of MB of garbage buffers alive after each save (a fastText
  // run's peak RSS rose by ~25 MB). Callers save between rounds, while no worker writes.
  await writeViaTemporaryPath(path, (tmp) => {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, prefix);
      writeAll(fd, headerBytes);
      for (const a of Object.values(arrays)) writeAll(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    } finally {
      closeSync(fd);
    }
  });
}

/** writeSync until every byte is written, in pieces of at most 16 MiB. */
function writeAll(fd: number, bytes: Uint8Array): void {
  const piece = 1 << 24;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(piece, bytes.length - done));
}

export interface LoadedCheckpoint<H> {
  header: H;
  arrays: Record<string, CheckpointArray>;
}

/**
 * Reads a checkpoint, checking its structure: the magic, a JSON object header, and arrays whose
 * declared names, types and lengths account for exactly the bytes that follow. The header's own
 * fields are the trainer's to check.
 */
export async function loadCheckpoint<H>(path: string): Promise<LoadedCheckpoint<H>> {
  let data: Buffer;
  try {
    data = await readInput(path, { what: 'a checkpoint file', gzip: false });
  } catch (err) {
    if (err instanceof WordloomError && err.code === 'ENOENT') throw new WordloomError('ENOENT', `no checkpoint at ${path} (nothing to resume)`);
    throw err;
  }
  const damaged = (why: string) => new WordloomError('EFORMAT', `${path}: checkpoint is damaged or truncated (${why}); delete it and train again`);
  if (data.length < MAGIC.length + 4 || data.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new WordloomError('EFORMAT', `${path} is not a wordloom checkpoint`);
  }
  const headerLength = data.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  if (headerLength > data.length - offset) throw damaged(`a header of ${headerLength} bytes in a file of ${data.length}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8', offset, offset + headerLength));
  } catch {
    throw damaged('its header is not valid JSON');
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.arrays)) throw damaged('its header is not an object with a list of arrays');
  offset += headerLength;
  const arrays: Record<string, CheckpointArray> = Object.create(null) as Record<string, CheckpointArray>;
  for (const e of parsed.arrays as unknown[]) {
    if (!isRecord(e) || typeof e.name !== 'string' || (e.type !== 'f32' && e.type !== 'i32') || !Number.isSafeInteger(e.length) || (e.length as number) < 0) {
      throw damaged('an array entry is not a name, a type f32 or i32 and a length');
    }
    if (e.name in arrays) throw damaged(`array ${e.name} is listed twice`);
    const bytes = (e.length as number) * 4;
    if (bytes > data.length - offset) throw damaged(`array ${e.name} needs ${bytes} bytes, ${data.length - offset} are left`);
    const copy = new Uint8Array(bytes);
    copy.set(data.subarray(offset, offset + bytes));
    arrays[e.name] = e.type === 'f32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    offset += bytes;
  }
  if (offset !== data.length) throw damaged(`${data.length - offset} bytes after its arrays`);
  const { arrays: _entries, ...header } = parsed;
  void _entries;
  return { header: header as H, arrays };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
