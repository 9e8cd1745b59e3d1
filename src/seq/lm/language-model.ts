/**
 * A language model: the tfjs network (ids [batch, time] -> logits [batch, time, vocabulary]),
 * the vocabulary whose ids it reads and predicts, and its description (lm.json). What training
 * returns and loading gives back; save() writes the folder that loadLanguageModel() reads.
 * A bidirectional model also has `backward`: a network of the same shape that reads text right to
 * left (ids reversed) and predicts the previous token; `model` is then its forward direction.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Vocabulary } from '../../text/vocabulary.js';
import type { LanguageModelConfig } from './config.js';
import { writeModelFolder, readModelFolder } from './model-files.js';
import { encodeText, joinTokens, lineTokenizer, type TextSettings } from './text-codec.js';

export class LanguageModel {
  constructor(
    /** A plain tfjs model (fused layers, saved under tfjs's class names): ids -> logits. */
    readonly model: tf.LayersModel,
    readonly vocabulary: Vocabulary,
    readonly config: LanguageModelConfig,
    /** Bidirectional models: the backward network (reads ids right to left); null for a forward-only model. */
    readonly backward: tf.LayersModel | null = null,
  ) {}

  /** Whether the model has a backward direction (trained with `bidirectional`). */
  get bidirectional(): boolean {
    return this.backward !== null;
  }

  /** How this model turns text into tokens. */
  get textSettings(): TextSettings {
    return { level: this.config.level, tokenizer: this.config.tokenizer, lowercase: this.config.lowercase };
  }

  /** A line's tokens as the model sees them (characters or words; NFC and lowercase applied). */
  tokenize(line: string): string[] {
    return lineTokenizer(this.textSettings)(line);
  }

  /** Text -> ids: tokens (`<UNK>` for unknown ones) and `<EOS>` after every line (with eos false, not after the last). */
  encode(text: string, options: { eos?: boolean } = {}): Int32Array {
    return encodeText(text, this.vocabulary, this.textSettings, options);
  }

  /** Ids -> text: characters joined, words joined with spaces, `<EOS>` as a line break. */
  decode(ids: ArrayLike<number>): string {
    return joinTokens(this.vocabulary.decode(ids), this.config.level);
  }

  /** Writes the model folder (model.json, weights.bin, vocab.tsv, lm.json; backward/model.json and weights for a bidirectional model) atomically. */
  save(dir: string): Promise<void> {
    return writeModelFolder(dir, this.model, this.vocabulary, this.config, this.backward);
  }

  dispose(): void {
    this.model.dispose();
    this.backward?.dispose();
  }
}

/** Loads a folder written by LanguageModel.save(); a folder that is not one gives one clear EFORMAT/ENOENT error. */
export async function loadLanguageModel(dir: string): Promise<LanguageModel> {
  const { model, vocabulary, config, backward } = await readModelFolder(dir);
  return new LanguageModel(model, vocabulary, config, backward);
}
