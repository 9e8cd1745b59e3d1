/**
 * A saved classifier run in the browser (the playground's classifier panel) from its folder's
 * files alone: model.json loaded with plain `tf.loadLayersModel`, vocab.tsv, classifier.json and,
 * for the averaged model, features.bin. Nothing here needs Node (browser-modules.ts serves it).
 *
 * It reads text as src/seq/classify does (the same tokenizer and settings; a word is looked up
 * exactly, then lowercased; special tokens and unknown words are skipped and counted; word n-grams
 * hashed with fastText's FNV-1a and its multiplier, through averaged.ts's featureRows itself), so
 * the page shows the probabilities `wordloom classify predict` prints (the e2e test compares them).
 * One text at a time: no padding, so the recurrent model's pooling needs no mask (a text without a
 * known word is the one case that needs it: see predict).
 */
import * as tf from '@tensorflow/tfjs';
import { averagedInputs, featureRows, type AveragedShape } from '../seq/classify/averaged.js';
import { fnv1a } from '../text/byte-type-table.js';
import { createTokenizer, type Tokenizer, type TokenizerName } from '../text/tokenizer.js';

/** The fields of classifier.json the browser needs (src/seq/classify/config.ts). */
export interface BrowserClassifierConfig {
  model: 'avg' | 'rnn';
  labels: string[];
  tokenizer: TokenizerName;
  lowercase: boolean;
  /** What unknown words read (classifier.json; absent in older files: 'skip'). */
  unknown?: 'skip' | 'unk' | 'learn';
  averaged: AveragedShape | null;
}

export interface BrowserPrediction {
  label: string;
  /** Per class, in the order of `labels`. */
  probabilities: number[];
  /** The text's words, and those the model does not know (skipped). */
  tokens: string[];
  unknown: string[];
}

const SPECIAL_TOKENS = new Set(['<PAD>', '<UNK>', '<BOS>', '<EOS>']);
const utf8 = new TextEncoder();

export class BrowserClassifier {
  private readonly ids = new Map<string, number>();
  private readonly tokenize: Tokenizer;

  constructor(
    readonly network: tf.LayersModel,
    /** vocab.tsv's words in id order. */
    words: readonly string[],
    readonly config: BrowserClassifierConfig,
    /** features.bin as floats (averaged model), else null. */
    readonly features: Float32Array | null,
  ) {
    words.forEach((w, id) => {
      if (!SPECIAL_TOKENS.has(w)) this.ids.set(w, id);
    });
    this.tokenize = createTokenizer({ tokenizer: config.tokenizer, lowercase: config.lowercase });
    if (config.averaged !== null && (features === null || features.length !== (config.averaged.words + config.averaged.buckets) * config.averaged.dim)) {
      throw new Error(`features.bin has ${features?.length ?? 0} numbers, classifier.json expects (${config.averaged.words} + ${config.averaged.buckets}) x ${config.averaged.dim}`);
    }
  }

  /** The id of a word (exact, then lowercased), or -1. */
  private lookup(token: string): number {
    const exact = this.ids.get(token);
    if (exact !== undefined) return exact;
    const lower = token.toLowerCase();
    return lower !== token ? (this.ids.get(lower) ?? -1) : -1;
  }

  predict(text: string): BrowserPrediction {
    const tokens = this.tokenize(text);
    const known: number[] = [];
    const unknown: string[] = [];
    for (const t of tokens) {
      const id = SPECIAL_TOKENS.has(t) ? -1 : this.lookup(t);
      if (id < 0) {
        unknown.push(t);
        // --unknown unk|learn: unknown words read <UNK>'s row (id 1, word-table.ts UNKNOWN_ID).
        if ((this.config.unknown ?? 'skip') !== 'skip') known.push(1);
      } else known.push(id);
    }
    const probabilities = tf.tidy(() => {
      let input: tf.Tensor;
      if (this.config.averaged !== null) {
        const shape = this.config.averaged;
        const hashes = Int32Array.from(tokens, (t) => {
          const bytes = utf8.encode(t);
          return fnv1a(bytes, 0, bytes.length);
        });
        const rows = featureRows(
          { ids: Int32Array.from(known), offsets: Int32Array.of(0, known.length), tokenHashes: hashes, tokenOffsets: Int32Array.of(0, tokens.length), tokens: tokens.length, unknown: unknown.length, unknownPerText: Int32Array.of(unknown.length) },
          shape,
        );
        input = tf.tensor2d(averagedInputs(this.features!, shape.dim, rows), [1, shape.dim]);
      } else if (known.length === 0) {
        // No known word: wordloom's forward pass masks every step, so the sentence vector is zero
        // whatever the pooling; the output layer alone then gives the probabilities.
        const layers = this.network.layers;
        const output = [...layers].reverse().find((l) => l.getClassName() === 'Dense')!;
        const width = output.getWeights()[0]!.shape[0]!;
        return Array.from(tf.softmax(output.apply(tf.zeros([1, width])) as tf.Tensor2D).dataSync());
      } else {
        input = tf.tensor2d(known, [1, known.length], 'int32');
      }
      return Array.from((this.network.predict(input) as tf.Tensor).dataSync());
    });
    let best = 0;
    for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[best]!) best = c;
    return { label: this.config.labels[best]!, probabilities, tokens, unknown };
  }
}
