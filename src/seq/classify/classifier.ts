/**
 * A trained text classifier: the tfjs network, the word table's vocabulary, the classes and the
 * description (classifier.json); for the averaged model also the table of word and n-gram rows.
 * predict() gives each text's label and class probabilities; save() writes the folder that
 * loadClassifier() reads:
 *
 *   model.json + weights.bin   plain tfjs layers (tf.loadLayersModel loads them, in Node or a
 *                              browser): for rnn, word ids -> probabilities; for avg, the mean
 *                              vector -> probabilities (one Dense softmax layer)
 *   vocab.tsv                  the words, id order = rows of the embedding / of features.bin
 *   features.bin               avg only: (words + buckets) x dim float32, little-endian
 *   classifier.json            see config.ts
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { checkModelFolderOutput, loadNetworkFile, readJson, statOrNull, writeFolderAtomically, writeNetworkFiles } from '../training/model-folder.js';
import { averagedInputs, featureRows } from './averaged.js';
import { CLASSIFIER_FORMAT, CLASSIFIER_FORMAT_VERSION, type ClassifierConfig } from './config.js';
import { recurrentProbabilities } from './recurrent.js';
import { classifierTokenizer, encodeTexts, UNKNOWN_ID } from './word-table.js';

export const CLASSIFIER_FILES = { model: 'model.json', weights: 'weights.bin', vocabulary: 'vocab.tsv', features: 'features.bin', config: 'classifier.json' } as const;

export interface Prediction {
  /** The most probable class. */
  label: string;
  /** Probability per class, in the order of classifier.labels. */
  probabilities: Float32Array;
  /** Words of the text, and those the model does not know (skipped or read as `<UNK>`: Classifier.unknownHandling). */
  tokens: number;
  unknown: number;
}

export class Classifier {
  constructor(
    /** rnn: ids [batch, time] -> probabilities; avg: mean vectors [batch, dim] -> probabilities. */
    readonly model: tf.LayersModel,
    readonly vocabulary: Vocabulary,
    readonly config: ClassifierConfig,
    /** avg: the word and n-gram rows the mean is taken over; null for rnn. */
    readonly table: Float32Array | null,
  ) {}

  get labels(): readonly string[] {
    return this.config.labels;
  }

  /** A text's words as the model sees them. */
  tokenize(text: string): string[] {
    return classifierTokenizer(this.config)(text);
  }

  /** Class probabilities of every text, [texts x classes] row-major, with the token counts. */
  /** What the model does with a word it has no row for: skip it, or read the trained `<UNK>` row. */
  get unknownHandling(): 'skipped' | 'read as <UNK>' {
    return (this.config.unknown ?? 'skip') === 'skip' ? 'skipped' : 'read as <UNK>';
  }

  probabilities(texts: readonly string[]): { probabilities: Float32Array; tokens: Int32Array; unknown: Int32Array } {
    const tokenize = classifierTokenizer(this.config);
    const tokenized = texts.map((t) => tokenize(t));
    const encoded = encodeTexts(tokenized, this.vocabulary, this.unknownHandling === 'skipped' ? -1 : UNKNOWN_ID);
    const tokens = Int32Array.from(tokenized, (t) => t.length);
    const unknown = encoded.unknownPerText;
    let probabilities: Float32Array;
    if (this.config.averaged !== null) {
      const shape = this.config.averaged;
      const inputs = averagedInputs(this.table!, shape.dim, featureRows(encoded, shape));
      const out = tf.tidy(() => this.model.predict(tf.tensor2d(inputs, [texts.length, shape.dim])) as tf.Tensor);
      probabilities = Float32Array.from(out.dataSync());
      out.dispose();
    } else {
      probabilities = recurrentProbabilities(this.model, this.config.recurrent!, encoded.ids, encoded.offsets, 128, this.config.ensemble?.members ?? null);
    }
    return { probabilities, tokens, unknown };
  }

  predict(texts: readonly string[]): Prediction[] {
    if (texts.length === 0) return [];
    const k = this.labels.length;
    const { probabilities, tokens, unknown } = this.probabilities(texts);
    return texts.map((_, i) => {
      const p = probabilities.slice(i * k, (i + 1) * k);
      let arg = 0;
      for (let c = 1; c < k; c++) if (p[c]! > p[arg]!) arg = c;
      return { label: this.labels[arg]!, probabilities: p, tokens: tokens[i]!, unknown: unknown[i]! };
    });
  }

  /** Writes the model folder atomically (an existing classifier folder is replaced). */
  async save(dir: string): Promise<void> {
    await checkClassifierOutput(dir);
    await writeFolderAtomically(dir, async (tmp) => {
      this.model.setUserDefinedMetadata({ wordloom: { kind: CLASSIFIER_FORMAT, model: this.config.model, labels: this.config.labels, ...(this.config.ensemble ? { members: this.config.ensemble.members.length } : {}) } });
      await writeNetworkFiles(tmp, this.model, CLASSIFIER_FILES.model, CLASSIFIER_FILES.weights);
      await this.vocabulary.save(join(tmp, CLASSIFIER_FILES.vocabulary));
      if (this.table !== null) await fsp.writeFile(join(tmp, CLASSIFIER_FILES.features), littleEndianBytes(this.table));
      await fsp.writeFile(join(tmp, CLASSIFIER_FILES.config), `${JSON.stringify(this.config, null, 2)}\n`);
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

function littleEndianBytes(values: Float32Array): Uint8Array {
  // Every platform Node runs on is little-endian; the file format says so for other readers.
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Refuses, before any work, an output path that is a file or a folder holding something else than a classifier. */
export async function checkClassifierOutput(dir: string): Promise<void> {
  await checkModelFolderOutput(dir, CLASSIFIER_FILES.config, 'classifier');
}

/** Loads a folder written by Classifier.save(). */
export async function loadClassifier(dir: string): Promise<Classifier> {
  const stats = await statOrNull(dir);
  if (stats === null) throw new WordloomError('ENOENT', `${dir}: no such file or directory`);
  const configPath = join(dir, CLASSIFIER_FILES.config);
  if (!stats.isDirectory() || (await statOrNull(configPath)) === null) {
    throw new WordloomError('EFORMAT', `${dir} is not a wordloom classifier (a folder with ${CLASSIFIER_FILES.config}, ${CLASSIFIER_FILES.model}, ${CLASSIFIER_FILES.weights} and ${CLASSIFIER_FILES.vocabulary})`);
  }
  const config = (await readJson(configPath, 'the classifier description')) as ClassifierConfig;
  if (config === null || typeof config !== 'object' || config.format !== CLASSIFIER_FORMAT) {
    throw new WordloomError('EFORMAT', `${configPath} does not describe a wordloom classifier (format ${JSON.stringify((config as { format?: unknown } | null)?.format)}, expected "${CLASSIFIER_FORMAT}")`);
  }
  if (config.version !== CLASSIFIER_FORMAT_VERSION) {
    throw new WordloomError('EFORMAT', `${configPath}: format version ${String(config.version)} is not the one this wordloom reads (${CLASSIFIER_FORMAT_VERSION})`);
  }
  const needed = [CLASSIFIER_FILES.model, CLASSIFIER_FILES.weights, CLASSIFIER_FILES.vocabulary, ...(config.averaged ? [CLASSIFIER_FILES.features] : [])];
  for (const name of needed) {
    if ((await statOrNull(join(dir, name))) === null) throw new WordloomError('EFORMAT', `${dir}: the classifier folder is incomplete (${name} is missing)`);
  }
  const model = await loadNetworkFile(dir, CLASSIFIER_FILES.model);
  try {
    const vocabulary = await Vocabulary.load(join(dir, CLASSIFIER_FILES.vocabulary));
    const outputs = model.outputs[0]?.shape[model.outputs[0].shape.length - 1];
    if (!Array.isArray(config.labels) || outputs !== config.labels.length) {
      throw new WordloomError('EFORMAT', `${dir}: the model has ${String(outputs)} outputs but ${CLASSIFIER_FILES.config} names ${Array.isArray(config.labels) ? config.labels.length : 'no'} classes`);
    }
    let table: Float32Array | null = null;
    if (config.averaged) {
      const { words, buckets, dim } = config.averaged;
      const bytes = await fsp.readFile(join(dir, CLASSIFIER_FILES.features));
      if (words !== vocabulary.size || bytes.byteLength !== (words + buckets) * dim * 4) {
        throw new WordloomError('EFORMAT', `${dir}: ${CLASSIFIER_FILES.features} has ${bytes.byteLength} bytes and ${CLASSIFIER_FILES.vocabulary} ${vocabulary.size} words, expected (${words} + ${buckets}) x ${dim} floats`);
      }
      table = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } else if (config.recurrent?.vocabularySize !== vocabulary.size) {
      throw new WordloomError('EFORMAT', `${dir}: ${CLASSIFIER_FILES.vocabulary} has ${vocabulary.size} words, the model ${String(config.recurrent?.vocabularySize)}`);
    }
    return new Classifier(model, vocabulary, config, table);
  } catch (err) {
    model.dispose();
    throw err;
  }
}
