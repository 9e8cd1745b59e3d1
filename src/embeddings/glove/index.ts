export { trainGlove, type GloveResult, type GloveSource } from './train.js';
export { countCooccurrences, type CountOptions, type CountResult } from './count.js';
export { GLOVE_DEFAULTS, GLOVE_OPTION_SPECS, GLOVE_VECTORS, resolveGloveOptions, type GloveOptions, type GloveSetting, type GloveVectors } from './options.js';
export { RecordReader, RecordWriter, RECORD_BYTES } from './records.js';
export { saveGloveVocabulary } from './vocabulary-file.js';
export type { GloveCountProgress, GloveIterationReport, GloveTrainProgress } from './progress.js';
