import { WordloomError } from '../errors.js';

/**
 * A vocabulary and its vectors: `words[i]` owns row i of `vectors`, one contiguous row-major
 * Float32Array of `size * dim` values. Rows keep file order, which for trained and published
 * vectors is descending frequency (evaluation's `restrictVocab` relies on that).
 *
 * Lookups are exact and case-sensitive; evaluation does its own case folding.
 */
export class VectorSet {
  readonly words: readonly string[];
  readonly vectors: Float32Array;
  readonly dim: number;
  private readonly indexByWord: Map<string, number>;

  constructor(words: readonly string[], vectors: Float32Array, dim: number) {
    if (!Number.isInteger(dim) || dim < 1) throw new WordloomError('EOPTION', `vector dimension must be a positive integer, got ${dim}`);
    if (vectors.length !== words.length * dim) {
      throw new WordloomError(
        'EFORMAT',
        `vector set has ${words.length} words of dimension ${dim} but ${vectors.length} values (expected ${words.length * dim})`,
      );
    }
    this.words = words;
    this.vectors = vectors;
    this.dim = dim;
    this.indexByWord = new Map();
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (this.indexByWord.has(w)) throw new WordloomError('EFORMAT', `duplicate word "${w}" at rows ${this.indexByWord.get(w)} and ${i}`);
      this.indexByWord.set(w, i);
    }
  }

  /** Number of words (rows). */
  get size(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    return this.indexByWord.has(word);
  }

  /** Row of `word`, or -1 when absent. */
  indexOf(word: string): number {
    return this.indexByWord.get(word) ?? -1;
  }

  /** A view (not a copy) of row `index`. */
  row(index: number): Float32Array {
    return this.vectors.subarray(index * this.dim, (index + 1) * this.dim);
  }

  /** A view of the raw vector of `word`, or undefined when it is not in the vocabulary. */
  get(word: string): Float32Array | undefined {
    const i = this.indexByWord.get(word);
    return i === undefined ? undefined : this.row(i);
  }

  /** The first `n` words as a new set sharing no memory with this one. */
  slice(n: number): VectorSet {
    const k = Math.min(n, this.size);
    return new VectorSet(this.words.slice(0, k), this.vectors.slice(0, k * this.dim), this.dim);
  }
}
