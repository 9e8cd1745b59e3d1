/**
 * Text to tokens and tokens back to text, as language models and seq2seq models see them:
 * characters (Unicode code points) or words from one of the text layer's tokenizers, after NFC
 * and optional lowercasing. Imports nothing that needs Node, so the playground page runs it in
 * the browser (src/report/browser-modules.ts); text-codec.ts adds the vocabulary side.
 */
import { tokenizeCharacters } from '../../text/character-tokenizer.js';
import { normalizeText } from '../../text/normalize.js';
import { createTokenizer, type Tokenizer, type TokenizerName } from '../../text/tokenizer.js';
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
