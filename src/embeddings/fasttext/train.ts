/**
 * fastText (Bojanowski et al. 2017): word2vec whose input vectors are the mean of the word's row
 * and the rows of its hashed character n-grams. It IS the word2vec trainer (same loop, worker
 * pool, schedule, checkpoints and WebAssembly kernel, see ../word2vec/train.ts); this file only
 * declares the n-grams and packages the result as a fastText model.
 */
import { Vocabulary } from '../../text/vocabulary.js';
import { SubwordVectors } from '../../vectors/fasttext/subword-vectors.js';
import { LOSS_HS, LOSS_NS, MODEL_CBOW, MODEL_SKIPGRAM } from '../../vectors/fasttext/bin-format.js';
import { writeFastTextModel, type FastTextModelContent } from '../../vectors/fasttext/write-bin.js';
import { trainWordEmbeddings, type TrainerSpec, type Word2VecResult } from '../word2vec/train.js';
import { FASTTEXT_INITIALIZATION, WORD2VEC_INITIALIZATION } from '../word2vec/model-setup.js';
import { FASTTEXT_RECORDED_OPTIONS, resolveFastTextOptions, type FastTextOptions } from './options.js';

export const FASTTEXT_TRAINER: TrainerSpec<FastTextOptions> = {
  kind: 'wordloom-fasttext',
  name: 'fastText',
  recorded: FASTTEXT_RECORDED_OPTIONS,
  resolve: resolveFastTextOptions,
  inputRows: (o, vocabularySize) => vocabularySize + (o.maxn > 0 ? o.bucket : 0),
  subwords: (o) => (o.maxn > 0 ? { minn: o.minn, maxn: o.maxn, bucket: o.bucket } : null),
  // fastText's negatives (count^0.5) and init range: on the 40 MB slice they raise SimLex-999 from
  // 0.228 to 0.253 (fastText 0.247), see bench/RESULTS.md. Without n-grams the run stays word2vec
  // exactly (same table, same numbers), which the tests rely on.
  initialization: (o) => (o.maxn > 0 ? FASTTEXT_INITIALIZATION : WORD2VEC_INITIALIZATION),
};

export interface FastTextResult extends Omit<Word2VecResult, 'options'> {
  options: FastTextOptions;
  /** Word vectors plus the n-gram rows: vectors for unseen words (`vectorFor`). */
  subwords: SubwordVectors;
  /** The model as a fastText `.bin` holds it (views of the trained weights). */
  model: FastTextModelContent;
}

export async function trainFastText(corpus: string, partial: Partial<FastTextOptions> = {}): Promise<FastTextResult> {
  const result = await trainWordEmbeddings(corpus, partial, FASTTEXT_TRAINER, true);
  const { options, vocabulary, vectors } = result;
  const weights = result.weights!;
  const dim = options.dim;
  const first = Vocabulary.FIRST_WORD;
  const size = vocabulary.size;
  const bucket = weights.subwords ? weights.subwords.bucket : 0;
  const ngramRows = weights.input.subarray(size * dim, (size + bucket) * dim);
  const settings = weights.subwords ?? { minn: options.minn, maxn: 0, bucket: 0 };
  const model: FastTextModelContent = {
    args: {
      dim,
      ws: options.window,
      epoch: options.epochs,
      minCount: options.minCount,
      neg: options.negative,
      wordNgrams: 1,
      loss: options.negative > 0 ? LOSS_NS : LOSS_HS,
      model: options.cbow ? MODEL_CBOW : MODEL_SKIPGRAM,
      bucket,
      minn: options.minn,
      maxn: weights.subwords ? options.maxn : 0,
      lrUpdateRate: 100,
      t: options.sample,
    },
    words: vectors.words,
    counts: vocabulary.counts.subarray(first),
    ntokens: vocabulary.totalTokens,
    wordRows: weights.input.subarray(first * dim, size * dim),
    ngramRows,
    output: weights.output.subarray(first * dim, size * dim),
  };
  return {
    ...result,
    options,
    subwords: new SubwordVectors(vectors, ngramRows, settings, corpus),
    model,
  };
}

/** Writes the trained model as a fastText 0.9.2 `.bin` (atomically). */
export function saveFastTextModel(path: string, result: Pick<FastTextResult, 'model'>): Promise<void> {
  return writeFastTextModel(path, result.model);
}
