import { endianness } from 'node:os';
import { WordloomError } from '../../errors.js';
import { quote } from '../../util/printable.js';
import type { VectorSet } from '../vector-set.js';
import { formatFloat32 } from './format-float.js';

type Sink = { write(chunk: string | Uint8Array): Promise<void> };

// Text is flushed every 64 KiB: a larger rope of line strings survives young-generation
// collections, which makes V8 grow its new space; with 1 MiB, writing 50,000 vectors of 100
// raised the peak RSS by ~50 MB (64 KiB: ~1 MB, and no slower).
const FLUSH_BYTES = 1 << 16;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function checkWordWritable(word: string, row: number): void {
  if (word.length === 0 || /[\s]/.test(word)) {
    throw new WordloomError(
      'EFORMAT',
      `cannot save word ${quote(word)} (row ${row + 1}): vector file formats cannot hold empty words or words with whitespace`,
    );
  }
}

/** "word v1 ... vD" lines, after a "count dim" header unless `header` is false (GloVe). */
export async function writeTextVectors(sink: Sink, set: VectorSet, header: boolean): Promise<void> {
  const { dim, vectors } = set;
  let text = header ? `${set.size} ${dim}\n` : '';
  for (let i = 0; i < set.size; i++) {
    const word = set.words[i]!;
    checkWordWritable(word, i);
    let line = word;
    const base = i * dim;
    for (let k = 0; k < dim; k++) line += ` ${formatFloat32(vectors[base + k]!)}`;
    text += `${line}\n`;
    if (text.length >= FLUSH_BYTES) {
      await sink.write(text);
      text = '';
    }
  }
  if (text.length > 0) await sink.write(text);
}

/** The word2vec C tool's binary format; `trailingNewline` follows each vector with "\n" as the C tool does. */
export async function writeBinaryVectors(sink: Sink, set: VectorSet, trailingNewline: boolean): Promise<void> {
  const { dim, vectors } = set;
  const rowBytes = dim * 4;
  let buffer = Buffer.alloc(FLUSH_BYTES + rowBytes + 1024);
  let used = buffer.write(`${set.size} ${dim}\n`, 0, 'latin1');
  const bytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  for (let i = 0; i < set.size; i++) {
    const word = set.words[i]!;
    checkWordWritable(word, i);
    const wordBytes = Buffer.byteLength(word, 'utf8');
    const need = wordBytes + 2 + rowBytes;
    if (used + need > buffer.length) {
      await sink.write(buffer.subarray(0, used));
      buffer = Buffer.alloc(Math.max(FLUSH_BYTES, need) + rowBytes + 1024);
      used = 0;
    }
    used += buffer.write(word, used, 'utf8');
    buffer[used++] = 0x20;
    if (LITTLE_ENDIAN_HOST) buffer.set(bytes.subarray(i * rowBytes, (i + 1) * rowBytes), used);
    else for (let k = 0; k < dim; k++) buffer.writeFloatLE(vectors[i * dim + k]!, used + 4 * k);
    used += rowBytes;
    if (trailingNewline) buffer[used++] = 0x0a;
  }
  if (used > 0) await sink.write(buffer.subarray(0, used));
}
