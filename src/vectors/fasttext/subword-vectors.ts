import { WordloomError } from '../../errors.js';
import { forEachSubword, type SubwordSettings } from '../../text/subwords.js';
import { quote } from '../../util/printable.js';
import { VectorSet } from '../vector-set.js';

/**
 * Word vectors with fastText's character n-gram rows: a known word's vector is its row of `set`
 * (already the mean of its own row and its n-gram rows); an unseen word's vector is the mean of
 * its n-gram rows, as `fasttext print-word-vectors` computes it. A word none of whose n-grams
 * exist (too short for minn, or a model without n-grams) has no vector: that is reported, never
 * answered with zeros.
 */
export class SubwordVectors {
  constructor(
    /** The vocabulary's word vectors, in file order. */
    readonly set: VectorSet,
    /** bucket x dim n-gram rows (a view; empty when the model has no n-grams). */
    readonly ngramRows: Float32Array,
    readonly settings: SubwordSettings,
    /** Used in messages: the file the model came from. */
    readonly name: string,
  ) {}

  get dim(): number {
    return this.set.dim;
  }

  /** The vector of any word: its own for a known word, else from its n-grams; null when it has none. */
  vectorFor(word: string): Float32Array | null {
    const known = this.set.get(word);
    if (known) return known;
    return this.ngramVector(word);
  }

  /** The mean of `word`'s n-gram rows (ignoring the word's own row even when it is known); null without n-grams. */
  ngramVector(word: string): Float32Array | null {
    const { dim } = this;
    if (this.ngramRows.length === 0) return null;
    const out = new Float32Array(dim);
    let count = 0;
    const rows = this.ngramRows;
    forEachSubword(word, this.settings, (row) => {
      const o = row * dim;
      for (let k = 0; k < dim; k++) out[k] = out[k]! + rows[o + k]!;
      count++;
    });
    if (count === 0) return null;
    // Rows never trained hold zeros in fastText's own models: that is no n-gram in the model either.
    let any = false;
    for (let k = 0; k < dim && !any; k++) any = out[k] !== 0;
    if (!any) return null;
    // fastText scales by the float 1/n (Vector::mul), so the last bits match its vectors too.
    const inv = Math.fround(1 / count);
    for (let k = 0; k < dim; k++) out[k] = out[k]! * inv;
    return out;
  }

  /** The vector of `word`, or a WordloomError saying it is unknown and has no n-gram in the model. */
  require(word: string): Float32Array {
    const v = this.vectorFor(word);
    if (v === null) {
      const why = this.ngramRows.length === 0
        ? 'the model has no character n-grams'
        : `none of its character n-grams (${this.settings.minn}-${this.settings.maxn} characters) is in the model`;
      throw new WordloomError('EVOCAB', `word ${quote(word)} is not in the vocabulary of ${this.name} and ${why}, so it has no vector`);
    }
    return v;
  }
}

/**
 * Overwrites each word's row of `input` with its word vector (the mean of its row and its n-gram
 * rows), in place: the n-gram rows it reads lie after the word rows and are not changed, so the
 * model needs no second copy of its matrix. `skip(i)` words keep their row (fastText's `</s>`).
 */
export function averageWordRowsInPlace(words: readonly string[], input: Float32Array, dim: number, settings: SubwordSettings, skip: (i: number) => boolean): void {
  const nwords = words.length;
  for (let i = 0; i < nwords; i++) {
    if (skip(i)) continue;
    const o = i * dim;
    let count = 1;
    forEachSubword(words[i]!, settings, (row) => {
      const r = (nwords + row) * dim;
      for (let k = 0; k < dim; k++) input[o + k] = input[o + k]! + input[r + k]!;
      count++;
    });
    if (count === 1) continue;
    const inv = Math.fround(1 / count);
    for (let k = 0; k < dim; k++) input[o + k] = input[o + k]! * inv;
  }
}
