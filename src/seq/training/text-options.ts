/**
 * The options that turn a sequence trainer's text into tokens (lm, seq2seq): the token level, the
 * word tokenizer, lowercasing and the vocabulary limits. Declared once here as a spec fragment
 * (util/option-spec.ts) that each trainer spreads at the top of its table, as
 * training-options.ts does for the loop's options:
 *
 *   textOptionSpecs(words)   --level --tokenizer --lowercase --min-count --max-vocab
 *
 * The flag, kind, choices, default and whether a checkpoint records it are fixed here; a trainer
 * words the help for its data (the text, or both sides of the pairs). SeqTextOptions is the
 * matching part of the trainers' option interfaces, and the rule between level and tokenizer
 * (checkTokenizerFitsLevel) is checked by the same code for both.
 */
import { WordloomError } from '../../errors.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';

export type LanguageModelLevel = 'char' | 'word';
export const LEVELS: readonly LanguageModelLevel[] = ['char', 'word'];

/** The word tokenizer when none is given. */
const DEFAULT_TOKENIZER: TokenizerName = 'whitespace';

/** How the text becomes tokens and which tokens get a vocabulary entry. */
export interface SeqTextOptions {
  /** 'char': one token per Unicode code point; 'word': tokens from `tokenizer`. Default 'char'. */
  level: LanguageModelLevel;
  /** How word-level text is split ('whitespace', 'english'); char level always uses 'characters'. Default 'whitespace'. */
  tokenizer: TokenizerName;
  /** Lowercase the text (after NFC). Default false. */
  lowercase: boolean;
  /** Tokens seen fewer times become `<UNK>` (seq2seq: counted per side). Default 1. */
  minCount: number;
  /** Keep at most this many tokens (most frequent first; the rest become `<UNK>`; seq2seq: per side); 0 = no limit. Default 0. */
  maxVocab: number;
}

/** How a trainer words the help of the text options. */
export interface TextOptionWords {
  level: string;
  tokenizer: string;
  lowercase: string;
  minCount: string;
  maxVocab: string;
}

export function textOptionSpecs(words: TextOptionWords) {
  return {
    level: { flag: '--level', kind: 'choice', choices: LEVELS, help: words.level, defaultText: 'char', default: 'char', recorded: true },
    tokenizer: { flag: '--tokenizer', kind: 'choice', choices: TOKENIZER_NAMES.filter((t) => t !== 'characters'), help: words.tokenizer, defaultText: DEFAULT_TOKENIZER, default: DEFAULT_TOKENIZER, recorded: true },
    lowercase: { flag: '--lowercase', kind: 'boolean', help: words.lowercase, defaultText: 'off', default: false, recorded: true },
    minCount: { flag: '--min-count', kind: 'integer', min: 1, help: words.minCount, defaultText: '1', default: 1, recorded: true },
    maxVocab: { flag: '--max-vocab', kind: 'integer', min: 0, help: words.maxVocab, defaultText: '0 (all)', default: 0, recorded: true },
  } as const;
}

/**
 * A char-level model reads characters, so a tokenizer given with it is refused. Compared with the
 * default, not only with what was given: a resumed run passes every recorded setting, the default
 * tokenizer among them.
 */
export function checkTokenizerFitsLevel(o: Pick<SeqTextOptions, 'level'>, defined: Partial<Pick<SeqTextOptions, 'tokenizer'>>): void {
  if (o.level === 'char' && defined.tokenizer !== undefined && defined.tokenizer !== DEFAULT_TOKENIZER) {
    throw new WordloomError('EOPTION', `option --tokenizer applies to --level word only (a char model reads characters), got ${defined.tokenizer}`);
  }
}
