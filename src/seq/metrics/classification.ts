/**
 * Classification metrics from gold and predicted class indices: accuracy, per-class precision,
 * recall and F1, their unweighted mean (macro-F1, which an imbalanced set cannot inflate by
 * favouring its big class) and the confusion matrix. A class never predicted has precision 0 and a
 * class absent from the gold labels recall 0, as scikit-learn reports them (zero_division=0).
 */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples of this class. */
  support: number;
}

export interface ClassificationReport {
  examples: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[gold][predicted]: counts, rows and columns in the order of `labels`. */
  confusion: number[][];
  labels: string[];
}

/** gold and predicted: class indices into `labels`, one per example. */
export function classificationReport(gold: ArrayLike<number>, predicted: ArrayLike<number>, labels: readonly string[]): ClassificationReport {
  if (gold.length !== predicted.length) throw new RangeError(`classificationReport: ${gold.length} gold labels but ${predicted.length} predictions`);
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = predicted[i]!;
    if (!(g >= 0 && g < k && p >= 0 && p < k)) throw new RangeError(`classificationReport: class index out of range at example ${i} (gold ${g}, predicted ${p}, ${k} classes)`);
    confusion[g]![p]!++;
    if (g === p) correct++;
  }
  const perClass = labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    let predictedAs = 0;
    let support = 0;
    for (let j = 0; j < k; j++) {
      predictedAs += confusion[j]![c]!;
      support += confusion[c]![j]!;
    }
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    examples: gold.length,
    accuracy: gold.length > 0 ? correct / gold.length : 0,
    macroF1: k > 0 ? perClass.reduce((s, c) => s + c.f1, 0) / k : 0,
    perClass,
    confusion,
    labels: labels.slice(),
  };
}
