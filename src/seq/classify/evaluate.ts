import { classificationReport, type ClassificationReport } from '../metrics/classification.js';
import type { Classifier } from './classifier.js';
import { classIndices, readLabelledFile, type LabelledSet } from './labelled-file.js';

export interface ClassifierEvaluation extends ClassificationReport {
  /** Mean cross-entropy of the gold classes (nats). */
  loss: number;
  /** Tokens of the test texts, and those the model does not know (skipped or read as `<UNK>`, as unknownHandling says). */
  tokens: number;
  unknownTokens: number;
  unknownHandling: Classifier['unknownHandling'];
}

/** Accuracy, macro-F1, per-class precision and recall and the confusion matrix on a labelled file or set. */
export async function evaluateClassifier(classifier: Classifier, test: string | LabelledSet): Promise<ClassifierEvaluation> {
  const set = typeof test === 'string' ? await readLabelledFile(test) : test;
  const gold = classIndices(set, classifier.labels);
  const k = classifier.labels.length;
  const { probabilities, tokens, unknown } = classifier.probabilities(set.examples.map((e) => e.text));
  const predicted = new Int32Array(gold.length);
  let loss = 0;
  for (let i = 0; i < gold.length; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + arg]!) arg = c;
    predicted[i] = arg;
    loss -= Math.log(Math.max(probabilities[i * k + gold[i]!]!, 1e-30));
  }
  const report = classificationReport(gold, predicted, classifier.labels);
  return {
    ...report,
    loss: gold.length > 0 ? loss / gold.length : 0,
    tokens: tokens.reduce((a, b) => a + b, 0),
    unknownTokens: unknown.reduce((a, b) => a + b, 0),
    unknownHandling: classifier.unknownHandling,
  };
}
