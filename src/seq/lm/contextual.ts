/**
 * Contextual token vectors from a bidirectional language model (ELMo, Peters et al. 2018): the
 * sentence is read left to right by the forward model and right to left by the backward model,
 * each starting from the start-of-line state (after `<EOS>`, as training streams begin lines).
 * Token i's vector at a recurrent layer is
 *
 *   [ forward output after reading tokens 1..i  |  backward output after reading tokens n..i ]
 *
 * so its first half depends only on the token and those to its left, its second half only on the
 * token and those to its right. Layers are the recurrent layers, 1-based (the embedding, whose
 * width differs, is not one of them); the default is the top one.
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { LanguageModel, loadLanguageModel } from './language-model.js';
import { isRecurrentLayer } from './stateful.js';

export interface ContextualEmbeddingOptions {
  /** A recurrent layer (1 = the lowest), 'top' (the default) or 'all'. */
  layer?: number | 'top' | 'all';
  /** A token not in the vocabulary: 'error' (the default: EVOCAB naming it) or 'unk' (read as `<UNK>`). */
  onUnknown?: 'error' | 'unk';
}

export interface ContextualEmbeddings {
  /** The sentence's tokens as the model sees them (characters or words). */
  tokens: string[];
  /** The recurrent layers included, 1-based, in order (one unless `layer: 'all'`). */
  layers: number[];
  /** Width of one vector: 2 x the layer's units, the forward half then the backward half. */
  dimension: number;
  /**
   * [layers.length, tokens.length, dimension], row-major: token t's vector at the k-th included
   * layer starts at (k * tokens.length + t) * dimension. With one layer, simply [tokens, dimension].
   */
  vectors: Float32Array;
}

/**
 * Per token of `sentence` (one line, tokenized as the model was trained), the concatenation of the
 * forward model's state after reading it (left context) and the backward model's state after
 * reading it from the right (right context). `lm` is a bidirectional LanguageModel or the folder
 * of one. Throws EOPTION for a model that is not bidirectional or a bad layer, EEMPTY for a
 * sentence without tokens, EVOCAB for an unknown token (unless onUnknown is 'unk').
 */
export async function contextualEmbeddings(lm: LanguageModel | string, sentence: string, options: ContextualEmbeddingOptions = {}): Promise<ContextualEmbeddings> {
  if (typeof lm === 'string') {
    const loaded = await loadLanguageModel(lm);
    try {
      return contextualEmbeddingsOf(loaded, sentence, options);
    } finally {
      loaded.dispose();
    }
  }
  return contextualEmbeddingsOf(lm, sentence, options);
}

function contextualEmbeddingsOf(lm: LanguageModel, sentence: string, options: ContextualEmbeddingOptions): ContextualEmbeddings {
  if (lm.backward === null) {
    throw new WordloomError('EOPTION', 'the language model is not bidirectional (it has no backward model); contextual embeddings need one trained with bidirectional (wordloom lm train --bidirectional)');
  }
  const recurrentCount = lm.model.layers.filter(isRecurrentLayer).length;
  const layers = chooseLayers(options.layer ?? 'top', recurrentCount);
  if (/[\n\r]/.test(sentence)) throw new WordloomError('EOPTION', 'a sentence is one line: it cannot contain a line break');
  // A blank line is no sentence (training skips blank lines too).
  const tokens = sentence.trim() === '' ? [] : lm.tokenize(sentence);
  if (tokens.length === 0) throw new WordloomError('EEMPTY', `the sentence ${JSON.stringify(sentence)} has no ${lm.config.level === 'char' ? 'characters' : 'words'}`);
  const ids = tokenIds(lm, tokens, options.onUnknown ?? 'error');
  const n = ids.length;
  const forwardOut = recurrentOutputs(lm.model, [Vocabulary.EOS, ...ids]);
  const backwardOut = recurrentOutputs(lm.backward, [Vocabulary.EOS, ...ids.slice().reverse()]);
  // Layers may differ in width (--units 512,256): one vector size needs one width.
  const widths = layers.map((layer) => forwardOut[layer - 1]!.length / (n + 1));
  if (widths.some((w) => w !== widths[0])) {
    throw new WordloomError('EOPTION', `option layer 'all' needs recurrent layers of one width, and this model's are ${widths.join(',')} units wide; choose one layer (1 to ${recurrentCount}) or 'top'`);
  }
  const units = widths[0]!;
  const dimension = 2 * units;
  const vectors = new Float32Array(layers.length * n * dimension);
  layers.forEach((layer, k) => {
    const f = forwardOut[layer - 1]!;
    const b = backwardOut[layer - 1]!;
    for (let t = 0; t < n; t++) {
      const at = (k * n + t) * dimension;
      // Position 0 read <EOS>; forward position t + 1 read token t, backward position n - t read it.
      vectors.set(f.subarray((t + 1) * units, (t + 2) * units), at);
      vectors.set(b.subarray((n - t) * units, (n - t + 1) * units), at + units);
    }
  });
  return { tokens, layers, dimension, vectors };
}

function chooseLayers(layer: number | 'top' | 'all', count: number): number[] {
  if (layer === 'top') return [count];
  if (layer === 'all') return Array.from({ length: count }, (_, i) => i + 1);
  if (!Number.isInteger(layer) || layer < 1 || layer > count) {
    throw new WordloomError('EOPTION', `option layer must be a recurrent layer between 1 and ${count}, 'top' or 'all', got ${String(layer)}`);
  }
  return [layer];
}

/** The ids of the tokens; an unknown one is EVOCAB naming it (with its position), or `<UNK>`. */
function tokenIds(lm: LanguageModel, tokens: string[], onUnknown: 'error' | 'unk'): number[] {
  return tokens.map((token, i) => {
    const id = lm.vocabulary.id(token);
    if (id !== Vocabulary.UNK || token === '<UNK>' || onUnknown === 'unk') return id;
    const kind = lm.config.level === 'char' ? 'character' : 'word';
    const lower = token.toLowerCase();
    const hint = lower !== token && lm.vocabulary.id(lower) !== Vocabulary.UNK ? `; its lower-case form ${quote(lower)} is, so the model was probably trained on lower-cased text` : '';
    const where = tokens.length > 1 ? ` (${kind} ${i + 1} of ${tokens.length})` : '';
    throw new WordloomError('EVOCAB', `${kind} ${quote(token)}${where} is not in the model's vocabulary${hint}; leave it out, or pass onUnknown 'unk' to read it as <UNK>`);
  });
}

/** A token in quotes, with the code point of a lone invisible or unusual character (as generate names them). */
function quote(token: string): string {
  const json = JSON.stringify(token);
  const cp = token.codePointAt(0)!;
  const single = token.length === (cp > 0xffff ? 2 : 1);
  return single && (cp < 0x21 || cp > 0x7e) ? `${json} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})` : json;
}

/** Every recurrent layer's output sequence ([time, units] row-major each) of one row of ids, from zero states. */
function recurrentOutputs(model: tf.LayersModel, ids: number[]): Float32Array[] {
  return tf.tidy(() => {
    let x: tf.Tensor = tf.tensor2d(ids, [1, ids.length], 'int32');
    const outputs: tf.Tensor[] = [];
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      if (layer.getClassName() === 'Dense') break;
      x = layer.apply(x, { training: false }) as tf.Tensor;
      if (isRecurrentLayer(layer)) outputs.push(x);
    }
    return outputs.map((o) => o.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  });
}
