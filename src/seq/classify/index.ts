export { trainClassifier, type TrainedClassifier } from './train.js';
export { Classifier, loadClassifier, checkClassifierOutput, CLASSIFIER_FILES, type Prediction } from './classifier.js';
export { ensembleClassifiers } from './ensemble.js';
export { evaluateClassifier, type ClassifierEvaluation } from './evaluate.js';
export { readLabelledFile, parseLabelledText, labelSetOf, classIndices, type LabelledSet, type LabelledExample, type LabelLayout } from './labelled-file.js';
export {
  resolveClassifierOptions, CLASSIFIER_DEFAULTS, CLASSIFIER_OPTION_SPECS, CLASSIFIER_MODELS, POOLINGS, CLASS_WEIGHTINGS, defaultLearningRate,
  type ClassifierOptions, type ClassifierSetting, type ClassifierModelName, type PoolingName, type ClassWeighting,
} from './options.js';
export { CLASSIFIER_FORMAT, CLASSIFIER_FORMAT_VERSION, type ClassifierConfig, type ClassifierTrainingRecord } from './config.js';
export type { ClassifierEpochReport, TrialReport } from './progress.js';
export type { PretrainedVectors } from './word-table.js';
