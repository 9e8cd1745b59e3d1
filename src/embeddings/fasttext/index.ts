export { trainFastText, saveFastTextModel, FASTTEXT_TRAINER, type FastTextResult } from './train.js';
export { resolveFastTextOptions, FASTTEXT_DEFAULTS, FASTTEXT_OPTION_SPECS, type FastTextOptions, type FastTextSetting } from './options.js';
