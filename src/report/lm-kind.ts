/**
 * Language-model folders (lm.json + model.json + weights.bin + vocab.tsv, src/seq/lm/model-files.ts):
 * the report shows a few seeded samples; the playground serves the folder's tfjs files so the
 * page loads the model with plain tf.loadLayersModel and generates in the browser.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { escapeXml } from './xml.js';
import { folderWith, type ModelKind } from './model-kinds.js';

const SAMPLES = 3;
const SAMPLE_LENGTH = 200;

export const languageModelKind: ModelKind = {
  name: 'lm',
  detect: (path) => folderWith(path, 'lm.json'),
  async describe(path) {
    const { readConfig } = await import('./lm-config.js');
    const config = await readConfig(path);
    const { settings, history: _history, ...training } = config.training ?? { settings: undefined, history: undefined };
    return {
      settings: { level: config.level, tokenizer: config.tokenizer, lowercase: config.lowercase, ...config.architecture, ...(settings ?? {}) },
      figures: { ...training, validation: config.validation },
    };
  },
  async reportSections(path, context) {
    const { loadLanguageModel } = await import('../seq/lm/index.js');
    const { generateTexts } = await import('../seq/generate/index.js');
    const model = await loadLanguageModel(path);
    try {
      const texts = await generateTexts(model.model, model.vocabulary, { count: SAMPLES, maxLength: SAMPLE_LENGTH, seed: context.seed, temperature: 0.8 });
      const html = texts.map((t) => `<pre class="sample">${escapeXml(t)}</pre>`).join('\n');
      return [{ title: `Samples (seed ${context.seed}, temperature 0.8)`, html }];
    } finally {
      model.dispose();
    }
  },
  async browserFiles(path) {
    const files = ['model.json', 'weights.bin', 'vocab.tsv', 'lm.json'];
    // A bidirectional model's backward direction is not needed to generate.
    for (const f of files) await fsp.access(join(path, f));
    return files;
  },
};
