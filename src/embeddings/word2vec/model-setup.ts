import { buildHuffmanCodes } from '../shared/huffman.js';
import { UNIGRAM_POWER, fillNegativeTable, negativeTableSize } from '../shared/negative-table.js';
import { SeededRandom, mixSeed } from '../shared/rng.js';
import { allocateModel, type ModelMemory } from './kernel/index.js';

/** word2vec C and fastText allow Huffman codes up to 40 bits. */
export const MAX_CODE_LENGTH = 40;

export interface ModelShape {
  /** Training counts by id: 0 for ids that are never trained (the special tokens). */
  counts: Float64Array;
  dim: number;
  negative: number;
  hs: boolean;
  threads: number;
  maxSentence: number;
  /** fastText: n-gram rows after the word rows, and each word's n-gram rows (see buildSubwordTable). */
  bucket?: number;
  subwords?: { starts: Int32Array; rows: Int32Array } | null;
  /** How the model starts (default WORD2VEC_INITIALIZATION). */
  initialization?: ModelInitialization;
}

/**
 * The two choices in which word2vec C and fastText differ before the first update: the power of
 * the counts in the negative-sampling table, and the input rows' uniform range (+-initRange/dim).
 */
export interface ModelInitialization {
  negativePower: number;
  initRange: number;
  /** Most slots of the negative-sampling table (4 bytes each). */
  negativeTableCap: number;
}

/** word2vec C: negatives from count^0.75, input rows uniform in (-0.5/dim, 0.5/dim). */
export const WORD2VEC_INITIALIZATION: ModelInitialization = { negativePower: UNIGRAM_POWER, initRange: 0.5, negativeTableCap: 10_000_000 };

/**
 * fastText 0.9.2: negatives from count^0.5 (NegativeSamplingLoss in loss.cc), which draws rare words
 * as negatives more often than 0.75 does, and input rows uniform in (-1/dim, 1/dim)
 * (createRandomMatrix in fasttext.cc). The table has at most 5e6 slots (fastText: 1e7), 19 MB less
 * on top of a model that is already ~850 MB: even a word of count 5 among 50,000 words of a 19M-token
 * corpus keeps ~19 slots, so its share is still within ~5%.
 */
export const FASTTEXT_INITIALIZATION: ModelInitialization = { negativePower: 0.5, initRange: 1, negativeTableCap: 5_000_000 };

/**
 * Allocates the shared model and fills what the kernels read: the negative table, the Huffman
 * codes, and syn0 uniform in (-initRange/dim, initRange/dim) (output weights stay 0).
 */
/** `seed` null leaves syn0 at zero for the caller to fill (a resume restores saved weights). */
export function createModel(shape: ModelShape, seed: number | null): ModelMemory {
  const { counts, dim, negative, hs, threads, maxSentence } = shape;
  const subwords = shape.subwords ?? null;
  const { negativePower, initRange, negativeTableCap } = shape.initialization ?? WORD2VEC_INITIALIZATION;
  let trainable = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) trainable++;
  const model = allocateModel({
    vocabSize: counts.length,
    dim,
    negative,
    hs,
    negTableSize: negative > 0 ? negativeTableSize(trainable, negativeTableCap) : 0,
    maxCodeLength: MAX_CODE_LENGTH,
    threads,
    maxSentence,
    bucket: shape.bucket ?? 0,
    subwordCount: subwords ? subwords.rows.length : 0,
  });
  if (subwords && subwords.rows.length > 0) {
    model.subwordStarts.set(subwords.starts);
    model.subwordRows.set(subwords.rows);
  }
  if (negative > 0) fillNegativeTable(counts, model.negTable, negativePower);
  if (hs) buildHuffmanCodes(counts, MAX_CODE_LENGTH, model);
  if (seed === null) return model;
  const rng = new SeededRandom(mixSeed(seed, 0x5eed));
  const syn0 = model.syn0;
  // (x - 0.5) * (2 * range) / dim rather than a simplified form, so that word2vec's range 0.5 gives
  // exactly the numbers it always has.
  const scale = 2 * initRange;
  for (let i = 0; i < syn0.length; i++) syn0[i] = ((rng.nextFloat() - 0.5) * scale) / dim;
  return model;
}
