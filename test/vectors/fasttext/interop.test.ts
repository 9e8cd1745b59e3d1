/**
 * Interop with the real fastText tool (Debian's `fasttext` 0.9.2): models go both ways. Skipped,
 * saying so, when the binary is not installed (CI installs it: see .ci/run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveFastTextModel, trainFastText } from '../../../src/embeddings/fasttext/index.js';
import { readFastTextModel } from '../../../src/vectors/fasttext/read-bin.js';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';

const FASTTEXT = process.env.FASTTEXT_BIN ?? 'fasttext';
const available = spawnSync(FASTTEXT, ['print-word-vectors'], { encoding: 'utf8' }).error === undefined;
const title = available
  ? 'interop with the fasttext tool'
  : `interop with the fasttext tool (SKIPPED: no \`${FASTTEXT}\` binary on PATH; install Debian's: apt-get install fasttext)`;

const dir = mkdtempSync(join(tmpdir(), 'wordloom-ft-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small corpus with shared stems and a few non-ASCII words, so n-grams matter. */
function writeCorpus(): string {
  const stems = ['walk', 'talk', 'jump', 'play', 'café', 'naïve', 'über'];
  const suffixes = ['', 's', 'ed', 'ing', 'er'];
  let seed = 7;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const words: string[] = [];
    for (let j = 0; j < 12; j++) words.push(stems[next(stems.length)]! + suffixes[next(suffixes.length)]!);
    lines.push(words.join(' '));
  }
  const path = join(dir, 'corpus.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `fasttext print-word-vectors model` for the words, as numbers. */
function printed(model: string, words: string[]): Map<string, number[]> {
  const text = execFileSync(FASTTEXT, ['print-word-vectors', model], { input: `${words.join('\n')}\n`, encoding: 'utf8' });
  const out = new Map<string, number[]>();
  for (const line of text.trim().split('\n')) {
    const [word, ...values] = line.trim().split(' ');
    out.set(word!, values.map(Number));
  }
  return out;
}

/** print-word-vectors writes 5 significant digits. */
function expectSameVector(ours: Float32Array | null, theirs: number[] | undefined, word: string): void {
  expect(theirs, word).toBeDefined();
  expect(ours, word).not.toBeNull();
  expect(ours!.length).toBe(theirs!.length);
  for (let k = 0; k < theirs!.length; k++) expect(Math.abs(ours![k]! - theirs![k]!), `${word}[${k}]`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(theirs![k]!)));
}

const QUERIES = ['walking', 'cafés', 'über', 'talked', 'plays', 'walkable', 'naïveté', 'überjumping', 'xyzzy'];

describe.skipIf(!available)(title, () => {
  const corpus = available ? writeCorpus() : '';

  it('a .bin written by `fasttext skipgram` loads in wordloom with the vectors print-word-vectors prints, unseen words included', () => {
    const prefix = join(dir, 'theirs');
    execFileSync(FASTTEXT, ['skipgram', '-input', corpus, '-output', prefix, '-dim', '12', '-epoch', '2', '-minCount', '2', '-bucket', '20000', '-thread', '1', '-verbose', '0']);
    const model = readFastTextModel(`${prefix}.bin`);
    const reference = printed(`${prefix}.bin`, QUERIES);
    for (const word of QUERIES) {
      if (reference.get(word)!.every((x) => x === 0)) expect(model.vectors.vectorFor(word), word).toBeNull(); // untrained n-grams
      else expectSameVector(model.vectors.vectorFor(word), reference.get(word), word);
    }
    expect(model.vectors.set.has('walking')).toBe(true);
    expect(model.vectors.set.has('walkable')).toBe(false);
  });

  it('a .bin written by wordloom loads in fasttext: print-word-vectors prints our vectors and nn answers from it', async () => {
    const result = await trainFastText(corpus, { dim: 12, epochs: 2, minCount: 2, bucket: 20000, threads: 1 });
    const path = join(dir, 'ours.bin');
    await saveFastTextModel(path, result);
    const reference = printed(path, QUERIES);
    for (const word of QUERIES) expectSameVector(result.subwords.vectorFor(word), reference.get(word), word);
    const nn = execFileSync(FASTTEXT, ['nn', path, '3'], { input: 'walked\n', encoding: 'utf8' });
    const answers = [...nn.matchAll(/^(?:Query word\? )?(\S+) (0\.\d+|1|-?\d\.\d+(?:e-?\d+)?)$/gm)].map((m) => m[1]!);
    expect(answers).toHaveLength(3);
    const ours = new KeyedVectors(result.vectors, { subwords: result.subwords }).mostSimilar({ positive: ['walked'], topn: 3 }).map((n) => n.word);
    expect(answers[0]).toBe(ours[0]);
  });
});
