/**
 * The classifier's words and their starting vectors: a Vocabulary (ids 0..3 the special tokens,
 * whose rows stay zero; `<PAD>` = 0 pads recurrent batches) and a row-major table of `dim` floats
 * per id. It holds the first `maxVectors` words of the pretrained vectors (words met only at
 * prediction time keep their meaning) and every word of the training and validation text that the
 * vectors know, exactly or lowercased, or, for vectors with subwords (fastText .bin), can build.
 *
 * A token is looked up exactly, then lowercased; a token found neither way is unknown and counted,
 * so that a text of unknown words says so rather than failing. What the models do with it is the
 * `unknown` setting: skip it, or read the trained `<UNK>` row (id 1); with 'learn', training words
 * the vectors lack (seen at least minCount times) get rows of their own after the pretrained ones,
 * drawn at random with the pretrained rows' scale and trained (in SST-2, GloVe's top 50,000 words
 * lack `a`, `'s`, `n't` and `i`, which a sentiment model cannot do without).
 */
import { WordloomError } from '../../errors.js';
import { Vocabulary, SPECIAL_TOKENS } from '../../text/vocabulary.js';
import { fnv1a } from '../../text/byte-type-table.js';
import { createTokenizer, type Tokenizer } from '../../text/tokenizer.js';
import { SeededRandom } from '../../embeddings/shared/rng.js';
import type { ClassifierTokenizer, UnknownWords } from './options.js';

/** Pretrained vectors as the classifier reads them: a VectorSet or KeyedVectors fits. */
export interface PretrainedVectors {
  readonly dim: number;
  readonly words: readonly string[];
  get(word: string): Float32Array | undefined;
  /** Vectors with subwords (fastText .bin): a word's vector built from its character n-grams, or null. */
  subwordVector?(word: string): Float32Array | null;
}

export interface WordTable {
  vocabulary: Vocabulary;
  /** vocabulary.size x dim floats; the special tokens' rows are zero. */
  vectors: Float32Array;
  dim: number;
  /** Ids from here on are learned words (no pretrained vector); vocabulary.size when none. */
  learnedFrom: number;
  /** The id unknown tokens read (UNKNOWN_ID), or -1 when they are skipped. */
  unknownId: number;
}

/** `<UNK>`'s id: the row unknown tokens read when they are not skipped. */
export const UNKNOWN_ID = 1;

export interface UnknownWordSettings {
  unknown: UnknownWords;
  minCount: number;
  seed: number;
}

const SPECIALS = new Set<string>(SPECIAL_TOKENS);

export function classifierTokenizer(settings: { tokenizer: ClassifierTokenizer; lowercase: boolean }): Tokenizer {
  return createTokenizer({ tokenizer: settings.tokenizer, lowercase: settings.lowercase });
}

/** Builds the table from the vectors and the tokenized training and validation texts (words are learned from the training texts only). */
export function buildWordTable(
  pretrained: PretrainedVectors,
  trainTexts: readonly (readonly string[])[],
  otherTexts: readonly (readonly string[])[],
  maxVectors: number,
  unknown: UnknownWordSettings = { unknown: 'skip', minCount: 1, seed: 1 },
): WordTable {
  const dim = pretrained.dim;
  const limit = maxVectors > 0 ? Math.min(maxVectors, pretrained.words.length) : pretrained.words.length;
  const rows = new Map<string, Float32Array>();
  const counts = new Map<string, number>();
  for (let i = 0; i < limit; i++) {
    const w = pretrained.words[i]!;
    if (!SPECIALS.has(w)) rows.set(w, pretrained.get(w)!);
  }
  const missing = new Map<string, number>();
  const texts = [...trainTexts, ...otherTexts];
  texts.forEach((tokens, t) => {
    for (const token of tokens) {
      if (SPECIALS.has(token)) continue;
      let key = token;
      if (!rows.has(key)) {
        const exact = pretrained.get(token);
        const lower = token.toLowerCase();
        if (exact) rows.set(token, exact);
        else if (rows.has(lower)) key = lower;
        else {
          const lowered = lower !== token ? pretrained.get(lower) : undefined;
          if (lowered) {
            rows.set(lower, lowered);
            key = lower;
          } else {
            const built = pretrained.subwordVector?.(token) ?? null;
            if (built === null) {
              if (t < trainTexts.length) missing.set(token, (missing.get(token) ?? 0) + 1);
              continue;
            }
            rows.set(token, built);
          }
        }
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  });
  if (rows.size === 0) throw new WordloomError('EEMPTY', 'the pretrained vectors know none of the training words (and --max-vectors keeps none of their own)');
  const learned = unknown.unknown === 'learn' ? [...missing].filter(([, n]) => n >= unknown.minCount).map(([w]) => w) : [];
  const words = [...SPECIAL_TOKENS, ...rows.keys(), ...learned];
  const vocabulary = Vocabulary.fromList(words, words.map((w) => counts.get(w) ?? missing.get(w) ?? 0), 'classifier vocabulary');
  const vectors = new Float32Array(vocabulary.size * dim);
  let squares = 0;
  for (const [w, v] of rows) {
    const row = v.subarray(0, dim);
    vectors.set(row, vocabulary.id(w) * dim);
    for (let j = 0; j < dim; j++) squares += row[j]! * row[j]!;
  }
  // Learned rows start uniform with the pretrained components' root mean square.
  const scale = Math.sqrt((3 * squares) / (rows.size * dim)) || 0.1;
  const random = new SeededRandom(unknown.seed ^ 0x1ea2);
  const learnedFrom = SPECIAL_TOKENS.length + rows.size;
  for (let i = learnedFrom * dim; i < vectors.length; i++) vectors[i] = (2 * random.nextFloat() - 1) * scale;
  return { vocabulary, vectors, dim, learnedFrom, unknownId: unknown.unknown === 'skip' ? -1 : UNKNOWN_ID };
}

/** The id of a token (exact, else lowercased), or -1 when the table does not have it. */
export function lookupToken(vocabulary: Vocabulary, token: string): number {
  if (SPECIALS.has(token)) return -1;
  if (vocabulary.has(token)) return vocabulary.id(token);
  const lower = token.toLowerCase();
  return lower !== token && vocabulary.has(lower) ? vocabulary.id(lower) : -1;
}

export interface EncodedTexts {
  /** Known ids of text i: ids[offsets[i] .. offsets[i + 1]). */
  ids: Int32Array;
  offsets: Int32Array;
  /** Every token's hash (known or not), for word n-grams: in the same layout over all tokens. */
  tokenHashes: Int32Array;
  tokenOffsets: Int32Array;
  /** Tokens in all, and those the table does not have. */
  tokens: number;
  unknown: number;
  /** Per text: the tokens the table does not have. */
  unknownPerText: Int32Array;
}

/** Looks up every tokenized text at once, into flat typed arrays; unknown tokens read `unknownId`, or are skipped when it is -1. */
export function encodeTexts(texts: readonly (readonly string[])[], vocabulary: Vocabulary, unknownId = -1): EncodedTexts {
  let total = 0;
  for (const t of texts) total += t.length;
  const ids = new Int32Array(total);
  const tokenHashes = new Int32Array(total);
  const offsets = new Int32Array(texts.length + 1);
  const tokenOffsets = new Int32Array(texts.length + 1);
  let k = 0;
  let h = 0;
  let unknown = 0;
  const unknownPerText = new Int32Array(texts.length);
  texts.forEach((tokens, i) => {
    for (const token of tokens) {
      tokenHashes[h++] = wordHash(token);
      const id = lookupToken(vocabulary, token);
      if (id < 0) {
        unknown++;
        unknownPerText[i]!++;
        if (unknownId >= 0) ids[k++] = unknownId;
      } else ids[k++] = id;
    }
    offsets[i + 1] = k;
    tokenOffsets[i + 1] = h;
  });
  return { ids: ids.subarray(0, k), offsets, tokenHashes, tokenOffsets, tokens: total, unknown, unknownPerText };
}

const utf8 = new TextEncoder();

/** fastText's word hash: FNV-1a over the word's UTF-8 bytes. */
export function wordHash(word: string): number {
  const bytes = utf8.encode(word);
  return fnv1a(bytes, 0, bytes.length);
}
