/**
 * A seq2seq model on disk: one folder, written atomically (the shared model-folder pieces), holding
 *
 *   encoder.json + encoder.bin   the encoder (source ids -> memory and final states), and
 *   decoder.json + decoder.bin   the decoder (previous ids, states, memory, source mask bias
 *                                [, previous attentional vectors] -> logits, attention weights,
 *                                attentional vectors, states); both plain tfjs layers models that
 *                                `tf.loadLayersModel` loads in Node or a browser;
 *   source-vocab.tsv, target-vocab.tsv   the vocabularies (id order = embedding rows / logits);
 *   seq2seq.json                 format, tokenization, architecture, training record.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { checkModelFolderOutput, loadNetworkFile, readJson, statOrNull, writeFolderAtomically, writeNetworkFiles } from '../training/model-folder.js';
import { PairCodec } from './codec.js';
import { SEQ2SEQ_FORMAT, SEQ2SEQ_FORMAT_VERSION, type Seq2seqConfig } from './config.js';
import { DEFAULT_LOCAL_WINDOW } from './local-p.js';
import { Seq2seqModel } from './model.js';

export const SEQ2SEQ_FILES = {
  encoder: 'encoder.json',
  encoderWeights: 'encoder.bin',
  decoder: 'decoder.json',
  decoderWeights: 'decoder.bin',
  sourceVocabulary: 'source-vocab.tsv',
  targetVocabulary: 'target-vocab.tsv',
  config: 'seq2seq.json',
} as const;

/** Refuses, before any work, an output path that is a file or a folder other than a seq2seq model (which saving replaces). */
export async function checkSeq2seqOutput(dir: string): Promise<void> {
  await checkModelFolderOutput(dir, SEQ2SEQ_FILES.config, 'model');
}

export async function saveSeq2seqModel(model: Seq2seqModel, dir: string): Promise<void> {
  await checkSeq2seqOutput(dir);
  await writeFolderAtomically(dir, async (tmp) => {
    await writeNetworkFiles(tmp, model.network.encoder, SEQ2SEQ_FILES.encoder, SEQ2SEQ_FILES.encoderWeights);
    // tfjs warns that the decoder's recurrent layers were called with `initialState` keyword
    // arguments it cannot serialize; the states are also the layers' extra inputs, which it saves
    // (plain tfjs loads and runs the decoder with them), so the warning is noise here.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).includes('non-serializable keyword arguments')) warn(...args);
    };
    try {
      await writeNetworkFiles(tmp, model.network.decoder, SEQ2SEQ_FILES.decoder, SEQ2SEQ_FILES.decoderWeights);
    } finally {
      console.warn = warn;
    }
    await model.codec.source.save(join(tmp, SEQ2SEQ_FILES.sourceVocabulary));
    await model.codec.target.save(join(tmp, SEQ2SEQ_FILES.targetVocabulary));
    await fsp.writeFile(join(tmp, SEQ2SEQ_FILES.config), `${JSON.stringify(model.config, null, 2)}\n`);
  });
}

export async function loadSeq2seqModel(dir: string): Promise<Seq2seqModel> {
  const stats = await statOrNull(dir);
  if (stats === null) throw new WordloomError('ENOENT', `${dir}: no such file or directory`);
  const configPath = join(dir, SEQ2SEQ_FILES.config);
  if (!stats.isDirectory() || (await statOrNull(configPath)) === null) {
    throw new WordloomError('EFORMAT', `${dir} is not a wordloom seq2seq model (a folder with ${Object.values(SEQ2SEQ_FILES).join(', ')})`);
  }
  const config = (await readJson(configPath, 'the model description')) as Seq2seqConfig;
  if (config === null || typeof config !== 'object' || config.format !== SEQ2SEQ_FORMAT) {
    throw new WordloomError('EFORMAT', `${configPath} does not describe a wordloom seq2seq model (format ${JSON.stringify((config as { format?: unknown } | null)?.format)}, expected "${SEQ2SEQ_FORMAT}")`);
  }
  if (config.version !== SEQ2SEQ_FORMAT_VERSION) throw new WordloomError('EFORMAT', `${configPath}: format version ${String(config.version)} is not the one this wordloom reads (${SEQ2SEQ_FORMAT_VERSION})`);
  for (const name of Object.values(SEQ2SEQ_FILES)) {
    if ((await statOrNull(join(dir, name))) === null) throw new WordloomError('EFORMAT', `${dir}: the model folder is incomplete (${name} is missing)`);
  }
  const encoder = await loadNetworkFile(dir, SEQ2SEQ_FILES.encoder);
  const decoder = await loadNetworkFile(dir, SEQ2SEQ_FILES.decoder).catch((err: unknown) => {
    encoder.dispose();
    throw err;
  });
  try {
    const source = await Vocabulary.load(join(dir, SEQ2SEQ_FILES.sourceVocabulary));
    const target = await Vocabulary.load(join(dir, SEQ2SEQ_FILES.targetVocabulary));
    // Models saved before local-p attention existed have global attention.
    const arch = { ...config.architecture, localP: config.architecture.localP ?? false, window: config.architecture.window ?? DEFAULT_LOCAL_WINDOW };
    const logits = decoder.outputs[0]?.shape[2];
    if (source.size !== arch.sourceVocabularySize || target.size !== arch.targetVocabularySize || logits !== arch.targetVocabularySize) {
      throw new WordloomError('EFORMAT', `${dir}: the vocabularies (${source.size} source, ${target.size} target entries), the decoder's outputs (${String(logits)}) and ${SEQ2SEQ_FILES.config} disagree`);
    }
    const codec = new PairCodec(source, target, { level: config.level, tokenizer: config.tokenizer, lowercase: config.lowercase });
    return new Seq2seqModel({ arch, encoder, decoder }, codec, config);
  } catch (err) {
    encoder.dispose();
    decoder.dispose();
    throw err;
  }
}
