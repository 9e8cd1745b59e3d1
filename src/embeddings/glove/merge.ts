/**
 * Merges one partition's counts into sorted records: its rows of the dense table (in memory)
 * and its shards (files sorted by (word1, word2)), adding up the counts of a pair found in
 * several. The sum is taken in a fixed order, dense first and then the shards in the order they
 * were spilled, so the same inputs always give the same bytes. Shards are read a block at a time
 * through typed-array views of the record layout; no allocation per record.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { PACK } from './count-plan.js';
import { BLOCK_RECORDS, RECORD_BYTES, type RecordWriter } from './records.js';

/** Rows [lo, hi) of a dense table: row a's entry for word2 b is values[rowStart[a] + b - 1]. */
export interface DenseRows {
  lo: number;
  hi: number;
  rowStart: Uint32Array;
  values: Float64Array;
}

/** A shard read record by record; `key` is word1 * 2^26 + word2, Infinity past the end. */
class ShardCursor {
  private readonly bytes = new Uint8Array(BLOCK_RECORDS * RECORD_BYTES);
  private readonly ints = new Int32Array(this.bytes.buffer);
  private readonly doubles = new Float64Array(this.bytes.buffer);
  private length = 0;
  private index = 0;
  private position = 0;
  private fd: number;
  key = Number.POSITIVE_INFINITY;
  value = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.advance();
  }

  advance(): void {
    if (++this.index >= this.length && !this.load()) {
      this.key = Number.POSITIVE_INFINITY;
      return;
    }
    const i = this.index;
    this.key = this.ints[4 * i]! * PACK + this.ints[4 * i + 1]!;
    this.value = this.doubles[2 * i + 1]!;
  }

  private load(): boolean {
    if (this.fd < 0) return false;
    let got = 0;
    while (got < this.bytes.length) {
      const n = readSync(this.fd, this.bytes, got, this.bytes.length - got, this.position + got);
      if (n === 0) break;
      got += n;
    }
    this.position += got;
    this.length = Math.floor(got / RECORD_BYTES);
    this.index = 0;
    if (this.length === 0) this.close();
    return this.length > 0;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Writes the partition's records to `out`, sorted by (word1, word2). */
export function mergePartition(dense: DenseRows, shards: readonly string[], out: RecordWriter): void {
  const cursors = shards.map((path) => new ShardCursor(path));
  const { rowStart, values, hi } = dense;
  // the dense cursor: row a, flat index i (in row a, i < rowEnd), its key and value
  let a = dense.lo;
  let i = a < hi ? rowStart[a]! - 1 : 0;
  let rowEnd = a < hi ? rowStart[a + 1]! : 0;
  let denseKey = Number.POSITIVE_INFINITY;
  let denseValue = 0;
  const advanceDense = (): void => {
    if (a >= hi) return;
    for (;;) {
      i++;
      while (i >= rowEnd) {
        if (++a >= hi) {
          denseKey = Number.POSITIVE_INFINITY;
          return;
        }
        i = rowStart[a]!;
        rowEnd = rowStart[a + 1]!;
      }
      const x = values[i]!;
      if (x !== 0) {
        denseKey = a * PACK + (i - rowStart[a]! + 1);
        denseValue = x;
        return;
      }
    }
  };
  advanceDense();
  const n = cursors.length;
  try {
    for (;;) {
      let min = denseKey;
      for (let c = 0; c < n; c++) if (cursors[c]!.key < min) min = cursors[c]!.key;
      if (min === Number.POSITIVE_INFINITY) break;
      let sum = 0;
      if (denseKey === min) {
        sum += denseValue;
        advanceDense();
      }
      for (let c = 0; c < n; c++) {
        const cursor = cursors[c]!;
        if (cursor.key === min) {
          sum += cursor.value;
          cursor.advance();
        }
      }
      const word1 = Math.floor(min / PACK);
      out.write(word1, min - word1 * PACK, sum);
    }
  } finally {
    for (const c of cursors) c.close();
  }
}
