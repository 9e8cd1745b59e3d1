/**
 * Classifier folders (classifier.json + model.json + weights.bin + vocab.tsv [+ features.bin],
 * src/seq/classify/classifier.ts). The report evaluates the model on a labelled file (`--eval`,
 * else the validation file it was trained with when that is still there): accuracy, macro-F1,
 * per-class precision and recall and the confusion matrix as a heatmap; and it classifies the
 * `--input` texts. Its training curves come from NAME.metrics.jsonl like every model's (report-page.ts).
 * The playground serves the folder's files and the page predicts in the browser (browser-classifier.ts).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../errors.js';
import type { ClassifierConfig } from '../seq/classify/config.js';
import { dataTable, keyValueTable } from './html.js';
import { confusionMatrix } from './heatmap.js';
import { folderWith, isFile, type ModelKind, type ReportSection } from './model-kinds.js';
import { escapeXml } from './xml.js';

const FILES = ['model.json', 'weights.bin', 'vocab.tsv', 'classifier.json'];

async function readConfig(dir: string): Promise<ClassifierConfig> {
  const path = join(dir, 'classifier.json');
  try {
    return JSON.parse(await fsp.readFile(path, 'utf8')) as ClassifierConfig;
  } catch (err) {
    throw new WordloomError('EFORMAT', `${path}: cannot read the classifier description (${(err as Error).message})`);
  }
}

const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;

export const classifierKind: ModelKind = {
  name: 'classifier',
  detect: (path) => folderWith(path, 'classifier.json'),
  async describe(path) {
    const config = await readConfig(path);
    const { settings, history: _history, ...training } = config.training ?? { settings: undefined, history: undefined };
    return {
      settings: { model: config.model, classes: config.labels, tokenizer: config.tokenizer, lowercase: config.lowercase, ...(config.recurrent ?? {}), ...(config.averaged ?? {}), ...(settings ?? {}) },
      figures: { ...training, validation: config.validation },
    };
  },
  async reportSections(path, context) {
    const config = await readConfig(path);
    const recordedVal = config.training?.settings?.valFile ?? null;
    const evalFile = context.evaluation ?? (recordedVal !== null && (await isFile(recordedVal)) ? recordedVal : null);
    const inputs = context.inputs ?? [];
    const sections: ReportSection[] = [];
    if (evalFile === null) {
      sections.push({
        title: 'Confusion matrix',
        html: `<p class="note">give a labelled file with --eval to see the confusion matrix and per-class precision and recall${recordedVal ? ` (the validation file it was trained with, ${escapeXml(recordedVal)}, is not there)` : ''}</p>`,
      });
      if (inputs.length === 0) return sections;
    }
    const { loadClassifier, evaluateClassifier } = await import('../seq/classify/index.js');
    const classifier = await loadClassifier(path);
    try {
      if (evalFile !== null) {
        const r = await evaluateClassifier(classifier, evalFile);
        sections.push({
          title: `Evaluation on ${evalFile}`,
          html: [
            keyValueTable({ examples: r.examples, accuracy: percent(r.accuracy), 'macro-F1': percent(r.macroF1), 'loss (nats)': r.loss, 'unknown words': `${r.unknownTokens} of ${r.tokens}` }),
            dataTable(['class', 'precision', 'recall', 'F1', 'examples'], r.perClass.map((c) => [c.label, percent(c.precision), percent(c.recall), percent(c.f1), c.support])),
            `<figure class="confusion">${confusionMatrix(r.labels, r.confusion.flat(), 'confusion matrix (rows shaded by recall)')}</figure>`,
          ].join('\n'),
        });
      }
      if (inputs.length > 0) {
        const predictions = classifier.predict(inputs);
        const rows = predictions.map((p, i) => [inputs[i]!, p.label, Array.from(p.probabilities, (v, c) => `${classifier.labels[c]} ${v.toFixed(3)}`).join(', ')]);
        sections.push({ title: 'Predictions', html: dataTable(['text', 'predicted', 'probabilities'], rows) });
      }
    } finally {
      classifier.dispose();
    }
    return sections;
  },
  async browserFiles(path) {
    const config = await readConfig(path);
    const files = config.averaged ? [...FILES, 'features.bin'] : FILES;
    for (const f of files) await fsp.access(join(path, f));
    return files;
  },
};
