/**
 * Reads one corpus file as a sequence of byte chunks in bounded memory (through util/input-file:
 * `.gz` decompressed, missing files and directories refused), and adds what a corpus needs:
 * empty and binary files (a NUL byte) become one-line WordloomErrors; a UTF-8 byte order mark is
 * dropped.
 */
import { WordloomError } from '../errors.js';
import { openInput } from '../util/input-file.js';
import type { CorpusFile } from './corpus-files.js';

export interface ChunkReadOptions {
  /** Called with the number of on-disk bytes consumed since the previous call. */
  onDiskBytes?: (delta: number) => void;
}

/**
 * Yields the file's bytes. A yielded chunk may be a reused buffer: it is valid only until the
 * consumer asks for the next one.
 */
export async function* readByteChunks(file: CorpusFile, options: ChunkReadOptions = {}): AsyncGenerator<Buffer> {
  // a `.gz` name is decompressed (and fails clearly when it is not gzip); other names when their bytes say gzip
  const input = await openInput(file.path, { what: 'a text file', gzip: file.gzip ? true : 'auto' });
  let offset = 0;
  for await (const chunk of input.chunks({ reuseBuffer: true, stripBom: true, onDiskBytes: options.onDiskBytes })) {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw new WordloomError(
        'EBINARY',
        `${file.path}: binary data (NUL byte at offset ${offset + nul}${input.gzip ? ' after decompression' : ''}); expected UTF-8 text`,
      );
    }
    offset += chunk.length;
    yield chunk;
  }
  if (offset === 0) throw new WordloomError('EEMPTY', `${file.path}: empty file; expected text`);
}
