/**
 * Between token ids and text for generation: the vocabulary shapes accepted, the special ids,
 * telling character from word models, splitting the priming text, and joining the output.
 * No Node API and no import of src/text/vocabulary.ts (which reads files), so it runs in a browser;
 * wordloom's `Vocabulary` fits the `WordloomVocabularyLike` shape as it is.
 */
import { WordloomError } from '../../errors.js';
import { normalizeText } from '../../text/normalize.js';
import { createTokenizer, type TokenizerName } from '../../text/tokenizer.js';
import type { TokenLevel } from './options.js';

/** wordloom's fixed special ids (src/text/vocabulary.ts). */
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;
export const FIRST_WORD_ID = 4;
export const SPECIAL_TOKEN_NAMES = ['<PAD>', '<UNK>', '<BOS>', '<EOS>'] as const;

/** A vocabulary given as functions (as a browser page might rebuild it from vocab.tsv). */
export interface TokenMap {
  /** The token of an id in 0 .. size − 1. */
  idToToken(id: number): string;
  /** The id of a token; undefined (or a negative number) when unknown. Default: inverted from idToToken. */
  tokenToId?(token: string): number | undefined;
  /** Splits one line of a word-level priming string into tokens (the training tokenizer); the
   *  `tokenize` and `tokenizer` options win. */
  tokenize?(text: string): string[];
  /** Number of ids; checked against the model's output size when given. */
  readonly size?: number;
}

/** wordloom's `Vocabulary` (src/text/vocabulary.ts) as it is. */
export interface WordloomVocabularyLike {
  readonly size: number;
  word(id: number): string;
  has(word: string): boolean;
  id(word: string): number;
}

/** A token list by id (specials at 0..3) also works. */
export type GenerationVocabulary = TokenMap | WordloomVocabularyLike | readonly string[];

/** The one shape used inside. */
export interface Tokens {
  size: number | undefined;
  idToToken(id: number): string;
  /** The id, or undefined when unknown. */
  tokenToId(token: string): number | undefined;
  tokenize: ((text: string) => string[]) | undefined;
}

export function toTokens(vocabulary: GenerationVocabulary, vocabSize: number): Tokens {
  if (Array.isArray(vocabulary)) {
    const list = vocabulary as readonly string[];
    const ids = new Map<string, number>();
    list.forEach((t, i) => {
      if (!ids.has(t)) ids.set(t, i);
    });
    return { size: list.length, idToToken: (id) => list[id] ?? `<${id}>`, tokenToId: (t) => ids.get(t), tokenize: undefined };
  }
  const v = vocabulary as Partial<TokenMap & WordloomVocabularyLike>;
  if (typeof v.word === 'function' && typeof v.has === 'function' && typeof v.id === 'function') {
    const w = vocabulary as WordloomVocabularyLike;
    return { size: w.size, idToToken: (id) => w.word(id), tokenToId: (t) => (w.has(t) ? w.id(t) : undefined), tokenize: undefined };
  }
  if (typeof v.idToToken === 'function') {
    const m = vocabulary as TokenMap;
    const idToToken = (id: number): string => m.idToToken(id);
    let tokenToId: (t: string) => number | undefined;
    if (typeof m.tokenToId === 'function') {
      tokenToId = (t) => {
        const id = m.tokenToId!(t);
        // A map that sends unknown tokens to <UNK> has not found them either.
        return id === undefined || id === null || !(id >= 0) || (id === UNK_ID && t !== SPECIAL_TOKEN_NAMES[UNK_ID]) ? undefined : id;
      };
    } else {
      let inverse: Map<string, number> | null = null;
      tokenToId = (t) => {
        if (inverse === null) {
          inverse = new Map();
          const n = m.size ?? vocabSize;
          for (let id = n - 1; id >= 0; id--) inverse.set(m.idToToken(id), id);
        }
        return inverse.get(t);
      };
    }
    return { size: m.size, idToToken, tokenToId, tokenize: typeof m.tokenize === 'function' ? (text) => m.tokenize!(text) : undefined };
  }
  throw new WordloomError('EUSAGE', 'the vocabulary must be a wordloom Vocabulary, a token list by id, or an object with idToToken(id) (and tokenToId(token))');
}

/** 'char' when every real token (ids 4 .. vocabSize − 1) is one Unicode code point, else 'word'. */
export function detectLevel(tokens: Tokens, vocabSize: number): TokenLevel {
  for (let id = FIRST_WORD_ID; id < vocabSize; id++) {
    const t = tokens.idToToken(id);
    const first = t.codePointAt(0);
    if (first === undefined || t.length > (first > 0xffff ? 2 : 1)) return 'word';
  }
  return 'char';
}

export interface PrimeSplitting {
  level: TokenLevel;
  /** Word level: the training tokenizer; default 'whitespace'. */
  tokenizer?: TokenizerName | undefined;
  lowercase?: boolean | undefined;
  /** Word level: splits one (normalised) line, instead of `tokenizer`. */
  tokenize?: ((line: string) => string[]) | undefined;
}

/**
 * Priming text as tokens, read the way the LM trainer reads its text: split into lines (a `\r`
 * before `\n` dropped), blank lines skipped, each line NFC-normalised, optionally lower-cased
 * and split into code points (char) or words (tokenizer / tokenize); a line break between lines
 * is '<EOS>' (none before the first line: the start token begins it; none after a last line that
 * does not end in a line break, so generation continues that line). An array is used as it is.
 */
export function splitPrime(prime: string | readonly string[], how: PrimeSplitting): string[] {
  if (typeof prime !== 'string') return prime.slice();
  const lowercase = how.lowercase ?? false;
  let split: (line: string) => string[];
  if (how.level === 'char') split = createTokenizer({ tokenizer: 'characters', lowercase });
  else if (how.tokenize) split = (line) => how.tokenize!(normalizeText(line, { lowercase }));
  else split = createTokenizer({ tokenizer: how.tokenizer ?? 'whitespace', lowercase });
  const out: string[] = [];
  const lines = prime.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) out.push(...split(line));
    if (i < lines.length - 1 && out.length > 0 && out[out.length - 1] !== SPECIAL_TOKEN_NAMES[EOS_ID]) out.push(SPECIAL_TOKEN_NAMES[EOS_ID]);
  });
  return out;
}

/** The ids of priming tokens; an unknown one throws a WordloomError 'EVOCAB' naming it, or becomes `<UNK>`. */
export function primeIds(list: readonly string[], tokens: Tokens, level: TokenLevel, onUnknown: 'error' | 'unk', inputDim: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const token = list[i]!;
    const special = (SPECIAL_TOKEN_NAMES as readonly string[]).indexOf(token);
    const id = special >= 0 ? special : tokens.tokenToId(token);
    if (id !== undefined && id < inputDim) {
      ids.push(id);
      continue;
    }
    if (onUnknown === 'unk') {
      ids.push(UNK_ID);
      continue;
    }
    const kind = level === 'char' ? 'character' : 'word';
    const lower = token.toLowerCase();
    const hint =
      lower !== token && tokens.tokenToId(lower) !== undefined
        ? `; its lower-case form ${quote(lower)} is, so the model was probably trained on lower-cased text`
        : '';
    const where = list.length > 1 ? ` (${kind} ${i + 1} of ${list.length})` : '';
    throw new WordloomError(
      'EVOCAB',
      `priming ${kind} ${quote(token)}${where} is not in the model's vocabulary${hint}; leave it out, or pass onUnknown 'unk' to read it as <UNK>`,
    );
  }
  return ids;
}

/** A token in quotes, with the code point of a lone invisible or unusual character. */
function quote(token: string): string {
  const json = JSON.stringify(token);
  const cp = token.codePointAt(0)!;
  const single = token.length === (cp > 0xffff ? 2 : 1);
  return single && (cp < 0x21 || cp > 0x7e) ? `${json} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})` : json;
}

/** The token id of a token or id given in `suppress`/`startToken`; throws EOPTION naming the option when unknown. */
export function idOf(token: string | number, tokens: Tokens, vocabSize: number, option: string): number {
  if (typeof token === 'number') {
    if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
      throw new WordloomError('EOPTION', `option ${option}: token id ${token} is outside the vocabulary (0..${vocabSize - 1})`);
    }
    return token;
  }
  const special = (SPECIAL_TOKEN_NAMES as readonly string[]).indexOf(token);
  const id = special >= 0 ? special : tokens.tokenToId(token);
  if (id === undefined || id >= vocabSize) throw new WordloomError('EOPTION', `option ${option}: token ${quote(token)} is not in the vocabulary`);
  return id;
}

/** Joins generated tokens: characters with '', words with ' ' (no space next to a line break). */
export function joinTokens(tokens: readonly string[], level: TokenLevel): string {
  if (level === 'char') return tokens.join('');
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i > 0 && !out.endsWith('\n') && !t.startsWith('\n')) out += ' ';
    out += t;
  }
  return out;
}
