import { LanguageModel, loadLanguageModel } from './language-model.js';
import { evaluateIds } from './evaluate.js';
import type { LanguageModelEvaluation } from './progress.js';
import { describeSource, encodeSource, type TextSource } from './text-source.js';
import { WordloomError } from '../../errors.js';

export interface EvaluateOptions {
  /** Parallel streams the text is read in. Default: the model's training batch (32 when unknown). */
  batch?: number;
  /** Window length. Default: the model's training seqLen (64 when unknown). */
  seqLen?: number;
  /** Notes such as invalid UTF-8 replaced in a file. */
  onWarning?: (message: string) => void;
}

/**
 * Loss (nats per token), perplexity and, for character models, bits per character of a model on a
 * text (the text itself, or an array of file paths), read as training reads its validation text.
 * `model` is a LanguageModel or the folder of a saved one.
 */
export async function evaluateLanguageModel(model: LanguageModel | string, text: TextSource, options: EvaluateOptions = {}): Promise<LanguageModelEvaluation> {
  const lm = typeof model === 'string' ? await loadLanguageModel(model) : model;
  try {
    const ids = await encodeSource(text, lm.vocabulary, lm.textSettings, options.onWarning);
    if (ids.length < 2) throw new WordloomError('EEMPTY', `${describeSource(text)} is too short to evaluate: it needs at least 2 tokens, it has ${ids.length}`);
    const settings = lm.config.training?.settings;
    const layout = { batch: options.batch ?? settings?.batch ?? 32, seqLen: options.seqLen ?? settings?.seqLen ?? 64 };
    return evaluateIds(lm.model, ids, layout, lm.config.level);
  } finally {
    if (typeof model === 'string') lm.dispose();
  }
}
