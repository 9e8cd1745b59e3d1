export { WordloomError, type ErrorCode } from './errors.js';
export { VectorSet } from './vectors/vector-set.js';
export {
  loadVectors,
  saveVectors,
  detectVectorFormat,
  VECTOR_FORMATS,
  type VectorFormat,
  type LoadVectorsOptions,
  type SaveVectorsOptions,
} from './vectors/formats/index.js';
export { Vocabulary, SPECIAL_TOKENS, type VocabularyOptions } from './text/vocabulary.js';
export {
  buildVocabulary,
  encodeCorpus,
  readCorpusLines,
  corpusSize,
  defaultCorpusPath,
  type CorpusOptions,
  type CorpusFormat,
  type BuildVocabularyOptions,
  type BuildProgress,
  type EncodeOptions,
} from './text/corpus.js';
export {
  createTokenizer,
  tokenizeWhitespace,
  TOKENIZER_NAMES,
  type Tokenizer,
  type TokenizerName,
  type TokenizerOptions,
} from './text/tokenizer.js';
export { tokenizeEnglish } from './text/english-tokenizer.js';
export { tokenizeCharacters } from './text/character-tokenizer.js';
export { normalizeText, type NormalizeOptions } from './text/normalize.js';
