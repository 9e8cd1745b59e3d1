/**
 * How a language model turns text into tokens and ids and back: characters (Unicode code points)
 * or words from one of the text layer's tokenizers, `<EOS>` at every line end, `<UNK>` for a
 * token outside the vocabulary. Shared by training, evaluation and generation, so that all three
 * see text the same way.
 */
import { Vocabulary } from '../../text/vocabulary.js';
import { lineTokenizer, type TextSettings } from './line-tokens.js';

// Tokens of a line and back, without the vocabulary (browser-safe: the playground imports them).
export { joinTokens, lineTokenizer, type TextSettings } from './line-tokens.js';

/**
 * The lines of a text as the corpus readers see them: split at `\n` (a `\r` before it dropped),
 * and lines that are empty or only whitespace skipped.
 */
export function textLines(text: string): string[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    return line.trim().length === 0 ? [] : [line];
  });
}

/**
 * A text as ids: every non-blank line's tokens followed by `<EOS>` (with `eos: false`, no
 * `<EOS>` after the last line, so a priming text can continue its last line).
 */
export function encodeText(text: string, vocabulary: Vocabulary, settings: TextSettings, { eos = true }: { eos?: boolean } = {}): Int32Array {
  const tokenize = lineTokenizer(settings);
  const ids: number[] = [];
  const lines = textLines(text);
  lines.forEach((line, i) => {
    for (const token of tokenize(line)) ids.push(vocabulary.id(token));
    if (eos || i < lines.length - 1) ids.push(Vocabulary.EOS);
  });
  return Int32Array.from(ids);
}
