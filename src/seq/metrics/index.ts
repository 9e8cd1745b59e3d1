export { corpusBleu, type BleuResult } from './bleu.js';
export { sequenceAccuracy, type SequenceAccuracy } from './sequence-accuracy.js';
export { classificationReport, type ClassificationReport, type ClassMetrics } from './classification.js';
