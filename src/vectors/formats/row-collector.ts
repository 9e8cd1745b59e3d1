import { WordloomError } from '../../errors.js';
import { quote } from '../../util/printable.js';
import { VectorSet } from '../vector-set.js';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Accumulates rows into one growing Float32Array and the word list, keeping the first of
 * duplicate words. Readers parse each row's values straight into `nextRow()` and then call
 * `commit(word)`; a duplicate simply leaves the slot to be overwritten, so nothing is copied.
 * Problems that do not stop the load are tallied and reported once at the end.
 */
export class RowCollector {
  readonly words: string[] = [];
  private readonly seen = new Map<string, number>();
  private storage: Float32Array | null = null;
  private capacity: number;
  private duplicates = 0;
  private firstDuplicate = '';
  private badUtf8 = 0;
  private firstBadUtf8 = '';

  /**
   * `expectedRows` sizes the first allocation, made when the first row arrives; callers bound it
   * (a header's count by the file size), since a lying header must not make us allocate
   * gigabytes. A good estimate means no regrowth and no final copy, so peak memory stays close to
   * the vectors themselves. `name` (the file) is for messages.
   */
  constructor(
    readonly dim: number,
    expectedRows: number,
    private readonly limit: number,
    private readonly name = 'vectors',
  ) {
    this.capacity = Math.max(1, Math.min(Math.ceil(expectedRows), limit));
  }

  get count(): number {
    return this.words.length;
  }

  get full(): boolean {
    return this.words.length >= this.limit;
  }

  /** Offset in `buffer` where the next row's values go; the buffer may move, so re-read it. */
  nextRowOffset(): number {
    if (this.storage === null) this.storage = this.allocate(this.capacity);
    else if (this.words.length === this.capacity) this.grow();
    return this.words.length * this.dim;
  }

  /** The rows so far; valid after nextRowOffset(). */
  get buffer(): Float32Array {
    return this.storage!;
  }

  /** Decodes the word from bytes: ASCII fast, UTF-8 otherwise, counting invalid sequences. */
  decodeWord(bytes: Buffer, start: number, end: number, place: string): string {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return bytes.toString('latin1', start, end);
    const view = bytes.subarray(start, end);
    try {
      return fatalUtf8.decode(view);
    } catch {
      this.badUtf8++;
      if (this.badUtf8 === 1) this.firstBadUtf8 = place;
      return lenientUtf8.decode(view);
    }
  }

  /** Keeps the row just written under `word`, unless the word was seen before. */
  commit(word: string, place: string): void {
    const earlier = this.seen.get(word);
    if (earlier !== undefined) {
      this.duplicates++;
      if (this.duplicates === 1) this.firstDuplicate = `${quote(word)} at ${place}`;
      return;
    }
    this.seen.set(word, this.words.length);
    this.words.push(word);
  }

  /** Summary warnings for problems that were tolerated. */
  warnings(path: string): string[] {
    const out: string[] = [];
    if (this.duplicates > 0) {
      out.push(
        `${path}: ${this.duplicates} duplicate word${this.duplicates === 1 ? '' : 's'} skipped, keeping the first occurrence (first duplicate: ${this.firstDuplicate})`,
      );
    }
    if (this.badUtf8 > 0) {
      out.push(
        `${path}: ${this.badUtf8} word${this.badUtf8 === 1 ? '' : 's'} with invalid UTF-8 bytes, replaced by U+FFFD (first at ${this.firstBadUtf8})`,
      );
    }
    return out;
  }

  finish(): VectorSet {
    const n = this.words.length;
    if (this.storage === null) return new VectorSet(this.words, new Float32Array(0), this.dim);
    // Copy to release the spare rows only when there are many of them.
    const spare = this.capacity - n;
    const vectors = spare <= this.capacity / 16 ? this.storage.subarray(0, n * this.dim) : this.storage.slice(0, n * this.dim);
    return new VectorSet(this.words, vectors, this.dim);
  }

  private grow(): void {
    const next = Math.min(Math.ceil(this.capacity * 1.5), Math.max(this.limit, this.capacity + 1));
    const storage = this.allocate(next);
    storage.set(this.storage!);
    this.storage = storage;
    this.capacity = next;
  }

  private allocate(rows: number): Float32Array {
    try {
      return new Float32Array(rows * this.dim);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const gb = (rows * this.dim * 4) / 2 ** 30;
      throw new WordloomError('EIO', `${this.name}: not enough memory for ${rows} vectors of dimension ${this.dim} (${gb.toFixed(1)} GiB); load fewer with --limit`);
    }
  }
}

/** "1 word", "2 words". */
export function words(n: number): string {
  return `${n} word${n === 1 ? '' : 's'}`;
}
