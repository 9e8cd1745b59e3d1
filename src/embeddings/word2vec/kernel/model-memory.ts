/**
 * All word2vec model state in ONE shared WebAssembly.Memory, so that the wasm kernel, the JS
 * fallback kernel and every worker thread read and write the very same bytes (Hogwild, no locks).
 *
 * Layout (byte offsets, every block 16-byte aligned so f32x4 loads of a row never straddle oddly):
 *   [0, 64 KiB)          reserved for the wasm module's own statics/stack (offset 0 means "absent")
 *   syn0                 (vocabSize+bucket)*dim f32   input vectors: the words' rows, then the
 *                        fastText n-gram rows (bucket = 0 for word2vec)
 *   syn1neg              vocabSize*dim f32   output vectors for negative sampling (if negative > 0)
 *   syn1                 vocabSize*dim f32   inner-node vectors for hierarchical softmax (if hs)
 *   negTable             negTableSize i32
 *   codes                vocabSize*maxCodeLength u8
 *   points               vocabSize*maxCodeLength i32
 *   codeLengths          vocabSize i32
 *   sigmoidTable         TABLE_INTERVALS+1 f32   sigmoid on [-TABLE_MAX, TABLE_MAX]
 *   softplusTable        TABLE_INTERVALS+1 f32   log(1+e^x) on the same grid (the loss)
 *   subwordStarts        vocabSize+1 i32     word i's n-gram rows are subwordRows[starts[i]..starts[i+1])
 *   subwordRows          subwordCount i32    syn0 row numbers (vocabSize + hash row); both absent
 *                                            when subwordCount is 0 (word2vec)
 *   scratch[threads]     per-thread: context block, sentence buffer, neu1, neu1e, negatives ring,
 *                        target list
 * The tables live in the shared memory (not in each kernel) so both kernels interpolate the very
 * same numbers, which keeps wasm and JS results equal up to float rounding.
 */
import { WordloomError, checkOption } from '../../../errors.js';
import './wasm-globals.js';

export interface ModelLayout {
  vocabSize: number;
  dim: number;
  negative: number;
  hs: boolean;
  negTableSize: number;
  maxCodeLength: number;
  threads: number;
  maxSentence: number;
  /** fastText: n-gram rows appended to syn0 after the word rows. Default 0 (word2vec). */
  bucket?: number;
  /** fastText: length of the subword row list of all words together. Default 0 (word2vec: every
   *  word's input vector is its own row, and the kernels run exactly the word2vec path). */
  subwordCount?: number;
}

/** Byte offsets of every block; 0 = block absent. Passed to the wasm kernel as plain pointers. */
export interface ModelOffsets {
  syn0: number;
  syn1neg: number;
  syn1: number;
  negTable: number;
  codes: number;
  points: number;
  codeLengths: number;
  sigmoidTable: number;
  softplusTable: number;
  subwordStarts: number;
  subwordRows: number;
  /** First thread's scratch region; thread t starts at scratch + t * scratchStride. */
  scratch: number;
  scratchStride: number;
  /** Offsets inside one thread's scratch region (after the CTX block). */
  sentence: number;
  neu1: number;
  neu1e: number;
  ring: number;
  /** Capacity of the negatives ring: a power of two >= 4 * negative (the current pair + up to three pairs ahead). */
  ringSize: number;
  /** Per-pair target list of the wasm kernel: (row pointer, label) x (maxCodeLength + negative + 1). */
  targets: number;
  totalBytes: number;
}

export interface ModelMemory {
  layout: ModelLayout;
  offsets: ModelOffsets;
  memory: WebAssembly.Memory;
  syn0: Float32Array;
  syn1neg: Float32Array | null;
  syn1: Float32Array | null;
  negTable: Int32Array;
  codes: Uint8Array;
  points: Int32Array;
  codeLengths: Int32Array;
  sigmoidTable: Float32Array;
  softplusTable: Float32Array;
  /** Empty when the layout has no subwords. */
  subwordStarts: Int32Array;
  subwordRows: Int32Array;
}

/** Sigmoid/softplus tables: linear interpolation on 2048 intervals over [-8, 8] (step 1/128)
 *  is accurate to ~1e-6, so gradients match finite differences and the loss is nearly exact. */
export const TABLE_MAX = 8;
export const TABLE_INTERVALS = 2048;

/** Per-thread context block: the parameters and pointers one kernel call needs, so the wasm
 *  entry point takes a single pointer instead of twenty arguments. Field byte offsets: */
export const CTX = {
  syn0: 0,
  syn1neg: 4,
  syn1: 8,
  negTable: 12,
  negTableSize: 16,
  codes: 20,
  points: 24,
  codeLengths: 28,
  maxCodeLength: 32,
  dim: 36,
  negative: 40,
  hs: 44,
  sg: 48,
  window: 52,
  sentence: 56,
  neu1: 60,
  neu1e: 64,
  sigmoidTable: 72,
  softplusTable: 76,
  loss: 80, // f64: summed loss since the last takeStats
  examples: 88, // f64: (center, target) updates
  pairs: 96, // f64: (center, context) pairs (skip-gram) or center words (CBOW)
  rngWindow: 112, // 4 x u32 xoshiro128** state of the window-shrink stream
  rngNegative: 128, // 4 x u32 state of the negative-draw stream
  ring: 144, // pointer: negatives drawn ahead of use (wasm kernel; see assembly/word2vec.ts)
  ringMask: 148, // ring capacity - 1 (a power of two)
  ringHead: 152, // index of the next unused negative
  ringCount: 156, // negatives drawn but not used yet
  targets: 160, // pointer: this pair's (row pointer, label) list (wasm kernel)
  subwordStarts: 164, // pointer, 0 = no subwords (word2vec)
  subwordRows: 168, // pointer
  bytes: 192,
} as const;

const PAGE = 65536;
const RESERVED = PAGE;
const MAX_PAGES = 65536; // wasm32: 4 GiB

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

function validate(layout: ModelLayout): void {
  checkOption('vocabSize', layout.vocabSize, { min: 1, integer: true });
  checkOption('dim', layout.dim, { min: 1, max: 10000, integer: true });
  checkOption('negative', layout.negative, { min: 0, max: 1000, integer: true });
  checkOption('maxCodeLength', layout.maxCodeLength, { min: 1, max: 255, integer: true });
  checkOption('threads', layout.threads, { min: 1, max: 1024, integer: true });
  checkOption('maxSentence', layout.maxSentence, { min: 1, integer: true });
  checkOption('bucket', layout.bucket ?? 0, { min: 0, integer: true });
  checkOption('subwordCount', layout.subwordCount ?? 0, { min: 0, integer: true });
  if (layout.negative > 0) checkOption('negTableSize', layout.negTableSize, { min: 1, integer: true });
  if (layout.negative === 0 && !layout.hs) {
    throw new WordloomError('EOPTION', 'option negative must be at least 1 when hierarchical softmax is off');
  }
}

export function computeOffsets(layout: ModelLayout): ModelOffsets {
  validate(layout);
  const { vocabSize, dim, negative, hs, maxCodeLength, threads, maxSentence } = layout;
  const negTableSize = negative > 0 ? layout.negTableSize : 0;
  const matrix = align16(vocabSize * dim * 4);
  const inputMatrix = align16((vocabSize + (layout.bucket ?? 0)) * dim * 4);
  const subwordCount = layout.subwordCount ?? 0;
  let at = RESERVED;
  const take = (bytes: number): number => {
    const start = at;
    at += align16(bytes);
    return start;
  };
  const syn0 = take(inputMatrix);
  const syn1neg = negative > 0 ? take(matrix) : 0;
  const syn1 = hs ? take(matrix) : 0;
  const negTable = take(negTableSize * 4);
  const codes = take(vocabSize * maxCodeLength);
  const points = take(vocabSize * maxCodeLength * 4);
  const codeLengths = take(vocabSize * 4);
  const sigmoidTable = take((TABLE_INTERVALS + 1) * 4);
  const softplusTable = take((TABLE_INTERVALS + 1) * 4);
  const subwordStarts = subwordCount > 0 ? take((vocabSize + 1) * 4) : 0;
  const subwordRows = subwordCount > 0 ? take(subwordCount * 4) : 0;
  let ringSize = 4;
  while (ringSize < 4 * negative) ringSize *= 2;
  const sentence = CTX.bytes;
  const neu1 = sentence + align16(maxSentence * 4);
  const neu1e = neu1 + align16(dim * 4);
  const ring = neu1e + align16(dim * 4);
  const targets = ring + align16(ringSize * 4);
  // Whole cache lines per thread: no false sharing between threads' hot scratch.
  const scratchStride = Math.ceil((targets + (maxCodeLength + negative + 1) * 8) / 64) * 64;
  at = Math.ceil(at / 64) * 64;
  const scratch = take(scratchStride * threads);
  return {
    syn0, syn1neg, syn1, negTable, codes, points, codeLengths, sigmoidTable, softplusTable, subwordStarts, subwordRows,
    scratch, scratchStride, sentence, neu1, neu1e, ring, ringSize, targets, totalBytes: at,
  };
}

function views(memory: WebAssembly.Memory, layout: ModelLayout, offsets: ModelOffsets): ModelMemory {
  const buf = memory.buffer;
  if (buf.byteLength < offsets.totalBytes) {
    throw new WordloomError('EOPTION', `model memory has ${buf.byteLength} bytes, the layout needs ${offsets.totalBytes}`);
  }
  const rows = layout.vocabSize * layout.dim;
  const codeCells = layout.vocabSize * layout.maxCodeLength;
  return {
    layout,
    offsets,
    memory,
    syn0: new Float32Array(buf, offsets.syn0, (layout.vocabSize + (layout.bucket ?? 0)) * layout.dim),
    syn1neg: offsets.syn1neg ? new Float32Array(buf, offsets.syn1neg, rows) : null,
    syn1: offsets.syn1 ? new Float32Array(buf, offsets.syn1, rows) : null,
    negTable: new Int32Array(buf, offsets.negTable, layout.negative > 0 ? layout.negTableSize : 0),
    codes: new Uint8Array(buf, offsets.codes, codeCells),
    points: new Int32Array(buf, offsets.points, codeCells),
    codeLengths: new Int32Array(buf, offsets.codeLengths, layout.vocabSize),
    sigmoidTable: new Float32Array(buf, offsets.sigmoidTable, TABLE_INTERVALS + 1),
    softplusTable: new Float32Array(buf, offsets.softplusTable, TABLE_INTERVALS + 1),
    subwordStarts: new Int32Array(buf, offsets.subwordStarts, offsets.subwordStarts ? layout.vocabSize + 1 : 0),
    subwordRows: new Int32Array(buf, offsets.subwordRows, offsets.subwordRows ? (layout.subwordCount ?? 0) : 0),
  };
}

function fillTables(model: ModelMemory): void {
  for (let i = 0; i <= TABLE_INTERVALS; i++) {
    const x = (i / TABLE_INTERVALS) * 2 * TABLE_MAX - TABLE_MAX;
    model.sigmoidTable[i] = 1 / (1 + Math.exp(-x));
    // log1p(e^x) written stably for negative and positive x.
    model.softplusTable[i] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
}

/** Main thread: one shared, fixed-size memory (maximum = initial, so the buffer never grows and
 *  typed-array views stay valid in every thread). Weights start at zero; the trainer fills syn0. */
export function allocateModel(layout: ModelLayout): ModelMemory {
  const offsets = computeOffsets(layout);
  const pages = Math.ceil(offsets.totalBytes / PAGE);
  if (pages > MAX_PAGES) {
    throw new WordloomError(
      'EOPTION',
      `model needs ${(offsets.totalBytes / 2 ** 30).toFixed(2)} GiB, more than the 4 GiB a wasm32 memory can hold (reduce vocabulary or dim)`,
    );
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const model = views(memory, layout, offsets);
  fillTables(model);
  return model;
}

/** Worker threads: the same views over the Memory received from the main thread. */
export function attachModel(memory: WebAssembly.Memory, layout: ModelLayout): ModelMemory {
  return views(memory, layout, computeOffsets(layout));
}
