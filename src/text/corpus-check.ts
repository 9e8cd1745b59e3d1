/**
 * Recognises the files people pass as a corpus by mistake (the vectors or the vocabulary that
 * training wrote) before they are counted as words: their numbers would make a vocabulary of
 * "0.1234" and "-0.5".
 */
import { open, stat } from 'node:fs/promises';
import { WordloomError } from '../errors.js';
import { looksLikeVocabulary } from '../vectors/formats/detect.js';

const SAMPLE_BYTES = 64 * 1024;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Throws (EFORMAT) when the file at `path` is a vectors or vocabulary file; folders and .gz files pass. */
export async function refuseNonCorpus(path: string, command: string): Promise<void> {
  const s = await stat(path).catch(() => null);
  if (s === null || !s.isFile() || /\.gz$/i.test(path)) return;
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, s.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const what = describeNonCorpus(head);
  if (what !== null) {
    throw new WordloomError('EFORMAT', `${path} looks like ${what}, not a text corpus; ${command} reads sentences, one a line (wordloom info tells what a file is)`);
  }
}

/** `a vectors file (...)`, `a vocabulary file (...)`, or null for anything that may be text. */
export function describeNonCorpus(head: Buffer): string | null {
  if (looksLikeVocabulary(head)) return 'a vocabulary file ("word<TAB>count" lines, as wordloom vocab -o writes)';
  const nl = head.indexOf(0x0a);
  const first = head.subarray(0, nl < 0 ? head.length : nl).toString('latin1').trim();
  if (/^\d+ \d+$/.test(first)) return `a vectors file (word2vec format, header "${first}": words and dimension)`;
  const lines = head.toString('utf8').split('\n').slice(0, 5).filter((l) => l.trim() !== '');
  const numeric = lines.filter((l) => {
    const fields = l.trim().split(/\s+/);
    return fields.length >= 6 && fields.slice(1).every((f) => NUMBER.test(f));
  });
  if (lines.length > 0 && numeric.length === lines.length) return 'a vectors file (GloVe text: a word and its numbers a line)';
  return null;
}
