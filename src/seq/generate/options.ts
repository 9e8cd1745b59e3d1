/**
 * Every text-generation option in one place, with its default and range. The CLI maps its flags
 * onto these one to one (`--max-length` -> maxLength, `--top-k` -> topK, ...), and error messages
 * name options by those flags.
 */
import { WordloomError, checkOption } from '../../errors.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';

/** How a model's tokens make text (the LM trainer's `--level`): 'char' tokens are Unicode code points,
 *  concatenated; 'word' tokens are joined by spaces. */
export type TokenLevel = 'char' | 'word';
export const TOKEN_LEVELS: readonly TokenLevel[] = ['char', 'word'];

export interface GenerationOptions {
  /** Most tokens to generate (the priming text and a final `<EOS>` not counted); 0 .. 1,000,000. Default 200. */
  maxLength: number;
  /** Softmax temperature, 0 .. 100: below 1 is more conservative, above 1 more adventurous; 0 is greedy
   *  decoding (always the most probable token, no randomness). Default 1 (the model's own distribution). */
  temperature: number;
  /** Sample only among the k most probable tokens; an integer >= 0, 0 = off. Default 0. */
  topK: number;
  /** Nucleus sampling: only among the smallest set of most probable tokens whose probability adds up to
   *  p (at least one token is always kept); 0 .. 1, 1 = off. Default 1. */
  topP: number;
  /** CTRL repetition penalty over the last `repetitionWindow` tokens: a recent token's logit is divided by
   *  it (multiplied when negative); 0.01 .. 100, 1 = off, > 1 discourages repetition. Default 1. */
  repetitionPenalty: number;
  /** How many recent tokens the repetition penalty looks at (the priming text included, the start token
   *  not); 0 = all. Default 0. Use a window (say 20-50) with character models, where every letter recurs. */
  repetitionWindow: number;
  /** Seeds the sampling; the same seed, model, options and priming give the same text. Sample i of a batch
   *  uses its own stream, so sample 0 is what count 1 gives. An unsigned 32-bit integer. Default 1. */
  seed: number;
  /** Stop a sample when it produces `<EOS>` (the end of a line/sentence in training). Default true. When false,
   *  an `<EOS>` is emitted as `eosText` and generation goes on to maxLength. */
  stopAtEos: boolean;
  /** What an `<EOS>` becomes in the text when stopAtEos is false. Default '\n'. */
  eosText: string;
  /** Independent samples generated together (one batch through the model); 1 .. 4096. Default 1. */
  count: number;
  /** Text the model reads before sampling starts (its states then carry it); not part of the output.
   *  A string is read as training read lines: NFC, `lowercase`, split per `level` and `tokenizer`, and
   *  each line break is an `<EOS>` (blank lines skipped). An array is taken as tokens ('<EOS>' included).
   *  Default '' (start from `startToken` alone). */
  prime: string | readonly string[];
  /** The token fed first, before the priming text; null feeds none (then prime must not be empty).
   *  Default: the model's `userDefinedMetadata.wordloom.startToken` when set, else '<EOS>': wordloom's LM
   *  trains on lines that each end in `<EOS>`, so `<EOS>` is what precedes the start of a line. */
  startToken: string | null;
  /** 'char', 'word' or 'auto'. Auto: the model's `userDefinedMetadata.wordloom.level` when set, else
   *  'char' when every non-special token is one code point, else 'word'. Default 'auto'. */
  level: TokenLevel | 'auto';
  /** Word level: how the priming text is split, as in training ('whitespace' or 'english').
   *  Default: `userDefinedMetadata.wordloom.tokenizer` when set, else 'whitespace'. */
  tokenizer: TokenizerName | undefined;
  /** Lowercase the priming text, as training did. Default: `userDefinedMetadata.wordloom.lowercase` when
   *  set, else false. */
  lowercase: boolean | undefined;
  /** Splits one line of a word-level priming string into tokens, instead of `tokenizer`. Default none. */
  tokenize: ((text: string) => string[]) | undefined;
  /** A priming token missing from the vocabulary: 'error' (default) throws a WordloomError naming it;
   *  'unk' feeds `<UNK>` instead, as training did for rare words. */
  onUnknown: 'error' | 'unk';
  /** More tokens (strings or ids) never to generate. `<PAD>`, `<UNK>` and `<BOS>` are always suppressed. Default []. */
  suppress: readonly (string | number)[];
}

export const GENERATION_DEFAULTS = {
  maxLength: 200,
  temperature: 1,
  topK: 0,
  topP: 1,
  repetitionPenalty: 1,
  repetitionWindow: 0,
  seed: 1,
  stopAtEos: true,
  eosText: '\n',
  count: 1,
  prime: '',
  level: 'auto',
  onUnknown: 'error',
  suppress: [],
} as const;

/** The options with defaults filled in; startToken, tokenizer and lowercase stay undefined when not given,
 *  for the model's metadata to decide. */
export type ResolvedGenerationOptions = Omit<GenerationOptions, 'startToken'> & { startToken: string | null | undefined };

/** Fills in defaults and rejects impossible values with a message naming the option by its CLI flag. */
export function resolveGenerationOptions(partial: Partial<GenerationOptions> = {}): ResolvedGenerationOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<GenerationOptions>;
  const o: ResolvedGenerationOptions = {
    ...GENERATION_DEFAULTS,
    tokenize: undefined,
    tokenizer: undefined,
    lowercase: undefined,
    startToken: undefined,
    ...defined,
  };
  checkOption('--max-length', o.maxLength, { min: 0, max: 1_000_000, integer: true });
  checkOption('--temperature', o.temperature, { min: 0, max: 100 }, '0 = greedy');
  checkOption('--top-k', o.topK, { min: 0, integer: true }, '0 = off');
  checkOption('--top-p', o.topP, { min: 0, max: 1 }, '1 = off');
  checkOption('--repetition-penalty', o.repetitionPenalty, { min: 0.01, max: 100 }, '1 = off');
  checkOption('--repetition-window', o.repetitionWindow, { min: 0, integer: true }, '0 = all tokens');
  checkOption('--seed', o.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  checkOption('--count', o.count, { min: 1, max: 4096, integer: true });
  if (typeof o.stopAtEos !== 'boolean') throw new WordloomError('EOPTION', `option --stop-at-eos must be true or false, got ${String(o.stopAtEos)}`);
  if (typeof o.eosText !== 'string') throw new WordloomError('EOPTION', `option --eos-text must be a string, got ${String(o.eosText)}`);
  if (!['char', 'word', 'auto'].includes(o.level)) {
    throw new WordloomError('EOPTION', `option --level must be char, word or auto, got ${String(o.level)}`);
  }
  if (o.tokenizer !== undefined && !TOKENIZER_NAMES.includes(o.tokenizer)) {
    throw new WordloomError('EOPTION', `option --tokenizer must be one of ${TOKENIZER_NAMES.join(', ')}, got ${String(o.tokenizer)}`);
  }
  if (o.lowercase !== undefined && typeof o.lowercase !== 'boolean') {
    throw new WordloomError('EOPTION', `option --lowercase must be true or false, got ${String(o.lowercase)}`);
  }
  if (!['error', 'unk'].includes(o.onUnknown)) throw new WordloomError('EOPTION', `option --on-unknown must be error or unk, got ${String(o.onUnknown)}`);
  if (typeof o.prime !== 'string' && !Array.isArray(o.prime)) throw new WordloomError('EOPTION', 'option --prime must be a string or an array of tokens');
  if (o.startToken !== undefined && o.startToken !== null && typeof o.startToken !== 'string') {
    throw new WordloomError('EOPTION', `option --start-token must be a token or null, got ${String(o.startToken)}`);
  }
  if (o.tokenize !== undefined && typeof o.tokenize !== 'function') throw new WordloomError('EOPTION', 'option tokenize must be a function from text to tokens');
  return o;
}
