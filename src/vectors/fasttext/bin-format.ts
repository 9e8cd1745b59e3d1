/**
 * The fastText model file (`.bin`, fastText 0.9.2, file format version 12), little-endian:
 *
 *   int32 magic 793712314, int32 version
 *   args     int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
 *            lrUpdateRate; float64 t (sampling threshold)
 *   dictionary  int32 size, nwords, nlabels; int64 ntokens, pruneidxSize; then size entries:
 *            the word's bytes and a 0 byte, int64 count, int8 type (0 word, 1 label);
 *            then pruneidxSize pairs of int32 (only in pruned, quantized models)
 *   uint8 quantized input; input matrix: int64 rows (nwords + bucket), int64 cols (dim), rows x
 *            cols float32 (the words' rows, then the n-gram rows)
 *   uint8 quantized output; output matrix: int64 rows, int64 cols, float32 values
 *
 * Learnt from fastText's src/fasttext.cc, args.cc, dictionary.cc and densematrix.cc.
 */
export const FASTTEXT_MAGIC = 793712314;
export const FASTTEXT_VERSION = 12;

/** args.h: enum class model_name { cbow = 1, sg, sup } and loss_name { hs = 1, ns, softmax, ova }. */
export const MODEL_CBOW = 1;
export const MODEL_SKIPGRAM = 2;
export const MODEL_SUPERVISED = 3;
export const LOSS_HS = 1;
export const LOSS_NS = 2;

export const ENTRY_WORD = 0;

/** The args block, in file order. */
export interface FastTextArgs {
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  wordNgrams: number;
  loss: number;
  model: number;
  bucket: number;
  minn: number;
  maxn: number;
  lrUpdateRate: number;
  t: number;
}

export const ARGS_BYTES = 12 * 4 + 8;
