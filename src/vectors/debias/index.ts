export {
  DEFAULT_DEFINITIONAL_PAIRS,
  DEFAULT_NEUTRAL_WORDS,
  DEFAULT_PROBES,
  parseWordList,
  parsePairList,
  readWordList,
  readPairList,
  probeLabel,
  type WordPairEntry,
  type AnalogyProbe,
} from './word-lists.js';
export { biasDirection, BIAS_METHODS, type BiasDirection, type BiasDirectionOptions, type BiasMethod } from './direction.js';
export { hardDebias, type HardDebiasOptions, type HardDebiasResult } from './hard-debias.js';
export {
  measureBias,
  checkEqualized,
  cosineWith,
  SYMMETRY_TOLERANCE,
  type BiasMetrics,
  type MeasureBiasOptions,
  type MeasuredBias,
  type PoleWord,
  type ProbeResult,
  type AnalogySummary,
  type SimilaritySummary,
  type EqualizeCheck,
} from './metrics.js';
export { reportBias, debiasWithReport, type BiasReport, type BiasReportOptions, type DebiasReport, type PoleShift } from './report.js';
export { symmetricEigen, type SymmetricEigen } from './eigen.js';
