export { trainFastText, saveFastTextModel, FASTTEXT_TRAINER, type FastTextResult } from './train.js';
export { resolveFastTextOptions, FASTTEXT_DEFAULTS, type FastTextOptions } from './options.js';
