/**
 * A trained seq2seq model: the network (encoder and decoder tfjs models), both vocabularies and
 * its config; translation (greedy or beam search, in batches) with log-probabilities and the
 * attention weights.
 */

import { WordloomError } from '../../errors.js';
import { PairCodec } from './codec.js';
import type { Seq2seqConfig } from './config.js';
import { decodeBatches, type Hypothesis } from './decode.js';
import type { Seq2seqNetwork } from './network.js';

export interface TranslateOptions {
  /** Beam width; 1 = greedy. Default 1. */
  beam: number;
  /** Most output tokens; default 2 x the longest training target + 10. */
  maxLength: number;
  /** Beam search ranks by log-probability / length^lengthPenalty. Default 1. */
  lengthPenalty: number;
  /** Sources decoded together. Default 256. */
  batch: number;
}

export interface Translation {
  /** The output as text. */
  text: string;
  /** Output tokens (without `<EOS>`). */
  tokens: string[];
  /** Source tokens as the encoder saw them (`<UNK>` for unknown ones), ending with `<EOS>`. */
  sourceTokens: string[];
  logProb: number;
  /** Whether decoding ended with `<EOS>` (false: cut at maxLength). */
  ended: boolean;
  /** One row per output step (tokens, then `<EOS>` when ended), each a distribution over sourceTokens. */
  attention: Float32Array[];
}

export class Seq2seqModel {
  readonly codec: PairCodec;

  constructor(
    readonly network: Seq2seqNetwork,
    codec: PairCodec,
    readonly config: Seq2seqConfig,
  ) {
    this.codec = codec;
  }

  resolveTranslateOptions(partial: Partial<TranslateOptions> = {}): TranslateOptions {
    const o: TranslateOptions = { beam: 1, maxLength: 2 * this.config.maxTargetLength + 10, lengthPenalty: 1, batch: 256, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
    if (!Number.isInteger(o.beam) || o.beam < 1 || o.beam > 1000) throw new WordloomError('EOPTION', `option --beam must be a whole number between 1 and 1000, got ${o.beam}`);
    if (!Number.isInteger(o.maxLength) || o.maxLength < 1) throw new WordloomError('EOPTION', `option --max-length must be a whole number of at least 1, got ${o.maxLength}`);
    if (!(o.lengthPenalty >= 0 && o.lengthPenalty <= 10)) throw new WordloomError('EOPTION', `option --length-penalty must be a number between 0 and 10, got ${o.lengthPenalty}`);
    if (!Number.isInteger(o.batch) || o.batch < 1) throw new WordloomError('EOPTION', `option --batch must be a whole number of at least 1, got ${o.batch}`);
    return o;
  }

  /** Hypotheses (ids) for source texts. */
  decode(texts: readonly string[], partial: Partial<TranslateOptions> = {}): Hypothesis[] {
    const o = this.resolveTranslateOptions(partial);
    return decodeBatches(this.network, texts.map((t) => this.codec.sourceIds(t)), o, o.batch);
  }

  translate(texts: readonly string[], partial: Partial<TranslateOptions> = {}): Translation[] {
    const hyps = this.decode(texts, partial);
    return hyps.map((h, i) => ({
      text: this.codec.targetText(h.ids),
      tokens: h.ids.map((id) => this.codec.target.word(id)),
      sourceTokens: Array.from(this.codec.sourceIds(texts[i]!), (id) => this.codec.source.word(id)),
      logProb: h.logProb,
      ended: h.ended,
      attention: h.attention,
    }));
  }

  dispose(): void {
    this.network.encoder.dispose();
    this.network.decoder.dispose();
  }
}

export type { Hypothesis };
