import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WordloomError } from '../../errors.js';

/**
 * The corpus encoded once as a flat file of little-endian Int32 ids, so every epoch and every
 * worker reads its slice from disk in bounded chunks instead of re-tokenizing the text.
 */
export interface IdFile {
  path: string;
  /** Ids in the file (words and sentence separators). */
  length: number;
  /** Ids that are not the separator: the words an epoch trains on. */
  words: number;
  /** Deletes the file (and its temporary folder); safe to call twice. */
  remove(): void;
}

/** Writes the chunks to a fresh temporary file. On failure the file is removed. */
export async function writeIdFile(
  chunks: AsyncIterable<Int32Array>,
  separatorId: number,
  options: { tmpDir?: string } = {},
): Promise<IdFile> {
  const folder = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'wordloom-ids-'));
  const path = join(folder, 'corpus.i32');
  // Also on process.exit (a second Ctrl-C): exit handlers may only do synchronous work.
  const onExit = (): void => rmSync(folder, { recursive: true, force: true });
  process.on('exit', onExit);
  const remove = (): void => {
    process.off('exit', onExit);
    onExit();
  };
  let fd = -1;
  try {
    fd = openSync(path, 'w');
    let length = 0;
    let words = 0;
    for await (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== separatorId) words++;
      length += chunk.length;
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    }
    closeSync(fd);
    fd = -1;
    return { path, length, words, remove };
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    remove();
    if (err instanceof WordloomError) throw err;
    throw new WordloomError('EIO', `cannot write the encoded corpus to ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads ids [start, end) of an id file in chunks of at most `buffer.length`, reusing `buffer`. */
export class IdFileReader {
  private readonly fd: number;
  readonly length: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.length = Math.floor(fstatSync(this.fd).size / 4);
  }

  /** Fills buffer with ids from `position`; returns how many were read (0 at the end). */
  read(buffer: Int32Array, position: number, end: number): number {
    const want = Math.min(buffer.length, end - position);
    if (want <= 0) return 0;
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, want * 4);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(this.fd, bytes, got, bytes.length - got, position * 4 + got);
      if (n === 0) break;
      got += n;
    }
    return Math.floor(got / 4);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Splits [0, length) into `parts` contiguous ranges of near-equal size. */
export function splitRanges(length: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    ranges.push([Math.floor((length * i) / parts), Math.floor((length * (i + 1)) / parts)]);
  }
  return ranges;
}
