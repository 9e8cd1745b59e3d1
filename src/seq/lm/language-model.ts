/**
 * A language model: the tfjs network (ids [batch, time] -> logits [batch, time, vocabulary]),
 * the vocabulary whose ids it reads and predicts, and its description (lm.json). What training
 * returns and loading gives back; save() writes the folder that loadLanguageModel() reads.
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
  ) {}

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

  /** Writes the model folder (model.json, weights.bin, vocab.tsv, lm.json) atomically. */
  save(dir: string): Promise<void> {
    return writeModelFolder(dir, this.model, this.vocabulary, this.config);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Loads a folder written by LanguageModel.save(); a folder that is not one gives one clear EFORMAT/ENOENT error. */
export async function loadLanguageModel(dir: string): Promise<LanguageModel> {
  const { model, vocabulary, config } = await readModelFolder(dir);
  return new LanguageModel(model, vocabulary, config);
}
