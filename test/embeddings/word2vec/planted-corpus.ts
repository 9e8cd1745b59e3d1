import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../../src/embeddings/shared/rng.js';

/**
 * A corpus with planted structure: `groups` groups of `perGroup` words (`g<group>w<word>`), each
 * line drawn from a single group, so words of a group share all their contexts.
 */
export function writePlantedCorpus(options: { lines: number; groups?: number; perGroup?: number; length?: number; seed?: number }): {
  dir: string;
  path: string;
} {
  const { lines, groups = 5, perGroup = 10, length = 10, seed = 1 } = options;
  const rng = new SeededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const g = rng.nextUint32() % groups;
    const words: string[] = [];
    for (let j = 0; j < length; j++) words.push(`g${g}w${rng.nextUint32() % perGroup}`);
    out.push(words.join(' '));
  }
  const dir = mkdtempSync(join(tmpdir(), 'wordloom-w2v-test-'));
  const path = join(dir, 'planted.txt');
  writeFileSync(path, `${out.join('\n')}\n`);
  return { dir, path };
}

/** Share of each word's top-k cosine neighbours that belong to its own group. */
export function neighbourPurity(words: readonly string[], vectors: Float32Array, dim: number, k = 5): number {
  const norms = words.map((_, i) => Math.hypot(...vectors.subarray(i * dim, (i + 1) * dim)));
  const group = (w: string) => w.slice(0, w.indexOf('w'));
  let good = 0;
  for (let i = 0; i < words.length; i++) {
    const sims: [number, number][] = [];
    for (let j = 0; j < words.length; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += vectors[i * dim + d]! * vectors[j * dim + d]!;
      sims.push([dot / (norms[i]! * norms[j]!), j]);
    }
    sims.sort((a, b) => b[0] - a[0]);
    for (const [, j] of sims.slice(0, k)) if (group(words[j]!) === group(words[i]!)) good++;
  }
  return good / (words.length * k);
}
