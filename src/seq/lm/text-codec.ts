/**
 * How a language model turns text into tokens and ids and back: characters (Unicode code points)
 * or words from one of the text layer's tokenizers, `<EOS>` at every line end, `<UNK>` for a
 * token outside the vocabulary. Shared by training, evaluation and generation, so that all three
 * see text the same way.
 */
import { tokenizeCharacters } from '../../text/character-tokenizer.js';
import { normalizeText } from '../../text/normalize.js';
import { createTokenizer, type Tokenizer, type TokenizerName } from '../../text/tokenizer.js';
import { Vocabulary } from '../../text/vocabulary.js';
import type { LanguageModelLevel } from './options.js';

export interface TextSettings {
  level: LanguageModelLevel;
  /** Word level only. */
  tokenizer: TokenizerName;
  lowercase: boolean;
}

/** Splits one line (without its line break) into tokens, after NFC and optional lowercasing. */
export function lineTokenizer(settings: TextSettings): Tokenizer {
  if (settings.level === 'char') return (line) => tokenizeCharacters(normalizeText(line, { lowercase: settings.lowercase }));
  return createTokenizer({ tokenizer: settings.tokenizer, lowercase: settings.lowercase });
}

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

/** Tokens back to text: characters joined as they are, words with single spaces; `<EOS>` becomes a line break. */
export function joinTokens(tokens: readonly string[], level: LanguageModelLevel): string {
  let out = '';
  let lineStart = true;
  for (const token of tokens) {
    if (token === '<EOS>') {
      out += '\n';
      lineStart = true;
      continue;
    }
    out += level === 'word' && !lineStart ? ` ${token}` : token;
    lineStart = false;
  }
  return out;
}
