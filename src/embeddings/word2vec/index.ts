export { trainWord2Vec, type Word2VecResult } from './train.js';
export { resolveWord2VecOptions, WORD2VEC_DEFAULTS, WORD2VEC_OPTION_SPECS, type Word2VecOptions, type Word2VecSetting } from './options.js';
export type { TrainingProgress } from '../shared/progress.js';
export { Word2Vec } from './word2vec.js';
