/**
 * `wordloom info <file>`: what a file is (vectors, vocabulary, HNSW index, checkpoint, metrics
 * log, language-model or seq2seq folder, text) and its main figures; for vectors, how they were trained when
 * the metrics log written next to them says so.
 */
import type { Command } from 'commander';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../errors.js';
import { detectFormatFromHead, looksLikeVocabulary } from '../vectors/formats/detect.js';
import { loadVectors } from '../vectors/formats/index.js';
import { isFastTextModel } from '../vectors/fasttext/read-bin.js';
import { Vocabulary } from '../text/vocabulary.js';
import { findMetricsLog } from '../report/metrics-file.js';
import { formatLayerUnits, type LayerUnits } from '../seq/lm/layer-units.js';
import type { Output } from './output.js';

const HEAD_BYTES = 64 * 1024;
const CHECKPOINT_MAGIC = 'WLCKPT01';

type Info = { path: string; kind: string; [field: string]: unknown };

export function registerInfoCommand(program: Command, output: () => Output): void {
  program
    .command('info')
    .description('say what a file is: vectors, vocabulary, HNSW index, checkpoint, metrics log, language-model or seq2seq folder or text, with its size, dimension and how it was trained when known')
    .argument('<file>', 'file or model folder')
    .action(async (path: string) => {
      const out = output();
      const info = await describeFile(path);
      out.result(info, () =>
        Object.entries(info)
          .map(([key, value]) => `${`${key}:`.padEnd(12)} ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
          .join('\n'),
      );
    });
}

export async function describeFile(path: string): Promise<Info> {
  const stats = await fsp.stat(path).catch(() => null);
  if (stats === null) throw new WordloomError('ENOENT', `no such file or folder: ${path}`);
  if (stats.isDirectory()) return describeFolder(path);
  const head = await readHead(path, stats.size);
  const bytes = stats.size;
  if (head.subarray(0, 8).toString('latin1') === CHECKPOINT_MAGIC) return describeCheckpoint(path, head, bytes);
  if (/\.metrics\.jsonl$/.test(path)) return describeMetrics(path, bytes);
  if (looksLikeVocabulary(head)) {
    const vocab = await Vocabulary.load(path);
    const top: string[] = [];
    for (let id = Vocabulary.FIRST_WORD; id < Math.min(vocab.size, Vocabulary.FIRST_WORD + 5); id++) top.push(vocab.word(id));
    return { path, kind: 'vocabulary', bytes, words: vocab.size - Vocabulary.FIRST_WORD, tokens: vocab.totalTokens, top, usedBy: 'train word2vec --read-vocab' };
  }
  const hnsw = hnswHeader(head, bytes);
  if (hnsw !== null) return { path, kind: 'hnsw-index', bytes, ...hnsw, usedBy: 'index query, similar --index (with the vectors it was built for)' };
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (gzip || isFastTextModel(head) || isVectorsHead(head, path)) {
    try {
      let format = '';
      const set = await loadVectors(path, { onFormat: (f) => (format = f), onWarning: () => undefined });
      return { path, kind: 'vectors', format, bytes, words: set.size, dim: set.dim, ...(await trainedWith(path)) };
    } catch (err) {
      if (!gzip) throw err;
      return { path, kind: 'gzip', bytes, note: 'not vectors; a compressed corpus, read by vocab and train' };
    }
  }
  const binary = head.subarray(0, 4096).some((c) => c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b));
  if (binary) return { path, kind: 'binary', bytes, note: 'not a file wordloom reads or writes' };
  const lines = head.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  if (lines.some((l) => /^: \S/.test(l))) return { path, kind: 'analogy-questions', bytes, usedBy: 'eval analogy' };
  return { path, kind: 'text', bytes, note: 'a corpus (one sentence a line) for vocab and train, or a word-pairs file for eval similarity' };
}

async function readHead(path: string, size: number): Promise<Buffer> {
  const handle = await fsp.open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function isVectorsHead(head: Buffer, path: string): boolean {
  const nl = head.indexOf(0x0a);
  const first = head.subarray(0, nl < 0 ? head.length : nl).toString('latin1').trim();
  if (/^\d+ \d+$/.test(first)) return true;
  try {
    // GloVe has no header: a word and at least two numbers on each of the first lines
    const sample = head.toString('utf8').split('\n').slice(0, 3).filter((l) => l !== '');
    return sample.length > 0 && sample.every((l) => l.trim().split(/\s+/).slice(1).filter((f) => /^[-+.\deE]+$/.test(f)).length >= 2) && detectFormatFromHead(head, path) === 'glove';
  } catch {
    return false;
  }
}

/** The settings of the run that wrote `vectorsPath`, from the metrics log next to it. */
async function trainedWith(vectorsPath: string): Promise<Record<string, unknown>> {
  const metrics = await findMetricsLog(vectorsPath);
  if (metrics === null) return {};
  const first = (await fsp.readFile(metrics, 'utf8')).split('\n')[0] ?? '';
  try {
    const start = JSON.parse(first) as { kind?: string; trainer?: string; settings?: unknown };
    return start.kind === 'start' ? { trainer: start.trainer, settings: start.settings, metrics } : {};
  } catch {
    return {};
  }
}

/** hnswlib's 96-byte header, when its fields are consistent with the file size. */
function hnswHeader(head: Buffer, size: number): { vectors: number; dim: number; m: number } | null {
  if (head.length < 96) return null;
  const u64 = (at: number): number => Number(head.readBigUInt64LE(at));
  const offsetLevel0 = u64(0);
  const maxElements = u64(8);
  const count = u64(16);
  const perElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const maxM = u64(56);
  if (offsetLevel0 !== 0 || count === 0 || count > maxElements || labelOffset <= offsetData || perElement !== labelOffset + 8) return null;
  if (96 + maxElements * perElement > size || (labelOffset - offsetData) % 4 !== 0) return null;
  return { vectors: count, dim: (labelOffset - offsetData) / 4, m: maxM };
}

function describeCheckpoint(path: string, head: Buffer, bytes: number): Info {
  const length = head.readUInt32LE(8);
  let header: { options?: Record<string, unknown>; progress?: { epoch?: number; wordsDone?: number }; kind?: string; trainer?: string } = {};
  try {
    header = JSON.parse(head.subarray(12, 12 + length).toString('utf8')) as typeof header;
  } catch {
    // a header longer than the head read: the figures below are left out
  }
  return {
    path,
    kind: 'checkpoint',
    bytes,
    ...(header.kind ?? header.trainer ? { trainer: header.kind ?? header.trainer } : {}),
    ...(header.progress ? { epochsDone: header.progress.epoch, wordsDone: header.progress.wordsDone } : {}),
    ...(header.options ? { settings: header.options } : {}),
    usedBy: 'the same training command with --resume',
  };
}

async function describeMetrics(path: string, bytes: number): Promise<Info> {
  const lines = (await fsp.readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
  const records = lines.map((l) => {
    try {
      return JSON.parse(l) as { kind?: string; trainer?: string; settings?: unknown };
    } catch {
      return {};
    }
  });
  const start = records.find((r) => r.kind === 'start');
  return { path, kind: 'metrics-log', bytes, records: records.length, trainer: start?.trainer ?? null, settings: start?.settings ?? null, finished: records.some((r) => r.kind === 'end') };
}

/** The fields of lm.json and seq2seq.json that info shows. */
interface ModelConfig {
  level?: string;
  tokenizer?: string;
  architecture?: Record<string, unknown>;
  training?: { epochs?: number; steps?: number; settings?: unknown };
  validation?: unknown;
  backward?: unknown;
}

/** What a language model and a seq2seq model share in info: tokens, architecture, layer sizes, training. */
function describeModel(path: string, kind: string, config: ModelConfig): Info {
  return {
    path,
    kind,
    level: config.level,
    tokenizer: config.tokenizer,
    architecture: config.architecture,
    // one size for every layer, or one per layer (`--units 512,256`), as the flag is written
    ...(config.architecture && 'units' in config.architecture ? { units: formatLayerUnits(config.architecture['units'] as LayerUnits) } : {}),
  };
}

function trainingFields(config: ModelConfig): Record<string, unknown> {
  return {
    ...(config.training ? { epochs: config.training.epochs, steps: config.training.steps, settings: config.training.settings } : {}),
    validation: config.validation ?? null,
  };
}

async function describeFolder(path: string): Promise<Info> {
  const config = join(path, 'lm.json');
  if (existsSync(config)) {
    const lm = JSON.parse(await fsp.readFile(config, 'utf8')) as ModelConfig;
    return {
      ...describeModel(path, 'language-model', lm),
      bidirectional: lm.backward !== undefined && lm.backward !== null,
      ...trainingFields(lm),
      usedBy: 'generate, lm eval, lm embed',
    };
  }
  const seq2seqConfig = join(path, 'seq2seq.json');
  if (existsSync(seq2seqConfig)) {
    const seq2seq = JSON.parse(await fsp.readFile(seq2seqConfig, 'utf8')) as ModelConfig;
    return { ...describeModel(path, 'seq2seq-model', seq2seq), ...trainingFields(seq2seq), usedBy: 'translate, seq2seq eval' };
  }
  const entries = await fsp.readdir(path);
  return { path, kind: 'folder', files: entries.length, note: 'a folder of text files is a corpus for vocab and train' };
}
