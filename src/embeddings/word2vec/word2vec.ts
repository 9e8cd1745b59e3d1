import { KeyedVectors } from '../../vectors/keyed-vectors.js';
import type { CorpusInput } from '../../text/sentence-source.js';
import { saveVectors, type VectorFormat } from '../../vectors/formats/index.js';
import type { Vocabulary } from '../../text/vocabulary.js';
import type { Word2VecOptions } from './options.js';
import { trainWord2Vec, type Word2VecResult } from './train.js';

/**
 * The library's front door for word2vec, in the shape gensim users know:
 *
 * ```ts
 * const model = await Word2Vec.train('corpus.txt', { dim: 100, epochs: 5, onProgress: console.log });
 * model.wv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'] });
 * await model.save('models/corpus.bin');
 * ```
 * `trainWord2Vec` is the same training with the raw result (a VectorSet) for callers that do not
 * need queries.
 */
export class Word2Vec {
  private constructor(
    /** The trained word vectors with similarity queries (the words' input vectors). */
    readonly wv: KeyedVectors,
    readonly vocabulary: Vocabulary,
    /** Every option the run used, defaults filled in. */
    readonly options: Word2VecOptions,
    /** How the run went: kernel kind, words per epoch, seconds, final average loss. */
    readonly stats: Pick<Word2VecResult, 'kernel' | 'wordsPerEpoch' | 'seconds' | 'loss'>,
  ) {}

  /** Trains on a text file, .gz file or directory (see Word2VecOptions for every option and default). */
  /** Trains on a corpus path, or on sentences in memory (strings, or arrays of tokens). */
  static async train(corpus: CorpusInput, options: Partial<Word2VecOptions> = {}): Promise<Word2Vec> {
    const result = await trainWord2Vec(corpus, options);
    const { kernel, wordsPerEpoch, seconds, loss } = result;
    return new Word2Vec(new KeyedVectors(result.vectors, { name: typeof corpus === 'string' ? corpus : 'sentences' }), result.vocabulary, result.options, {
      kernel,
      wordsPerEpoch,
      seconds,
      loss,
    });
  }

  /** Writes the vectors atomically: word2vec binary for `.bin`, else word2vec text, unless `format` says. */
  save(path: string, options: { format?: VectorFormat } = {}): Promise<void> {
    return saveVectors(path, this.wv.set, options);
  }
}
