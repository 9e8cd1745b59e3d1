/**
 * Merges shards sorted by (word1, word2) into one sorted file, adding up the counts of a pair
 * that appears in several shards: a binary heap over the shards' current records, one block of
 * each shard in memory.
 */
import { RecordReader, RecordWriter } from './records.js';

const PACK = 2 ** 26;

export function mergeShards(shards: readonly string[], out: RecordWriter, onRecords?: (merged: number) => void): void {
  const readers = shards.map((path) => new RecordReader(path));
  const position = new Int32Array(readers.length);
  const keys = new Float64Array(readers.length);
  const heap = new Int32Array(readers.length);
  let size = 0;
  const keyOf = (r: number): number => {
    const reader = readers[r]!;
    const i = position[r]!;
    return reader.word1[i]! * PACK + reader.word2[i]!;
  };
  const siftDown = (at: number): void => {
    const item = heap[at]!;
    const key = keys[item]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[heap[child + 1]!]! < keys[heap[child]!]!) child++;
      if (keys[heap[child]!]! >= key) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = item;
  };
  for (let r = 0; r < readers.length; r++) {
    if (readers[r]!.next()) {
      keys[r] = keyOf(r);
      heap[size++] = r;
    }
  }
  for (let at = (size >> 1) - 1; at >= 0; at--) siftDown(at);

  let currentKey = -1;
  let currentValue = 0;
  let merged = 0;
  while (size > 0) {
    const r = heap[0]!;
    const reader = readers[r]!;
    const key = keys[r]!;
    const value = reader.value[position[r]!]!;
    if (key === currentKey) currentValue += value;
    else {
      if (currentKey >= 0) {
        const a = Math.floor(currentKey / PACK);
        out.write(a, currentKey - a * PACK, currentValue);
        if ((++merged & 0xfffff) === 0) onRecords?.(merged);
      }
      currentKey = key;
      currentValue = value;
    }
    // advance this shard
    if (++position[r]! >= reader.length) {
      position[r] = 0;
      if (!reader.next()) {
        heap[0] = heap[--size]!;
        if (size > 0) siftDown(0);
        continue;
      }
    }
    keys[r] = keyOf(r);
    siftDown(0);
  }
  if (currentKey >= 0) {
    const a = Math.floor(currentKey / PACK);
    out.write(a, currentKey - a * PACK, currentValue);
  }
  for (const reader of readers) reader.close();
}
