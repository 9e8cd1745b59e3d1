/**
 * The pieces of a saved sequence-model folder that every model kind shares (language models,
 * seq2seq): tfjs networks written as model.json + a weights file in the plain layers format and
 * read back with the fused layers registered, JSON files read with one-line errors, and the
 * folder written atomically (a temporary sibling folder renamed into place, an older folder at
 * that path replaced only once the new one is complete).
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fsp, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WordloomError } from '../../errors.js';
import { checkOutputFile } from '../../util/output-path.js';
import { fusedLayersRegistered, registerFusedLayers, unregisterFusedLayers } from '../layers/index.js';

export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await fsp.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new WordloomError('EIO', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
}

/** The model's topology and weights as tfjs's save() produces them, the manifest naming `weightsFile`. */
/**
 * Checks, before any work, that `dir` can receive a model folder: it does not exist yet and can
 * be created (no file among its parents, write permission), is an empty folder, or is a folder of
 * the same kind (holding `configFile`), which saving replaces. Anything else is refused rather
 * than overwritten. `what`: 'model', 'classifier'.
 */
export async function checkModelFolderOutput(dir: string, configFile: string, what: string): Promise<void> {
  const stats = await fsp.stat(dir).catch(() => null);
  if (stats === null) {
    await checkOutputFile(dir, what);
    return;
  }
  if (!stats.isDirectory()) throw new WordloomError('EIO', `${dir} exists and is not a folder; choose another output path for the ${what}`);
  const entries = await fsp.readdir(dir);
  if (entries.length > 0 && !entries.includes(configFile)) {
    throw new WordloomError('EIO', `${dir} is a folder with other files (no ${configFile}); refusing to replace it with a ${what}, choose another output path`);
  }
}

export async function networkArtifacts(model: tf.LayersModel, weightsFile: string): Promise<{ json: Record<string, unknown>; weights: Uint8Array }> {
  let out: { json: Record<string, unknown>; weights: Uint8Array } | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      out = {
        json: {
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
          weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
        },
        weights: new Uint8Array(data),
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (out === null) throw new Error('tfjs did not call the save handler');
  return out;
}

/** Writes `dir`/`modelFile` and the weights file it names. */
export async function writeNetworkFiles(dir: string, model: tf.LayersModel, modelFile: string, weightsFile: string): Promise<void> {
  const { json, weights } = await networkArtifacts(model, weightsFile);
  await fsp.writeFile(join(dir, modelFile), JSON.stringify(json));
  await fsp.writeFile(join(dir, weightsFile), weights);
}

export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    throw new WordloomError('EIO', `${path}: cannot read ${what} (${(err as Error).message})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new WordloomError('EFORMAT', `${path}: ${what} is not valid JSON`);
  }
}

/** Loads `dir`/`modelFile` and its weights with tfjs (wordloom's fused layers registered). */
export async function loadNetworkFile(dir: string, modelFile: string): Promise<tf.LayersModel> {
  const modelJSON = (await readJson(join(dir, modelFile), 'the tfjs model')) as tf.io.ModelJSON;
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths.map((p) => fsp.readFile(join(dir, p)))));
        const bytes = Buffer.concat(buffers);
        return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
      }),
  };
  const wasRegistered = fusedLayersRegistered();
  registerFusedLayers();
  try {
    return await tf.loadLayersModel(handler);
  } catch (err) {
    throw new WordloomError('EFORMAT', `${join(dir, modelFile)}: tfjs cannot load the model (${(err as Error).message})`, { cause: err });
  } finally {
    if (!wasRegistered) unregisterFusedLayers();
  }
}

/**
 * Fills a temporary sibling folder with `fill` and renames it to `dir`, replacing a folder already
 * there only after the new one is complete; on failure the temporary folder is removed and the
 * old one kept.
 */
export async function writeFolderAtomically(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const stamp = `${process.pid}.${Date.now()}`;
  const tmp = join(dirname(dir), `.${basename(dir)}.${stamp}.tmp`);
  const old = join(dirname(dir), `.${basename(dir)}.${stamp}.old`);
  try {
    await fsp.mkdir(tmp, { recursive: true });
    await fill(tmp);
    const existing = await statOrNull(dir);
    if (existing) await fsp.rename(dir, old);
    try {
      await fsp.rename(tmp, dir);
    } catch (err) {
      if (existing) await fsp.rename(old, dir).catch(() => undefined);
      throw err;
    }
    if (existing) await fsp.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof WordloomError) throw err;
    throw new WordloomError('EIO', `cannot write the model to ${dir}: ${(err as Error).message}`, { cause: err });
  }
}
