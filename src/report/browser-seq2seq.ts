/**
 * A saved seq2seq model translating in the browser (the playground's seq2seq panel) from its
 * folder's files alone: encoder.json and decoder.json loaded with plain `tf.loadLayersModel`, the
 * two vocabularies and seq2seq.json. Nothing here needs Node (browser-modules.ts serves it).
 *
 * Greedy decoding as src/seq/seq2seq/decode.ts does it: the source's tokens (the same tokenizer,
 * `<UNK>` for unknown ones) and `<EOS>` through the encoder; then the one-step decoder from `<BOS>`,
 * its states (and, with input feeding, the attentional vector) carried from step to step, the most
 * probable token each step, until `<EOS>` or `maxLength`. One source, so no padding: the source
 * mask bias is all zeros. Each step's attention weights over the source tokens are kept for the
 * heatmap. The e2e test checks the page's translation and weights against Node's.
 */
import * as tf from '@tensorflow/tfjs';
import { topLayerUnits, type LayerUnits } from '../seq/lm/layer-units.js';
import { joinTokens, lineTokenizer } from '../seq/lm/line-tokens.js';
import type { TokenizerName } from '../text/tokenizer.js';

/** The fields of seq2seq.json the browser needs (src/seq/seq2seq/config.ts). */
export interface BrowserSeq2seqConfig {
  level: 'char' | 'word';
  tokenizer: TokenizerName;
  lowercase: boolean;
  maxTargetLength: number;
  architecture: { units: LayerUnits; inputFeeding: boolean };
}

export interface BrowserTranslation {
  text: string;
  /** Output tokens, without `<EOS>`. */
  tokens: string[];
  /** The source as the encoder saw it (`<UNK>` for unknown tokens), ending with `<EOS>`. */
  sourceTokens: string[];
  ended: boolean;
  /** One row per output step (tokens, then `<EOS>` when ended), each over sourceTokens. */
  attention: Float32Array[];
}

const UNK = 1;
const BOS = 2;
const EOS = 3;

export class BrowserSeq2seq {
  private readonly sourceIds = new Map<string, number>();

  constructor(
    readonly encoder: tf.LayersModel,
    readonly decoder: tf.LayersModel,
    /** source-vocab.tsv's and target-vocab.tsv's words in id order. */
    readonly sourceWords: readonly string[],
    readonly targetWords: readonly string[],
    readonly config: BrowserSeq2seqConfig,
  ) {
    sourceWords.forEach((w, id) => this.sourceIds.set(w, id));
  }

  /** Longest output by default: as `wordloom translate`, twice the longest training target + 10. */
  get defaultMaxLength(): number {
    return 2 * this.config.maxTargetLength + 10;
  }

  translate(text: string, maxLength = this.defaultMaxLength): BrowserTranslation {
    const tokens = lineTokenizer(this.config)(text);
    const ids = [...tokens.map((t) => this.sourceIds.get(t) ?? UNK), EOS];
    const S = ids.length;
    const out: number[] = [];
    const attention: Float32Array[] = [];
    let ended = false;
    const source = tf.tensor2d(ids, [1, S], 'int32');
    const encoded = this.encoder.predict(source) as tf.Tensor[];
    source.dispose();
    const memory = encoded[0]!;
    let states = encoded.slice(1);
    const maskBias = tf.zeros([1, 1, S]);
    // A local-p decoder (Luong's predicted-position attention) also takes the source positions 0..S-1.
    const positions = this.decoder.inputNames.includes('source_positions') ? tf.range(0, S).reshape([1, 1, S]) : null;
    let feed = this.config.architecture.inputFeeding ? tf.zeros([1, 1, topLayerUnits(this.config.architecture.units)]) : null;
    let previous = BOS;
    try {
      for (let t = 0; t < maxLength; t++) {
        const prev = tf.tensor2d([previous], [1, 1], 'int32');
        const outs = this.decoder.predict([prev, ...states, memory, maskBias, ...(positions ? [positions] : []), ...(feed ? [feed] : [])]) as tf.Tensor[];
        prev.dispose();
        const logits = outs[0]!.dataSync();
        attention.push(Float32Array.from(outs[1]!.dataSync()).subarray(0, S));
        let best = 0;
        for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
        tf.dispose([outs[0]!, outs[1]!, ...states]);
        states = outs.slice(3);
        if (feed !== null) {
          feed.dispose();
          feed = outs[2]!;
        } else outs[2]!.dispose();
        if (best === EOS) {
          ended = true;
          break;
        }
        out.push(best);
        previous = best;
      }
    } finally {
      tf.dispose([memory, maskBias, ...(positions ? [positions] : []), ...states, ...(feed ? [feed] : [])]);
    }
    const outTokens = out.map((id) => this.targetWords[id] ?? '<UNK>');
    return {
      text: joinTokens(outTokens, this.config.level),
      tokens: outTokens,
      sourceTokens: ids.map((id) => this.sourceWords[id] ?? '<UNK>'),
      ended,
      attention,
    };
  }
}
