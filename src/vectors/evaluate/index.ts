export {
  evaluateAnalogies,
  parseAnalogyQuestions,
  readAnalogyQuestions,
  type AnalogyOptions,
  type AnalogyQuestions,
  type AnalogyReport,
  type AnalogySection,
  type AnalogySectionResult,
  type AccuracyCount,
} from './analogies.js';
export {
  evaluateWordPairs,
  parseWordPairs,
  readWordPairs,
  type WordPair,
  type WordPairs,
  type WordPairOptions,
  type WordPairReport,
} from './word-pairs.js';
export { spearman, pearson, averageRanks } from './correlation.js';
