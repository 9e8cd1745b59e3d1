/**
 * Turns a corpus path (a file, a `.gz` file or a directory) into the ordered list of files to
 * read, and decides which of them are Brown-tagged.
 */
import { promises as fsp, type Stats } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { WordloomError } from '../errors.js';
import { BROWN_FILE_NAME } from './brown.js';

export type CorpusFormat = 'auto' | 'text' | 'brown';

export interface CorpusFile {
  path: string;
  gzip: boolean;
  /** 'auto' is settled per file by looking at its first bytes. */
  format: CorpusFormat;
  /** Size on disk (compressed size for .gz). */
  size: number;
}

/** Extensions read from a directory; files without an extension are read too. */
const TEXT_EXTENSIONS = new Set(['.txt', '.text', '.tok', '.tokens', '.raw', '.gz']);
/** Documentation that lives next to corpus files and is not corpus text. */
const METADATA_NAMES = /^(readme|license|licence|copying|contents|notice|changelog|authors)$/i;

export async function listCorpusFiles(path: string, format: CorpusFormat = 'auto'): Promise<CorpusFile[]> {
  const stats = await statOrThrow(path);
  if (stats.isFile()) return [corpusFile(path, stats, format)];
  if (!stats.isDirectory()) throw new WordloomError('EIO', `${path}: not a regular file or directory`);

  const all = await walk(path);
  const brownNames = all.filter((f) => BROWN_FILE_NAME.test(basename(f.path)));
  const isBrownDir =
    format === 'brown' ||
    (format === 'auto' && brownNames.length > 0 && all.some((f) => /^(cats\.txt|CONTENTS)$/.test(basename(f.path))));
  if (isBrownDir && brownNames.length > 0) return brownNames.map((f) => corpusFile(f.path, f.stats, 'brown'));

  const texts = all.filter((f) => isTextFileName(basename(f.path)));
  if (texts.length === 0) {
    throw new WordloomError(
      'EEMPTY',
      `${path}: directory contains no text files (expected *.txt, *.gz or files without extension)`,
    );
  }
  return texts.map((f) => corpusFile(f.path, f.stats, format));
}

function isTextFileName(name: string): boolean {
  const ext = extname(name).toLowerCase();
  if (!TEXT_EXTENSIONS.has(ext) && ext !== '') return false;
  const stem = basename(name, extname(name));
  return !METADATA_NAMES.test(stem) && !METADATA_NAMES.test(name);
}

function corpusFile(path: string, stats: Stats, format: CorpusFormat): CorpusFile {
  return { path, gzip: path.toLowerCase().endsWith('.gz'), format, size: stats.size };
}

async function statOrThrow(path: string): Promise<Stats> {
  try {
    return await fsp.stat(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new WordloomError('ENOENT', `${path}: no such file or directory`);
    throw new WordloomError('EIO', `${path}: cannot read (${e.code ?? e.message})`, { cause: err });
  }
}

/** Regular files below dir in sorted order (deterministic across machines); hidden entries skipped. */
async function walk(dir: string): Promise<{ path: string; stats: Stats }[]> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).sort();
  } catch (err) {
    throw new WordloomError('EIO', `${dir}: cannot list directory (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  const out: { path: string; stats: Stats }[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const full = join(dir, name);
    const stats = await fsp.stat(full).catch(() => undefined);
    if (!stats) continue;
    if (stats.isDirectory()) out.push(...(await walk(full)));
    else if (stats.isFile()) out.push({ path: full, stats });
  }
  return out;
}

/** Total bytes on disk of the corpus files (compressed size for .gz), for progress reports. */
export async function corpusSize(path: string, format: CorpusFormat = 'auto'): Promise<number> {
  const files = await listCorpusFiles(path, format);
  return files.reduce((sum, f) => sum + f.size, 0);
}
