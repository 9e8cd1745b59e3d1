import { WordloomError, checkOption } from '../errors.js';
import { quote } from '../util/printable.js';
import { UnitMatrix } from './kernels/unit-matrix.js';
import { normalizeInPlace } from './kernels/unit-rows.js';
import { cosAddQuery, cosMulScores } from './analogy-scores.js';
import { TopK } from './top-k.js';
import type { VectorSet } from './vector-set.js';
import { loadVectors, type LoadVectorsOptions } from './formats/index.js';
import type { SubwordVectors } from './fasttext/subword-vectors.js';
import { loadFastTextIfModel } from './fasttext/load.js';

/** A word, or a raw vector of the set's dimension. */
export type QueryTerm = string | Float32Array;

export interface MostSimilarOptions {
  /** Words (or vectors) to move towards; each weighs +1. */
  positive?: QueryTerm | readonly QueryTerm[];
  /** Words (or vectors) to move away from; each weighs -1. */
  negative?: QueryTerm | readonly QueryTerm[];
  /** How many neighbours to return (default 10). */
  topn?: number;
  /** Search only the first N rows (the N most frequent words in frequency-sorted files). */
  restrictVocab?: number;
  /** Ignore an attached approximate index and scan every row. */
  exact?: boolean;
}

export interface Neighbor {
  word: string;
  similarity: number;
}

/** What `KeyedVectors.useIndex` accepts: an approximate nearest-neighbour index over the set's rows. */
export interface NeighborIndex {
  /** Row ids and cosine similarities of about the `k` rows nearest to `query`, best first. */
  search(query: Float32Array, k: number): { ids: number[]; similarities: number[] };
}

/**
 * Similarity queries over a vector set, with gensim's semantics:
 * - cosine similarity on unit-normalised rows (normalised once, on first use);
 * - `mostSimilar` ranks rows by cosine with the normalised mean of the unit positive vectors
 *   minus the unit negative vectors, and never returns the query words themselves;
 * - lookups are exact and case-sensitive ("King" and "king" are different words); an unknown
 *   word throws a WordloomError (code EVOCAB) naming the word and the vectors' name, suggesting
 *   the lower-case form when that one exists. Use `has` to test first.
 * - with `subwords` (a fastText model), a word outside the vocabulary is answered from its
 *   character n-grams, as fastText does; `has` stays exact, `canAnswer` tells both apart.
 */
export class KeyedVectors {
  readonly set: VectorSet;
  /** Used in messages, e.g. the file the vectors came from. */
  readonly name: string;
  private unitMatrix: UnitMatrix | null = null;
  private index: NeighborIndex | null = null;
  private readonly simd: boolean;
  /** 3CosMul's scores (and denominators, for several negative terms): allocated on first use, reused by every query. */
  private cosMulOut: Float64Array | null = null;
  private cosMulScratch: Float64Array | null = null;
  /** fastText character n-grams: vectors for words outside the vocabulary (null for plain vectors). */
  readonly subwords: SubwordVectors | null;

  constructor(set: VectorSet, options: { name?: string; simd?: boolean; subwords?: SubwordVectors | null } = {}) {
    this.set = set;
    this.name = options.name ?? 'the vectors';
    this.simd = options.simd ?? true;
    this.subwords = options.subwords ?? null;
  }

  /**
   * Loads a vectors file (any format, .gz ok) or a fastText model (`.bin`: then unseen words are
   * answered from their n-grams); errors about unknown words will name the file.
   */
  static async fromFile(path: string, options: LoadVectorsOptions & { simd?: boolean } = {}): Promise<KeyedVectors> {
    const model = await loadFastTextIfModel(path, options);
    if (model) return new KeyedVectors(model.set, { name: path, simd: options.simd, subwords: model });
    return new KeyedVectors(await loadVectors(path, options), { name: path, simd: options.simd });
  }

  /** True when `word` has a vector: in the vocabulary, or (fastText) from its n-grams. */
  canAnswer(word: string): boolean {
    return this.set.has(word) || (this.subwords !== null && this.subwords.vectorFor(word) !== null);
  }

  /** Throws the EVOCAB error when `word` has no vector (see canAnswer). */
  check(word: string): void {
    if (!this.set.has(word)) this.termVector(word);
  }

  /** The raw vector of any word it can answer for (a view for vocabulary words: do not modify). */
  termVector(word: string): Float32Array {
    const known = this.set.get(word);
    if (known) return known;
    if (this.subwords === null) throw this.unknownWord(word);
    return this.subwords.require(word);
  }

  get words(): readonly string[] {
    return this.set.words;
  }

  get size(): number {
    return this.set.size;
  }

  get dim(): number {
    return this.set.dim;
  }

  /** The unit-normalised rows, computed on first use. */
  get unit(): UnitMatrix {
    if (this.unitMatrix === null) this.unitMatrix = new UnitMatrix(this.set.vectors, this.set.size, this.set.dim, { simd: this.simd });
    return this.unitMatrix;
  }

  /** Makes `mostSimilar` and `similarByVector` use an approximate index (null: exact search again). */
  useIndex(index: NeighborIndex | null): void {
    this.index = index;
  }

  get approximateIndex(): NeighborIndex | null {
    return this.index;
  }

  has(word: string): boolean {
    return this.set.has(word);
  }

  /** Row of `word`; throws EVOCAB when it is unknown. */
  indexOf(word: string): number {
    const i = this.set.indexOf(word);
    if (i < 0) throw this.unknownWord(word);
    return i;
  }

  /** The raw vector of `word` (a view: do not modify), or undefined when unknown. */
  get(word: string): Float32Array | undefined {
    return this.set.get(word);
  }

  /** The raw vector of `word` (a view: do not modify); throws EVOCAB when unknown. */
  vector(word: string): Float32Array {
    return this.set.row(this.indexOf(word));
  }

  /** The unit-length vector of `word` (a view); throws EVOCAB when unknown. */
  unitVector(word: string): Float32Array {
    return this.unit.row(this.indexOf(word));
  }

  /** Cosine similarity of two words (fastText: unseen words from their n-grams). */
  similarity(a: string, b: string): number {
    if (this.subwords === null || (this.set.has(a) && this.set.has(b))) return this.unit.dot(this.indexOf(a), this.indexOf(b));
    const x = this.unitTerm(a);
    const y = this.unitTerm(b);
    let s = 0;
    for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
    return s;
  }

  /** The `topn` words nearest to the combination of positive and negative terms (3CosAdd for analogies). */
  mostSimilar(options: MostSimilarOptions): Neighbor[] {
    const positive = asList(options.positive);
    const negative = asList(options.negative);
    const topn = options.topn ?? 10;
    checkOption('topn', topn, { min: 0, integer: true });
    if (positive.length + negative.length === 0) throw new WordloomError('EUSAGE', 'mostSimilar needs at least one positive or negative word');
    const query = cosAddQuery(positive.map((t) => this.unitTerm(t)), negative.map((t) => this.unitTerm(t)), new Float32Array(this.dim));
    return this.nearest(query, topn, this.queryRows(positive, negative), options);
  }

  /**
   * Levy and Goldberg's 3CosMul: rank by prod((1 + cos(w, p)) / 2) / (prod((1 + cos(w, n)) / 2) + 1e-6),
   * less dominated by one large similarity than 3CosAdd. Vectors given as terms are normalised.
   * The scores go into buffers kept for the next query.
   */
  mostSimilarCosMul(options: Omit<MostSimilarOptions, 'exact'>): Neighbor[] {
    const positive = asList(options.positive);
    const negative = asList(options.negative);
    const topn = options.topn ?? 10;
    checkOption('topn', topn, { min: 0, integer: true });
    if (positive.length === 0) throw new WordloomError('EUSAGE', 'mostSimilarCosMul needs at least one positive word');
    const rows = this.rowLimit(options.restrictVocab);
    const excluded = this.queryRows(positive, negative);
    const units = (terms: readonly QueryTerm[]) => terms.map((t) => this.unitTerm(t));
    const scores = (this.cosMulOut ??= new Float64Array(this.size));
    const scratch = negative.length > 1 ? (this.cosMulScratch ??= new Float64Array(this.size)) : undefined;
    cosMulScores(this.unit, units(positive), units(negative), rows, scores, scratch);
    const heap = new TopK(topn + excluded.size);
    heap.offerAll(scores, rows);
    return this.toNeighbors(heap, excluded, topn);
  }

  /** Words nearest to a raw vector (nothing excluded). */
  similarByVector(vector: Float32Array, options: { topn?: number; restrictVocab?: number; exact?: boolean } = {}): Neighbor[] {
    const topn = options.topn ?? 10;
    checkOption('topn', topn, { min: 0, integer: true });
    const query = this.unitTerm(vector); // already a fresh normalised copy
    return this.nearest(query, topn, new Set(), options);
  }

  /** Words nearest to `word`, the word itself excluded. */
  similarByWord(word: string, options: { topn?: number; restrictVocab?: number; exact?: boolean } = {}): Neighbor[] {
    return this.mostSimilar({ ...options, positive: [word] });
  }

  /** The word furthest from the normalised mean of the unit vectors of all the words. */
  doesntMatch(words: readonly string[]): string {
    if (words.length === 0) throw new WordloomError('EUSAGE', 'doesntMatch needs at least one word');
    const rows = words.map((w) => this.indexOf(w));
    const mean = new Float32Array(this.dim);
    for (const r of rows) {
      const v = this.unit.row(r);
      for (let k = 0; k < this.dim; k++) mean[k] = mean[k]! + v[k]!;
    }
    normalizeInPlace(mean);
    let worst = 0;
    let worstScore = Number.POSITIVE_INFINITY;
    rows.forEach((r, i) => {
      const v = this.unit.row(r);
      let s = 0;
      for (let k = 0; k < this.dim; k++) s += v[k]! * mean[k]!;
      if (s < worstScore) {
        worstScore = s;
        worst = i;
      }
    });
    return words[worst]!;
  }

  /** 1 + the number of words (other than `a`) closer to `a` than `b` is: 1 when `b` is `a`'s nearest neighbour. */
  rank(a: string, b: string): number {
    const ia = this.indexOf(a);
    const ib = this.indexOf(b);
    const scores = this.unit.scores(this.unit.row(ia));
    const target = scores[ib]!;
    let closer = 0;
    for (let i = 0; i < scores.length; i++) if (scores[i]! > target && i !== ia) closer++;
    return closer + 1;
  }

  /** The EVOCAB error for `word`, with a hint when only its lower-case form is known. */
  unknownWord(word: string): WordloomError {
    const lower = word.toLowerCase();
    const hint = lower !== word && this.set.has(lower) ? ` (did you mean ${quote(lower)}?)` : '';
    return new WordloomError('EVOCAB', `word ${quote(word)} is not in the vocabulary of ${this.name}${hint}`);
  }

  private nearest(query: Float32Array, topn: number, excluded: Set<number>, options: { restrictVocab?: number; exact?: boolean }): Neighbor[] {
    const rows = this.rowLimit(options.restrictVocab);
    if (this.index !== null && !options.exact && rows === this.size) {
      const found = this.index.search(query, Math.min(this.size, topn + excluded.size));
      const out: Neighbor[] = [];
      for (let i = 0; i < found.ids.length && out.length < topn; i++) {
        const id = found.ids[i]!;
        if (!excluded.has(id)) out.push({ word: this.set.words[id]!, similarity: found.similarities[i]! });
      }
      return out;
    }
    const heap = new TopK(topn + excluded.size);
    heap.offerAll(this.unit.scores(query, rows), rows);
    return this.toNeighbors(heap, excluded, topn);
  }

  private toNeighbors(heap: TopK, excluded: Set<number>, topn: number): Neighbor[] {
    const { ids, scores } = heap.sorted();
    const out: Neighbor[] = [];
    for (let i = 0; i < ids.length && out.length < topn; i++) {
      if (!excluded.has(ids[i]!)) out.push({ word: this.set.words[ids[i]!]!, similarity: scores[i]! });
    }
    return out;
  }

  private rowLimit(restrictVocab: number | undefined): number {
    if (restrictVocab === undefined) return this.size;
    checkOption('restrictVocab', restrictVocab, { min: 1, integer: true });
    return Math.min(restrictVocab, this.size);
  }

  private unitTerm(term: QueryTerm): Float32Array {
    if (typeof term === 'string') {
      if (this.subwords === null || this.set.has(term)) return this.unitVector(term);
      term = this.subwords.require(term);
    }
    if (term.length !== this.dim) {
      throw new WordloomError('EOPTION', `query vector has ${term.length} values, expected ${this.dim} (the dimension of ${this.name})`);
    }
    const v = term.slice();
    normalizeInPlace(v);
    return v;
  }

  private queryRows(positive: readonly QueryTerm[], negative: readonly QueryTerm[]): Set<number> {
    const rows = new Set<number>();
    for (const t of [...positive, ...negative]) {
      if (typeof t !== 'string') continue;
      const i = this.set.indexOf(t);
      if (i >= 0) rows.add(i);
      else if (this.subwords === null) throw this.unknownWord(t);
    }
    return rows;
  }
}

function asList(terms: QueryTerm | readonly QueryTerm[] | undefined): readonly QueryTerm[] {
  if (terms === undefined) return [];
  if (typeof terms === 'string' || terms instanceof Float32Array) return [terms];
  return terms;
}
