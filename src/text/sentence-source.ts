/**
 * Training from sentences in memory as well as from files: the trainers read a corpus path (they
 * stream it twice, for the vocabulary and for the encoded ids), so sentences given in memory are
 * written to a temporary text file first, one sentence a line, and the file removed afterwards.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A corpus: a path (file, .gz, folder), or sentences as strings or as token arrays. */
export type CorpusInput = string | Iterable<string | readonly string[]>;

/**
 * Runs `work` on a path holding `corpus`: the path itself, or a temporary file of the sentences
 * (token arrays joined by spaces; line breaks inside a sentence become spaces, so that each item
 * stays one sentence).
 */
export async function withCorpusPath<T>(corpus: CorpusInput, tmpDir: string | undefined, work: (path: string) => Promise<T>): Promise<T> {
  if (typeof corpus === 'string') return work(corpus);
  const dir = await mkdtemp(join(tmpDir ?? tmpdir(), 'wordloom-sentences-'));
  try {
    const lines: string[] = [];
    for (const sentence of corpus) {
      const text = typeof sentence === 'string' ? sentence : sentence.join(' ');
      lines.push(text.replace(/[\r\n]+/g, ' '));
    }
    const path = join(dir, 'sentences.txt');
    await writeFile(path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
