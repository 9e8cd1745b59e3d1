import { WordloomError } from '../errors.js';
import { normalizeText, type NormalizeOptions } from './normalize.js';
import { tokenizeEnglish } from './english-tokenizer.js';
import { tokenizeCharacters } from './character-tokenizer.js';

/** Splits one piece of text (a line or part of one) into tokens. */
export type Tokenizer = (text: string) => string[];

export type TokenizerName = 'whitespace' | 'english' | 'characters';
export const TOKENIZER_NAMES: readonly TokenizerName[] = ['whitespace', 'english', 'characters'];

export interface TokenizerOptions extends NormalizeOptions {
  tokenizer?: TokenizerName;
}

/**
 * ASCII whitespace only (space, tab, LF, VT, FF, CR): the same bytes the byte-level corpus scanner
 * splits on, so the string and byte paths always agree. A no-break space stays inside a token.
 */
const ASCII_WHITESPACE = /[ \t\n\v\f\r]+/;

/** For pre-tokenized corpora (text8 style): tokens are whatever lies between whitespace. */
export function tokenizeWhitespace(text: string): string[] {
  const parts = text.split(ASCII_WHITESPACE);
  if (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** A tokenizer with normalisation (NFC, then optional lowercase) applied to the text first. */
export function createTokenizer(options: TokenizerOptions = {}): Tokenizer {
  const { tokenizer = 'whitespace' } = options;
  const split = splitterFor(tokenizer);
  return (text) => split(normalizeText(text, options));
}

function splitterFor(name: string): Tokenizer {
  switch (name) {
    case 'whitespace':
      return tokenizeWhitespace;
    case 'english':
      return tokenizeEnglish;
    case 'characters':
      return tokenizeCharacters;
    default:
      throw new WordloomError('EOPTION', `option --tokenizer must be one of ${TOKENIZER_NAMES.join(', ')}, got ${name}`);
  }
}
