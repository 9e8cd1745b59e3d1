/**
 * Checks an index file written by hnswlib (through `HnswIndex.save`) before hnswlib reads it.
 * hnswlib trusts its files: a damaged header, neighbour id or level makes it read and write out
 * of bounds (the process dies with a segmentation fault, at load or at the first search). Every
 * field it relies on is checked here, and the stored vectors are compared with the vector set's
 * unit rows, so an index built for other vectors of the same size is refused too.
 *
 * Layout (x86-64, little-endian; hnswlib's `saveIndex`): a 96-byte header; then per element its
 * level-0 record (neighbour count as uint16 in a uint32, maxM0 uint32 neighbour ids, the vector's
 * dim float32 values, a uint64 label); then per element a uint32 byte length of its upper-level
 * lists and the lists (each a uint32 count and maxM uint32 ids).
 */
import type { FileHandle } from 'node:fs/promises';
import { promises as fsp } from 'node:fs';
import { WordloomError } from '../errors.js';
import type { VectorSet } from './vector-set.js';

const HEADER_BYTES = 96;
/** hnswlib stores a list's length in 16 bits. */
const MAX_LINKS = 0xffff;
/** Stored vectors are unit rows computed in float32 by hnswlib: this close to ours. */
const TOLERANCE = 1e-4;

export interface HnswFileCheck {
  path: string;
  set: VectorSet;
  /** Names the vectors in messages. */
  vectorsName: string;
}

/** Throws a WordloomError (EFORMAT) unless `path` is an index hnswlib can read safely for `set`. */
export async function checkHnswFile({ path, set, vectorsName }: HnswFileCheck): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new WordloomError('ENOENT', `index file not found: ${path}`);
    throw new WordloomError('EIO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new WordloomError('EIO', `${path}: is a directory, expected an index file`);
    await checkContent(handle, stats.size, path, set, vectorsName);
  } finally {
    await handle.close();
  }
}

async function checkContent(handle: FileHandle, size: number, path: string, set: VectorSet, vectorsName: string): Promise<void> {
  const bad = (why: string) => new WordloomError('EFORMAT', `${path} is not an HNSW index that wordloom wrote, or it is damaged: ${why}; rebuild it with wordloom index build`);
  const file = new Reader(handle, size, () => bad('the file is truncated'));
  if (file.size < HEADER_BYTES) throw bad(`${file.size} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const h = await file.take(HEADER_BYTES);
  const u64 = (at: number) => Number(h.readBigUInt64LE(at));
  const offsetLevel0 = u64(0);
  const maxElements = u64(8);
  const count = u64(16);
  const sizeDataPerElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const maxLevel = h.readInt32LE(48);
  const entryPoint = h.readUInt32LE(52);
  const maxM = u64(56);
  const maxM0 = u64(64);
  const mult = h.readDoubleLE(80);
  if (count !== set.size) {
    throw new WordloomError('EFORMAT', `index ${path} holds ${count} vectors but ${vectorsName} has ${set.size}; rebuild the index for these vectors`);
  }
  const dim = set.dim;
  const linksLevel0 = maxM0 * 4 + 4;
  if (offsetLevel0 !== 0 || maxElements !== count || offsetData !== linksLevel0 || labelOffset !== offsetData + dim * 4 || sizeDataPerElement !== labelOffset + 8) {
    throw bad(`its header does not describe ${count} vectors of dimension ${dim}`);
  }
  if (!(maxM0 >= 1 && maxM0 <= MAX_LINKS && maxM >= 1 && maxM <= MAX_LINKS) || !(mult > 0 && Number.isFinite(mult))) throw bad('impossible graph parameters in its header');
  if (count === 0 || maxLevel < 0 || maxLevel > 64 || entryPoint >= count) throw bad('no valid entry point');
  if (file.size < HEADER_BYTES + count * sizeDataPerElement + count * 4) throw bad('the file is truncated');

  // level 0: neighbour lists, vectors, labels
  const labels = new Uint8Array(count);
  const unit = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const record = await file.take(sizeDataPerElement);
    const links = record.readUInt16LE(0);
    if (links > maxM0) throw bad(`element ${i} lists ${links} neighbours, more than ${maxM0}`);
    for (let j = 0; j < links; j++) {
      const id = record.readUInt32LE(4 + 4 * j);
      if (id >= count) throw bad(`element ${i} links to element ${id}, beyond the ${count} elements`);
    }
    const label = Number(record.readBigUInt64LE(labelOffset));
    if (label >= count || labels[label] === 1) throw bad(`element ${i} has label ${label}, ${label >= count ? 'not a row' : 'a row already labelled'}`);
    labels[label] = 1;
    unitRow(set, label, unit);
    for (let k = 0; k < dim; k++) {
      const stored = record.readFloatLE(offsetData + 4 * k);
      if (!(Math.abs(stored - unit[k]!) <= TOLERANCE)) {
        throw new WordloomError('EFORMAT', `index ${path} was not built from ${vectorsName}: its vector for row ${label} differs; rebuild the index for these vectors`);
      }
    }
  }

  // upper levels: each element's lists, every neighbour present on the level it is linked at
  const linksPerLevel = maxM * 4 + 4;
  const levels = new Int32Array(count);
  const upper: (Uint32Array | null)[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = (await file.take(4)).readUInt32LE(0);
    if (bytes % linksPerLevel !== 0 || bytes / linksPerLevel > maxLevel) throw bad(`element ${i} has upper-level lists of ${bytes} bytes`);
    levels[i] = bytes / linksPerLevel;
    if (bytes === 0) upper.push(null);
    else {
      const lists = await file.take(bytes);
      upper.push(new Uint32Array(lists.buffer.slice(lists.byteOffset, lists.byteOffset + bytes)));
    }
  }
  if (file.remaining !== 0) throw bad(`${file.remaining} bytes after the last element`);
  if (levels[entryPoint] !== maxLevel) throw bad(`the entry point is on level ${levels[entryPoint]}, not the top level ${maxLevel}`);
  for (let i = 0; i < count; i++) {
    const lists = upper[i];
    if (lists === null) continue;
    const perLevel = linksPerLevel / 4;
    for (let level = 1; level <= levels[i]!; level++) {
      const at = (level - 1) * perLevel;
      const links = lists[at]! & 0xffff;
      if (links > maxM) throw bad(`element ${i} lists ${links} neighbours on level ${level}, more than ${maxM}`);
      for (let j = 1; j <= links; j++) {
        const id = lists[at + j]!;
        if (id >= count || levels[id]! < level) throw bad(`element ${i} links on level ${level} to element ${id}, which is not on that level`);
      }
    }
  }
}

/** Row `r` of the set scaled to unit length (zero stays zero), in double precision. */
function unitRow(set: VectorSet, r: number, out: Float64Array): void {
  const v = set.row(r);
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k]! * v[k]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let k = 0; k < v.length; k++) out[k] = v[k]! * scale;
}

/** Sequential reads through a 1 MiB buffer. */
class Reader {
  private buffer = Buffer.alloc(1 << 20);
  private start = 0;
  private end = 0;
  private read = 0; // bytes read from the file
  private taken = 0; // bytes handed out

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly truncated: () => WordloomError,
  ) {}

  /** Bytes not yet taken. */
  get remaining(): number {
    return this.size - this.taken;
  }

  /** The next `n` bytes (a view valid until the next call); an error when the file ends first. */
  async take(n: number): Promise<Buffer> {
    if (this.taken + n > this.size) throw this.truncated();
    if (this.end - this.start < n) {
      const kept = this.end - this.start;
      if (n > this.buffer.length) {
        const bigger = Buffer.alloc(n);
        this.buffer.copy(bigger, 0, this.start, this.end);
        this.buffer = bigger;
      } else {
        this.buffer.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = kept;
      while (this.end < n) {
        const { bytesRead } = await this.handle.read(this.buffer, this.end, this.buffer.length - this.end, this.read);
        if (bytesRead === 0) throw this.truncated();
        this.end += bytesRead;
        this.read += bytesRead;
      }
    }
    const out = this.buffer.subarray(this.start, this.start + n);
    this.start += n;
    this.taken += n;
    return out;
  }
}
