/**
 * Files for the TensorFlow Embedding Projector (projector.tensorflow.org, or TensorBoard's
 * projector plugin): `tensors.tsv` (one vector per line, tab-separated numbers), `metadata.tsv`
 * (one word per line, in the same order; with groups, a `word<TAB>group` table with a header
 * line, which the projector reads as columns to colour by), `projector_config.json` (the
 * standalone projector's "publish" config) and `projector_config.pbtxt` (TensorBoard's).
 *
 * Each file is written through a temporary name and renamed.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { KeyedVectors } from '../vectors/keyed-vectors.js';
import type { WordGroups } from './word-map.js';

export interface ProjectorExport {
  dir: string;
  words: number;
  dim: number;
  files: string[];
}

/** The files an export writes into its folder (a command checks them before loading the vectors). */
export const PROJECTOR_FILES = ['tensors.tsv', 'metadata.tsv', 'projector_config.json', 'projector_config.pbtxt'] as const;

/** Words and groups in a TSV cell: tabs and line breaks would break the table, so they become spaces. */
const cell = (s: string): string => s.replace(/[\t\r\n]/g, ' ');

export async function exportProjector(
  vectors: KeyedVectors,
  dir: string,
  options: { top?: number; words?: readonly string[]; groups?: WordGroups | null; name?: string } = {},
): Promise<ProjectorExport> {
  const words = options.words ?? vectors.words.slice(0, Math.min(options.top ?? 10000, vectors.size));
  const dim = vectors.dim;
  const name = options.name ?? 'wordloom';
  await writeFileAtomic(join(dir, 'tensors.tsv'), async (sink) => {
    const parts: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const v = vectors.vector(words[i]!);
      let line = '';
      for (let k = 0; k < dim; k++) line += (k === 0 ? '' : '\t') + String(Number(v[k]!.toPrecision(7)));
      parts.push(line);
      if (parts.length === 1000 || i === words.length - 1) {
        await sink.write(`${parts.join('\n')}\n`);
        parts.length = 0;
      }
    }
  });
  const groups = options.groups;
  const metadata = groups ? ['word\tgroup', ...words.map((w) => `${cell(w)}\t${cell(groups.get(w) ?? '')}`)] : words.map(cell);
  await writeFileAtomic(join(dir, 'metadata.tsv'), (sink) => sink.write(`${metadata.join('\n')}\n`));
  const config = {
    embeddings: [{ tensorName: name, tensorShape: [words.length, dim], tensorPath: 'tensors.tsv', metadataPath: 'metadata.tsv' }],
  };
  await writeFileAtomic(join(dir, 'projector_config.json'), (sink) => sink.write(`${JSON.stringify(config, null, 2)}\n`));
  const pbtxt = `embeddings {\n  tensor_name: ${JSON.stringify(name)}\n  tensor_path: "tensors.tsv"\n  metadata_path: "metadata.tsv"\n}\n`;
  await writeFileAtomic(join(dir, 'projector_config.pbtxt'), (sink) => sink.write(pbtxt));
  return { dir, words: words.length, dim, files: [...PROJECTOR_FILES] };
}
