export { corpusBleu, type BleuResult } from './bleu.js';
export { sequenceAccuracy, type SequenceAccuracy } from './sequence-accuracy.js';
