import { buildHuffmanCodes } from '../shared/huffman.js';
import { fillNegativeTable, negativeTableSize } from '../shared/negative-table.js';
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
}

/**
 * Allocates the shared model and fills what the kernels read: the negative table, the Huffman
 * codes, and syn0 uniform in (-0.5/dim, 0.5/dim) like word2vec C (output weights stay 0).
 */
/** `seed` null leaves syn0 at zero for the caller to fill (a resume restores saved weights). */
export function createModel(shape: ModelShape, seed: number | null): ModelMemory {
  const { counts, dim, negative, hs, threads, maxSentence } = shape;
  const subwords = shape.subwords ?? null;
  let trainable = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) trainable++;
  const model = allocateModel({
    vocabSize: counts.length,
    dim,
    negative,
    hs,
    negTableSize: negative > 0 ? negativeTableSize(trainable) : 0,
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
  if (negative > 0) fillNegativeTable(counts, model.negTable);
  if (hs) buildHuffmanCodes(counts, MAX_CODE_LENGTH, model);
  if (seed === null) return model;
  const rng = new SeededRandom(mixSeed(seed, 0x5eed));
  const syn0 = model.syn0;
  for (let i = 0; i < syn0.length; i++) syn0[i] = (rng.nextFloat() - 0.5) / dim;
  return model;
}
