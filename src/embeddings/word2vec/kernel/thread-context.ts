/**
 * Validates kernel options against the model layout and writes the thread's context block
 * (pointers and parameters, see CTX) into its scratch region. Both kernels start from it: the
 * wasm kernel reads it on every call, the JS kernel takes its RNG seed and scratch views from it.
 */
import { WordloomError, checkOption } from '../../../errors.js';
import { CTX, type ModelMemory } from './model-memory.js';
import type { KernelOptions } from './kernel-types.js';
import { NEGATIVE_STREAM, WINDOW_STREAM, seedStream } from './rng.js';

export interface ThreadScratch {
  /** Byte offset of the context block. */
  ctx: number;
  /** The context block as u32 words (the JS kernel reads its RNG seeds from it). */
  words: Uint32Array;
  sentence: Int32Array;
  neu1: Float32Array;
  neu1e: Float32Array;
}

export function prepareThread(model: ModelMemory, opts: KernelOptions): ThreadScratch {
  const { layout, offsets } = model;
  checkOption('threadIndex', opts.threadIndex, { min: 0, max: layout.threads - 1, integer: true });
  checkOption('window', opts.window, { min: 1, max: 1000, integer: true });
  checkOption('negative', opts.negative, { min: 0, max: layout.negative, integer: true }, 'at most the layout negative');
  if (opts.hs && !layout.hs) {
    throw new WordloomError('EOPTION', 'option hs needs a model layout allocated with hs: true');
  }
  if (!opts.hs && opts.negative === 0) {
    throw new WordloomError('EOPTION', 'option negative must be at least 1 when hierarchical softmax is off');
  }
  const ctx = offsets.scratch + opts.threadIndex * offsets.scratchStride;
  const sentence = ctx + offsets.sentence;
  const neu1 = ctx + offsets.neu1;
  const neu1e = ctx + offsets.neu1e;

  const buf = model.memory.buffer;
  const i32 = new Int32Array(buf, ctx, CTX.bytes / 4);
  const f64 = new Float64Array(buf, ctx, CTX.bytes / 8);
  i32[CTX.syn0 / 4] = offsets.syn0;
  i32[CTX.syn1neg / 4] = offsets.syn1neg;
  i32[CTX.syn1 / 4] = offsets.syn1;
  i32[CTX.negTable / 4] = offsets.negTable;
  i32[CTX.negTableSize / 4] = layout.negative > 0 ? layout.negTableSize : 0;
  i32[CTX.codes / 4] = offsets.codes;
  i32[CTX.points / 4] = offsets.points;
  i32[CTX.codeLengths / 4] = offsets.codeLengths;
  i32[CTX.maxCodeLength / 4] = layout.maxCodeLength;
  i32[CTX.dim / 4] = layout.dim;
  i32[CTX.negative / 4] = opts.negative;
  i32[CTX.hs / 4] = opts.hs ? 1 : 0;
  i32[CTX.sg / 4] = opts.sg ? 1 : 0;
  i32[CTX.window / 4] = opts.window;
  i32[CTX.sentence / 4] = sentence;
  i32[CTX.neu1 / 4] = neu1;
  i32[CTX.neu1e / 4] = neu1e;
  i32[CTX.sigmoidTable / 4] = offsets.sigmoidTable;
  i32[CTX.softplusTable / 4] = offsets.softplusTable;
  seedStream(i32, CTX.rngWindow / 4, opts.seed, WINDOW_STREAM);
  seedStream(i32, CTX.rngNegative / 4, opts.seed, NEGATIVE_STREAM);
  i32[CTX.ring / 4] = ctx + offsets.ring;
  i32[CTX.ringMask / 4] = offsets.ringSize - 1;
  i32[CTX.ringHead / 4] = 0;
  i32[CTX.ringCount / 4] = 0;
  i32[CTX.targets / 4] = ctx + offsets.targets;
  i32[CTX.subwordStarts / 4] = offsets.subwordStarts;
  i32[CTX.subwordRows / 4] = offsets.subwordRows;
  f64[CTX.loss / 8] = 0;
  f64[CTX.examples / 8] = 0;
  f64[CTX.pairs / 8] = 0;
  return {
    ctx,
    words: new Uint32Array(buf, ctx, CTX.bytes / 4),
    sentence: new Int32Array(buf, sentence, layout.maxSentence),
    neu1: new Float32Array(buf, neu1, layout.dim),
    neu1e: new Float32Array(buf, neu1e, layout.dim),
  };
}

/**
 * Guards the kernels' memory: an id outside the vocabulary or a sentence longer than the thread's
 * buffer would make the wasm kernel write into other memory. A programming error in the caller,
 * so a RangeError; the check is ~1 compare per word against ~6 pairs of vector work.
 */
export function checkSentence(ids: Int32Array, length: number, maxSentence: number, vocabSize: number): void {
  if (!(length >= 0 && length <= maxSentence && length <= ids.length)) {
    throw new RangeError(`sentence length ${length} outside [0, ${Math.min(maxSentence, ids.length)}]`);
  }
  for (let i = 0; i < length; i++) {
    if (ids[i]! >>> 0 >= vocabSize) throw new RangeError(`word id ${ids[i]} at ${i} outside [0, ${vocabSize})`);
  }
}
