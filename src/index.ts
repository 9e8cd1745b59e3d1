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
export {
  KeyedVectors,
  type QueryTerm,
  type MostSimilarOptions,
  type Neighbor,
  type NeighborIndex,
} from './vectors/keyed-vectors.js';
export { HnswIndex, HNSW_DEFAULTS, type HnswOptions } from './vectors/hnsw-index.js';
export { measureRecall, type RecallReport } from './vectors/recall.js';
export {
  evaluateAnalogies,
  parseAnalogyQuestions,
  readAnalogyQuestions,
  evaluateWordPairs,
  parseWordPairs,
  readWordPairs,
  spearman,
  pearson,
  averageRanks,
  type AnalogyOptions,
  type AnalogyQuestions,
  type AnalogyReport,
  type AnalogySection,
  type AnalogySectionResult,
  type AccuracyCount,
  type WordPair,
  type WordPairs,
  type WordPairOptions,
  type WordPairReport,
} from './vectors/evaluate/index.js';
export {
  hardDebias,
  biasDirection,
  measureBias,
  checkEqualized,
  reportBias,
  debiasWithReport,
  readWordList,
  readPairList,
  parseWordList,
  parsePairList,
  DEFAULT_DEFINITIONAL_PAIRS,
  DEFAULT_NEUTRAL_WORDS,
  DEFAULT_PROBES,
  BIAS_METHODS,
  SYMMETRY_TOLERANCE,
  type BiasMethod,
  type BiasDirection,
  type BiasDirectionOptions,
  type HardDebiasOptions,
  type HardDebiasResult,
  type MeasureBiasOptions,
  type MeasuredBias,
  type BiasMetrics,
  type BiasReport,
  type BiasReportOptions,
  type DebiasReport,
  type EqualizeCheck,
  type AnalogyProbe,
  type WordPairEntry,
} from './vectors/debias/index.js';
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
export type { CorpusInput } from './text/sentence-source.js';
export {
  Word2Vec,
  trainWord2Vec,
  resolveWord2VecOptions,
  WORD2VEC_DEFAULTS,
  type Word2VecOptions,
  type Word2VecResult,
  type TrainingProgress,
} from './embeddings/word2vec/index.js';
export * from './seq/index.js';

// GloVe: counting (C-tool record format) and training
export {
  trainGlove, countCooccurrences, resolveGloveOptions, saveGloveVocabulary, RecordReader, RecordWriter, GLOVE_DEFAULTS, GLOVE_OPTION_SPECS,
  type GloveOptions, type GloveResult, type GloveSource, type CountResult, type GloveCountProgress, type GloveTrainProgress, type GloveIterationReport,
} from './embeddings/glove/index.js';
