export { trainLanguageModel, type TrainedLanguageModel } from './train.js';
export { LanguageModel, loadLanguageModel } from './language-model.js';
export { evaluateLanguageModel, type EvaluateOptions } from './evaluate-text.js';
export { contextualEmbeddings, type ContextualEmbeddings, type ContextualEmbeddingOptions } from './contextual.js';
export { checkModelOutput } from './model-files.js';
export {
  resolveLanguageModelOptions, LANGUAGE_MODEL_DEFAULTS, LANGUAGE_MODEL_OPTION_SPECS, defaultEmbedding, LEVELS, CELLS, OPTIMIZERS,
  type LanguageModelOptions, type LanguageModelSetting, type LanguageModelLevel, type CellName, type OptimizerName, type OptionSpec,
} from './options.js';
export type { LanguageModelProgress, LanguageModelEvaluation, EpochReport, DirectionReport } from './progress.js';
export { LANGUAGE_MODEL_FORMAT, LANGUAGE_MODEL_FORMAT_VERSION, type LanguageModelConfig, type TrainingRecord, type BackwardRecord } from './config.js';
export type { Architecture } from './network.js';
export { runLanguageModel, applyRecurrentWithState, disposeStates, type LayerStates } from './stateful.js';
export { encodeText, type TextSettings } from './text-codec.js';
export type { TextSource } from './text-source.js';
