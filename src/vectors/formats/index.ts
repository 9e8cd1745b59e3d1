import { createGzip } from 'node:zlib';
import { WordloomError, checkOption } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { VectorSet } from '../vector-set.js';
import { openInput } from '../../util/input-file.js';
import { detectFormatFromHead, formatFromExtension, VECTOR_FORMATS, type VectorFormat } from './detect.js';
import { readBinaryVectors } from './binary-reader.js';
import { readTextVectors } from './text-reader.js';
import { writeBinaryVectors, writeTextVectors } from './writers.js';
import { loadFastTextIfModel } from '../fasttext/load.js';

export { type VectorFormat, VECTOR_FORMATS, formatFromExtension } from './detect.js';

export interface LoadVectorsOptions {
  /** Load only the first `limit` words in file order (skipped duplicates do not count); the rest of the file is not read. */
  limit?: number;
  /** Default 'auto': decided from the content, never from the file name. */
  format?: VectorFormat | 'auto';
  /** Problems that were tolerated: duplicate words, invalid UTF-8, a header that disagrees with the rows. */
  onWarning?: (message: string) => void;
  /** Called once with the format that was read. */
  onFormat?: (format: VectorFormat) => void;
}

export interface SaveVectorsOptions {
  /** Default: from the extension (.bin binary, .vec fastText, anything else word2vec text); GloVe only when asked. */
  format?: VectorFormat;
  /** Binary only: follow each vector with "\n" like the C tool and gensim (default true). */
  trailingNewline?: boolean;
}

/** Enough bytes to see the header and a whole first row even for wide binary vectors. */
const HEAD_BYTES = 64 * 1024;

/**
 * Reads vectors in any of the four formats, plain or gzip-compressed (detected from the magic
 * bytes), a UTF-8 byte order mark ignored. Reads streaming, opening the file once: extra memory is
 * one chunk plus the vectors kept. Problems with the file are WordloomErrors naming it, and the
 * line or row; a header is checked against the file's size before anything is allocated.
 */
export async function loadVectors(path: string, options: LoadVectorsOptions = {}): Promise<VectorSet> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (options.limit !== undefined) checkOption('limit', options.limit, { min: 1, integer: true });
  const requested = options.format ?? 'auto';
  if (requested !== 'auto' && !VECTOR_FORMATS.includes(requested)) {
    throw new WordloomError('EOPTION', `unknown vector format "${String(requested)}", expected auto or one of ${VECTOR_FORMATS.join(', ')}`);
  }
  const onWarning = options.onWarning ?? (() => undefined);
  // A fastText model (.bin with its magic number): its word vectors, n-grams averaged in.
  const model = await loadFastTextIfModel(path, { limit: options.limit, format: requested });
  if (model) return model.set;
  const input = await openInput(path, { what: 'a vectors file' });
  const source = input.chunks({ stripBom: true });
  const { head, complete, chunks } = await peek(source, HEAD_BYTES);
  let format: VectorFormat;
  try {
    format = requested === 'auto' ? detectFormatFromHead(head, path, complete) : requested;
    options.onFormat?.(format);
  } catch (err) {
    await source.return(undefined);
    throw err;
  }
  const contentBytes = input.contentHint;
  if (format === 'word2vec-binary') return readBinaryVectors(chunks, { path, limit, contentBytes, contentBound: input.contentBound, onWarning });
  return readTextVectors(chunks, { path, limit, contentBytes, onWarning, header: format !== 'glove' });
}

/** The format `loadVectors` would detect for this file. */
export async function detectVectorFormat(path: string): Promise<VectorFormat> {
  const input = await openInput(path, { what: 'a vectors file' });
  const source = input.chunks({ stripBom: true });
  try {
    const { head, complete } = await peek(source, HEAD_BYTES);
    return detectFormatFromHead(head, path, complete);
  } finally {
    await source.return(undefined);
  }
}

/** Writes atomically (temporary name, then rename); a `.gz` name is gzip-compressed. */
export async function saveVectors(path: string, set: VectorSet, options: SaveVectorsOptions = {}): Promise<void> {
  const format = options.format ?? formatFromExtension(path);
  if (!VECTOR_FORMATS.includes(format)) {
    throw new WordloomError('EOPTION', `unknown vector format "${String(format)}", expected one of ${VECTOR_FORMATS.join(', ')}`);
  }
  const body = (sink: Sink) =>
    format === 'word2vec-binary'
      ? writeBinaryVectors(sink, set, options.trailingNewline ?? true)
      : writeTextVectors(sink, set, format !== 'glove');
  await writeFileAtomic(path, (sink) => (/\.gz$/i.test(path) ? gzipInto(sink, body) : body(sink)));
}

type Sink = { write(chunk: string | Uint8Array): Promise<void> };

async function gzipInto(sink: Sink, body: (sink: Sink) => Promise<void>): Promise<void> {
  const gzip = createGzip();
  const drained = (async () => {
    for await (const chunk of gzip) await sink.write(chunk as Buffer);
  })();
  drained.catch(() => undefined);
  await body({
    write: (chunk) => new Promise<void>((resolve, reject) => gzip.write(chunk, (err) => (err ? reject(err) : resolve()))),
  });
  gzip.end();
  await drained;
}

/** Buffers the first `bytes` bytes (or the whole file if smaller: `complete`) and replays them before the rest. */
async function peek(source: AsyncGenerator<Buffer>, bytes: number): Promise<{ head: Buffer; complete: boolean; chunks: AsyncIterable<Buffer> }> {
  const taken: Buffer[] = [];
  let size = 0;
  let finished = false;
  while (size < bytes) {
    const next = await source.next();
    if (next.done) {
      finished = true;
      break;
    }
    taken.push(next.value);
    size += next.value.length;
  }
  const head = taken.length === 1 ? taken[0]! : Buffer.concat(taken);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (!finished) yield* source;
    } finally {
      await source.return(undefined);
    }
  }
  return { head, complete: finished, chunks: replay() };
}
