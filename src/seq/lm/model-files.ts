/**
 * A trained language model on disk: one folder, written atomically (a temporary sibling folder
 * renamed into place), holding
 *
 *   model.json + weights.bin   the network in the plain tfjs layers format (tfjs's class names,
 *                              batchInputShape [null, null], a Dense giving logits), which plain
 *                              tf.loadLayersModel loads in Node or a browser;
 *   vocab.tsv                  the text layer's vocabulary file (id order = rows of the model);
 *   lm.json                    what the folder is (format name and version), how text becomes
 *                              tokens (level, tokenizer, lowercase), the architecture, the
 *                              training settings and the final validation figures;
 *   backward/model.json          bidirectional models only: the backward model (reads right to
 *     + backward/weights.bin     left), in the same format; lm.json's `backward` names the folder.
 *                              The forward model stays at the top, so everything that reads a
 *                              forward-only folder reads the forward direction of this one.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { checkModelFolderOutput, loadNetworkFile, readJson, statOrNull, writeFolderAtomically, writeNetworkFiles } from '../training/model-folder.js';
import { LANGUAGE_MODEL_FORMAT, LANGUAGE_MODEL_FORMAT_VERSION, type LanguageModelConfig } from './config.js';

export const FILES = { model: 'model.json', weights: 'weights.bin', vocabulary: 'vocab.tsv', config: 'lm.json', backward: 'backward' } as const;

/**
 * Checks, before any work, that `dir` can receive a model: it does not exist, is an empty folder,
 * or is a wordloom language-model folder (which saving replaces). Anything else is refused rather
 * than overwritten.
 */
export async function checkModelOutput(dir: string): Promise<void> {
  await checkModelFolderOutput(dir, FILES.config, 'model');
}

/** Writes model.json + weights.bin of `model` into `dir`, with the generator's hints. */
async function writeNetwork(dir: string, model: tf.LayersModel, config: LanguageModelConfig): Promise<void> {
  // Read by the generator (src/seq/generate readGenerationHints), in Node or a browser, so a
  // model.json alone says how to tokenize priming text; training streams start lines after <EOS>.
  model.setUserDefinedMetadata({ wordloom: { level: config.level, tokenizer: config.tokenizer, lowercase: config.lowercase, startToken: '<EOS>' } });
  await writeNetworkFiles(dir, model, FILES.model, FILES.weights);
}

/** Writes the folder; `backward` (a bidirectional model's) goes to the subfolder lm.json's `backward.folder` names. */
export async function writeModelFolder(
  dir: string,
  model: tf.LayersModel,
  vocabulary: Vocabulary,
  config: LanguageModelConfig,
  backward: tf.LayersModel | null = null,
): Promise<void> {
  if ((backward === null) !== (config.backward === undefined)) throw new Error('writeModelFolder: a backward model goes with lm.json backward, and only with it');
  await checkModelOutput(dir);
  await writeFolderAtomically(dir, async (tmp) => {
    await writeNetwork(tmp, model, config);
    if (backward !== null) {
      await fsp.mkdir(join(tmp, config.backward!.folder));
      await writeNetwork(join(tmp, config.backward!.folder), backward, config);
    }
    await vocabulary.save(join(tmp, FILES.vocabulary));
    await fsp.writeFile(join(tmp, FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  });
}

export interface ModelFolder {
  model: tf.LayersModel;
  vocabulary: Vocabulary;
  config: LanguageModelConfig;
  /** The backward model of a bidirectional folder, else null. */
  backward: tf.LayersModel | null;
}

const outputsOf = (model: tf.LayersModel): number | null | undefined => model.outputs[0]?.shape[model.outputs[0].shape.length - 1];

/** Reads a folder written by writeModelFolder; the network is built from wordloom's fused layers. */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const stats = await statOrNull(dir);
  if (stats === null) throw new WordloomError('ENOENT', `${dir}: no such file or directory`);
  if (!stats.isDirectory()) throw new WordloomError('EFORMAT', `${dir} is not a wordloom language model (a model is a folder with ${FILES.config}, ${FILES.model}, ${FILES.weights} and ${FILES.vocabulary})`);
  const configPath = join(dir, FILES.config);
  if ((await statOrNull(configPath)) === null) {
    throw new WordloomError('EFORMAT', `${dir} is not a wordloom language model folder (it has no ${FILES.config})`);
  }
  const config = (await readJson(configPath, 'the model description')) as LanguageModelConfig;
  if (config === null || typeof config !== 'object' || config.format !== LANGUAGE_MODEL_FORMAT) {
    throw new WordloomError('EFORMAT', `${configPath} does not describe a wordloom language model (format ${JSON.stringify((config as { format?: unknown } | null)?.format)}, expected "${LANGUAGE_MODEL_FORMAT}")`);
  }
  if (config.version !== LANGUAGE_MODEL_FORMAT_VERSION) {
    throw new WordloomError('EFORMAT', `${configPath}: format version ${String(config.version)} is not the one this wordloom reads (${LANGUAGE_MODEL_FORMAT_VERSION})`);
  }
  for (const name of [FILES.model, FILES.weights, FILES.vocabulary]) {
    if ((await statOrNull(join(dir, name))) === null) throw new WordloomError('EFORMAT', `${dir}: the model folder is incomplete (${name} is missing)`);
  }
  const backwardDir = backwardFolder(dir, config);
  if (backwardDir !== null) {
    for (const name of [FILES.model, FILES.weights]) {
      if ((await statOrNull(join(backwardDir, name))) === null) {
        throw new WordloomError('EFORMAT', `${dir}: the bidirectional model folder is incomplete (${join(config.backward!.folder, name)} is missing)`);
      }
    }
  }
  const model = await loadNetworkFile(dir, FILES.model);
  let backward: tf.LayersModel | null = null;
  try {
    const vocabulary = await Vocabulary.load(join(dir, FILES.vocabulary));
    const expected = config.architecture?.vocabularySize;
    const outputs = outputsOf(model);
    if (vocabulary.size !== expected || outputs !== expected) {
      throw new WordloomError('EFORMAT', `${dir}: the vocabulary (${vocabulary.size} entries), the model's outputs (${String(outputs)}) and ${FILES.config} (${String(expected)}) disagree`);
    }
    if (backwardDir !== null) {
      backward = await loadNetworkFile(backwardDir, FILES.model);
      const shape = (m: tf.LayersModel): string => JSON.stringify(m.weights.map((w) => w.shape));
      if (shape(backward) !== shape(model)) {
        throw new WordloomError('EFORMAT', `${dir}: the backward model (${join(config.backward!.folder, FILES.model)}) does not have the forward model's architecture`);
      }
    }
    return { model, vocabulary, config, backward };
  } catch (err) {
    model.dispose();
    backward?.dispose();
    throw err;
  }
}

/** The backward model's folder of a bidirectional model (null for a forward-only one); a bad `backward` entry is refused. */
function backwardFolder(dir: string, config: LanguageModelConfig): string | null {
  const b = config.backward;
  if (b === undefined) return null;
  if (b === null || typeof b !== 'object' || typeof b.folder !== 'string' || !/^[A-Za-z0-9_-]+$/.test(b.folder)) {
    throw new WordloomError('EFORMAT', `${join(dir, FILES.config)}: "backward" must name a subfolder of the model folder, got ${JSON.stringify(b)}`);
  }
  return join(dir, b.folder);
}
