/**
 * Seq2seq model folders (seq2seq.json + encoder/decoder tfjs files + two vocabularies,
 * src/seq/seq2seq/model-files.ts): the report translates the texts given with `--input`, or else
 * the first few sources of the `--eval` pairs file (with their expected targets), and draws each
 * translation's attention heatmap (seq2seq's own attentionSvg). The playground serves
 * the folder's browser files and its page translates in the browser (browser-seq2seq.ts).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../errors.js';
import type { Seq2seqConfig } from '../seq/seq2seq/config.js';
import { escapeXml } from './xml.js';
import { folderWith, type ModelKind } from './model-kinds.js';

/** Pairs of an --eval file shown when no --input is given. */
const EVAL_EXAMPLES = 4;

const FILES = ['encoder.json', 'encoder.bin', 'decoder.json', 'decoder.bin', 'source-vocab.tsv', 'target-vocab.tsv', 'seq2seq.json'];

async function readConfig(dir: string): Promise<Seq2seqConfig> {
  const path = join(dir, 'seq2seq.json');
  try {
    return JSON.parse(await fsp.readFile(path, 'utf8')) as Seq2seqConfig;
  } catch (err) {
    throw new WordloomError('EFORMAT', `${path}: cannot read the model description (${(err as Error).message})`);
  }
}

export const seq2seqKind: ModelKind = {
  name: 'seq2seq',
  detect: (path) => folderWith(path, 'seq2seq.json'),
  async describe(path) {
    const config = await readConfig(path);
    const { settings, history: _history, ...training } = config.training ?? { settings: undefined, history: undefined };
    return {
      settings: { level: config.level, tokenizer: config.tokenizer, lowercase: config.lowercase, ...config.architecture, ...(settings ?? {}) },
      figures: { ...training, validation: config.validation },
    };
  },
  async reportSections(path, context) {
    const { loadSeq2seqModel, attentionSvg, readPairs } = await import('../seq/seq2seq/index.js');
    let inputs = context.inputs ?? [];
    let expected: readonly string[] = [];
    if (inputs.length === 0 && context.evaluation !== undefined) {
      const pairs = (await readPairs(context.evaluation)).slice(0, EVAL_EXAMPLES);
      inputs = pairs.map((p) => p.source);
      expected = pairs.map((p) => p.target);
    }
    if (inputs.length === 0) {
      return [{ title: 'Attention', html: '<p class="note">give source texts with --input (or a pairs file with --eval) to see their translations and attention heatmaps</p>' }];
    }
    const model = await loadSeq2seqModel(path);
    try {
      const translations = model.translate(inputs);
      const html = translations.map((t, i) => {
        const outputs = t.ended ? [...t.tokens, '<EOS>'] : t.tokens;
        const reference = expected[i] === undefined ? '' : ` <span class="note">(expected ${escapeXml(expected[i]!)}${expected[i] === t.text ? ', exact' : ''})</span>`;
        return `<figure class="attention">${attentionSvg(t.sourceTokens, outputs, t.attention, { title: inputs[i]! })}<figcaption>${escapeXml(t.text)}${reference}</figcaption></figure>`;
      });
      return [{ title: 'Translations and attention', html: html.join('\n') }];
    } finally {
      model.dispose();
    }
  },
  async browserFiles(path) {
    for (const f of FILES) await fsp.access(join(path, f));
    return FILES;
  },
};
