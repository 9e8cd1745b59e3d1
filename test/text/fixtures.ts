import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { seededRandom } from '../seeded-random.js';

export { seededRandom };
export { useTempDir } from '../helpers/temp-folder.js';


export function writeFixture(dir: string, name: string, content: string | Uint8Array, gzip = false): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}


/** Random words over a small alphabet with some non-ASCII letters, Zipf-ish frequencies. */
export function randomWords(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const letters = ['a', 'b', 'c', 'd', 'e', 'é', 'ß', 'ж', '字', '😀'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() ** 2 * 8);
    let word = '';
    for (let k = 0; k < length; k++) word += letters[Math.floor(random() ** 3 * letters.length)];
    out.push(word);
  }
  return out;
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Concatenates Int32Array chunks into one plain array. */
export async function collectIds(chunks: AsyncIterable<Int32Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of chunks) for (const id of chunk) out.push(id);
  return out;
}
