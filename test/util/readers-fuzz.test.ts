/**
 * Seeded, bounded fuzzing of every file format wordloom reads: vectors (word2vec text and
 * binary, GloVe, fastText .vec; plain and gzip), vocabularies, analogy questions, word pairs,
 * corpora (plain, gzip, Brown-tagged; every tokenizer) and word2vec checkpoints. Valid files are
 * generated, then mutated (bytes flipped, inserted, deleted, repeated, cut; tokens that broke
 * readers before spliced in; checkpoint headers edited as JSON), and each mutant is read. Every
 * read must end in a result that makes sense or in a WordloomError whose message is one printable
 * line: never another exception, never a hang. HNSW index files are fuzzed in a child process by
 * test/vectors/hnsw-file.test.ts, since a bad one can crash hnswlib's native code.
 *
 * The seed and the number of cases are fixed, so a failure names a case that replays exactly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadWord2VecCheckpoint, saveWord2VecCheckpoint } from '../../src/embeddings/word2vec/checkpoint.js';
import type { ModelMemory } from '../../src/embeddings/word2vec/kernel/index.js';
import { resolveWord2VecOptions } from '../../src/embeddings/word2vec/options.js';
import { WordloomError } from '../../src/errors.js';
import { buildVocabulary, encodeCorpus, readCorpusLines } from '../../src/text/corpus.js';
import { Vocabulary } from '../../src/text/vocabulary.js';
import { evaluateAnalogies, readAnalogyQuestions } from '../../src/vectors/evaluate/analogies.js';
import { evaluateWordPairs, readWordPairs } from '../../src/vectors/evaluate/word-pairs.js';
import { loadVectors, saveVectors, VECTOR_FORMATS, type VectorFormat } from '../../src/vectors/formats/index.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { runCli, useBuiltCli } from '../helpers/built-cli.js';
import { seededRandom } from '../seeded-random.js';
import { useTempFolder } from '../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

// WORDLOOM_FUZZ_SEED and WORDLOOM_FUZZ_SCALE explore further by hand; the suite runs seed 15 at scale 1.
const random = seededRandom(Number(process.env.WORDLOOM_FUZZ_SEED ?? 15));
const SCALE = Number(process.env.WORDLOOM_FUZZ_SCALE ?? 1);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

/** Byte sequences that broke readers before, or sit on a format's edges. */
const SPLICES: Buffer[] = [
  '\n', '\r', '\r\n', '\t', ' ', '\u0000', '\ufeff', '1e40', '-1e39', 'inf', '-inf', 'nan', 'NaN', '0x10', '1e-400',
  '0 1000000000\n', '1000000000 3\n', '3 1000000000\n', '99999999999999999999', '-1', '0', ': ', ': gram\n', '#',
  '\u001b[2J', 'é', '日本', '😀', '\\t', '\\', '"', '{}', '[]', 'null', '"arrays":[]', '<UNK>', 'word/nn ',
].map((s) => Buffer.from(s, 'utf8')).concat([
  Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0x1f, 0x8b]), Buffer.from([0x80, 0x80, 0x80]),
  Buffer.from('x'.repeat(5000)), Buffer.alloc(8, 0xff), Buffer.alloc(4, 0), Buffer.from(new Float32Array([Number.NaN, Number.POSITIVE_INFINITY]).buffer),
]);

/** One to three random edits of `bytes`. */
function mutate(bytes: Buffer): Buffer {
  let out = Buffer.from(bytes);
  const edits = 1 + int(3);
  for (let e = 0; e < edits; e++) {
    const at = int(out.length + 1);
    switch (int(8)) {
      case 0: // flip bits of a few bytes
        for (let k = 0; k < 1 + int(4) && out.length > 0; k++) out[int(out.length)] ^= 1 << int(8);
        break;
      case 1: // random bytes in
        out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))), out.subarray(at)]);
        break;
      case 2:
      case 3: // a token that matters
        out = Buffer.concat([out.subarray(0, at), pick(SPLICES), out.subarray(at + (random() < 0.5 ? int(6) : 0))]);
        break;
      case 4: // a range out
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + int(40))]);
        break;
      case 5: // a range twice
        out = Buffer.concat([out.subarray(0, at + int(60)), out.subarray(at)]);
        break;
      case 6: // cut
        out = out.subarray(0, at);
        break;
      case 7: // the first line replaced
        out = Buffer.concat([Buffer.from(`${pick(['0', '1', '2', '7', '1000000000', '-3', 'x'])} ${pick(['0', '1', '3', '4', '5', '4294967296', ''])}`), out.subarray(Math.max(0, out.indexOf(0x0a)))]);
        break;
    }
  }
  return out;
}

/** A WordloomError with a one-line printable message (the assertion names the case). */
function expectCleanFailure(err: unknown, label: string): void {
  if (!(err instanceof WordloomError)) {
    throw new Error(`${label}: ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
  }
  expect(err.message, label).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(err.message.length, `${label}: ${err.message}`).toBeLessThan(tmp.dir.length + 600);
}

/** Runs every case of a format; `read` throws on a bad result. Returns how many cases failed cleanly. */
async function fuzz(name: string, seeds: { file: string; bytes: Buffer }[], cases: number, read: (path: string) => Promise<void>): Promise<number> {
  let refused = 0;
  for (let i = 0; i < cases * SCALE; i++) {
    const seed = seeds[i % seeds.length]!;
    const gz = seed.file.endsWith('.gz');
    // gzip files are mutated before compression (what they hold) or after (the stream itself)
    const bytes = gz && random() < 0.7 ? gzipSync(mutate(seed.bytes)) : mutate(gz ? gzipSync(seed.bytes) : seed.bytes);
    const path = tmp.path(`${name}-${i}-${seed.file}`);
    writeFileSync(path, bytes);
    const label = `${name} case ${i} (${path})`;
    try {
      await read(path);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('bad result')) throw new Error(`${label}: ${err.message}`);
      expectCleanFailure(err, label);
      refused++;
    }
  }
  return refused;
}

function badResult(condition: boolean, what: string): void {
  if (condition) throw new Error(`bad result: ${what}`);
}

const WORDS = ['the', 'of', 'king', 'queen', 'man', 'woman', 'café', '日本', "don't", ',', 'x/y', 'Paris', 'France', 'Rome', 'Italy'];

function vectorSet(): VectorSet {
  const dim = 5;
  const values = Float32Array.from({ length: WORDS.length * dim }, () => (random() - 0.5) * 4);
  values[3] = 3.4e38;
  values[4] = -1e-30;
  return new VectorSet(WORDS, values, dim);
}

/** What a successful vectors load must look like. */
function checkVectors(set: VectorSet): void {
  badResult(set.size < 1 || set.dim < 1 || set.vectors.length !== set.size * set.dim, `vector set ${set.size} x ${set.dim}`);
  badResult(!set.vectors.every(Number.isFinite), 'a vector value is not finite');
  badResult(new Set(set.words).size !== set.size || set.words.some((w) => w.length === 0), 'words not unique and non-empty');
}

describe('fuzzed inputs end in a result or one clean WordloomError', () => {
  it('vectors in every format, plain and gzip', async () => {
    const set = vectorSet();
    const seeds: { file: string; bytes: Buffer }[] = [];
    for (const [file, format, trailingNewline] of [
      ['v.txt', 'word2vec-text', true], ['v.bin', 'word2vec-binary', true], ['v-nonl.bin', 'word2vec-binary', false],
      ['v.glove', 'glove', true], ['v.vec', 'fasttext-vec', true], ['v.txt.gz', 'word2vec-text', true], ['v.bin.gz', 'word2vec-binary', true],
    ] as const) {
      const path = tmp.path(`seed-${file.replace('.gz', '')}`);
      await saveVectors(path, set, { format, trailingNewline });
      seeds.push({ file, bytes: readFileSync(path) });
    }
    const refused = await fuzz('vectors', seeds, 350, async (path) => {
      const format: VectorFormat | 'auto' = random() < 0.75 ? 'auto' : pick(VECTOR_FORMATS);
      const loaded = await loadVectors(path, { format, limit: random() < 0.2 ? 1 + int(5) : undefined, onWarning: (m) => expectOneLine(m) });
      checkVectors(loaded);
      const kv = new KeyedVectors(loaded);
      const neighbours = kv.mostSimilar({ positive: [loaded.words[0]!], topn: 3 });
      badResult(!neighbours.every((n) => Number.isFinite(n.similarity)), 'a similarity is not finite');
    });
    expect(refused).toBeGreaterThan(100);
  }, 30_000 * SCALE);

  it('vocabularies', async () => {
    const vocab = Vocabulary.fromCounts(WORDS.map((w, i) => [w, 20 - i] as [string, number]));
    await vocab.save(tmp.path('seed.vocab'));
    const seeds = [
      { file: 'v.vocab', bytes: readFileSync(tmp.path('seed.vocab')) },
      { file: 'v.txt', bytes: Buffer.from(WORDS.map((w, i) => `${w} ${100 - i}`).join('\n')) },
      { file: 'v.vocab.gz', bytes: readFileSync(tmp.path('seed.vocab')) },
    ];
    await fuzz('vocab', seeds, 160, async (path) => {
      const loaded = await Vocabulary.load(path);
      badResult(loaded.size < Vocabulary.FIRST_WORD || !Array.from(loaded.counts).every((c) => c >= 0 && Number.isFinite(c)), 'vocabulary counts');
    });
  });

  it('analogy questions and word pairs, evaluated', async () => {
    const kv = new KeyedVectors(vectorSet());
    const questions = Buffer.from(': capital-common-countries\nParis France Rome Italy\nRome Italy Paris France\n: gram1-adjective-to-adverb\nking queen man woman\nthe of man woman\n');
    const pairs = Buffer.from('# word pairs\nking\tqueen\t8.5\nman\twoman\t7\ncafé\t日本\t1\nthe\tof\t0.5\nParis\tFrance\t6\n');
    await fuzz('analogies', [{ file: 'q.txt', bytes: questions }, { file: 'q.txt.gz', bytes: questions }], 140, async (path) => {
      const report = evaluateAnalogies(kv, await readAnalogyQuestions(path), { method: random() < 0.5 ? '3CosAdd' : '3CosMul' });
      badResult(report.total.correct > report.total.answered || report.questions < report.total.answered, 'analogy counts');
    });
    await fuzz('pairs', [{ file: 'p.txt', bytes: pairs }, { file: 'p.txt.gz', bytes: pairs }], 140, async (path) => {
      const data = await readWordPairs(path);
      badResult(data.pairs.length === 0 || !data.pairs.every((p) => Number.isFinite(p.score) && p.a.length > 0 && p.b.length > 0), 'pairs');
      const report = evaluateWordPairs(kv, data);
      badResult(report.pairs + report.oov !== data.pairs.length, 'pair counts');
    });
  });

  it('corpora: plain, gzip and Brown-tagged, with every tokenizer', async () => {
    const text = Buffer.from('The cat sat on the mat .\nCafé au lait , s\'il vous plaît !\n\n日本語 の 文 😀\nA longer line with numbers 1,000 and 3.14 and e-mail@example.com\n');
    const brown = Buffer.from(`${'The/at cat/nn sat/vbd on/in the/at mat/nn ./.\n'.repeat(6)}`);
    const seeds = [{ file: 'c.txt', bytes: text }, { file: 'c.txt.gz', bytes: text }, { file: 'ca01', bytes: brown }];
    await fuzz('corpus', seeds, 150, async (path) => {
      const options = { tokenizer: pick(['whitespace', 'english', 'characters'] as const), lowercase: random() < 0.5, onWarning: (m: string) => expectOneLine(m) };
      const vocab = await buildVocabulary(path, options);
      badResult(vocab.totalTokens < 1, 'a vocabulary without tokens');
      let ids = 0;
      for await (const chunk of encodeCorpus(path, vocab, options)) {
        ids += chunk.length;
        badResult(!chunk.every((id) => id >= 0 && id < vocab.size), 'an id outside the vocabulary');
      }
      badResult(ids < vocab.totalTokens, 'fewer ids than tokens');
      let lines = 0;
      for await (const line of readCorpusLines(path, options)) lines += line.length > 0 ? 1 : 0;
      badResult(lines < 1, 'no lines');
    });
  });

  it('word2vec checkpoints, as bytes and as edited JSON headers', async () => {
    const options = resolveWord2VecOptions({ dim: 4, minCount: 1, threads: 2, hs: true, checkpoint: 'x' });
    const vocabulary = Vocabulary.fromCounts(WORDS.map((w, i) => [w, 30 - i] as [string, number]));
    const weights = () => Float32Array.from({ length: vocabulary.size * 4 }, () => random() - 0.5);
    const model = { syn0: weights(), syn1neg: weights(), syn1: weights() } as unknown as ModelMemory;
    const randomStates = [0, 1].map(() => ({ kernel: Array.from({ length: 12 }, () => int(2 ** 32)), subsampling: int(2 ** 32) }));
    const progress = { epoch: 1, remaining: [[3, 40], [50, 90]] as [number, number][], wordsDone: 1234 };
    await saveWord2VecCheckpoint(tmp.path('seed.ckpt'), { options, corpus: 'corpus.txt', corpusIds: 100, vocabulary, model, progress, randomStates });
    const good = readFileSync(tmp.path('seed.ckpt'));
    const read = async (path: string) => {
      const c = await loadWord2VecCheckpoint(path);
      badResult(c.syn0.length !== c.vocabulary.size * c.options.dim, 'weights that do not fit the vocabulary');
      badResult(c.randomStates.length !== c.threads, 'random states');
    };
    // byte-level: mostly the header and its length
    await fuzz('checkpoint', [{ file: 'w.ckpt', bytes: good }], 120, read);
    // JSON-level: a value replaced, a key dropped, the header length kept right
    const headerLength = good.readUInt32LE(8);
    const header = JSON.parse(good.toString('utf8', 12, 12 + headerLength)) as Record<string, unknown>;
    const body = good.subarray(12 + headerLength);
    const replacements: unknown[] = [null, -1, 0, 1.5, 1e300, 2 ** 53, '', 'x', [], {}, [[0, 1e9]], [[5, 2]], true, ['a', 'a'], [1, -1]];
    let refused = 0;
    for (let i = 0; i < 160 * SCALE; i++) {
      const edited = structuredClone(header);
      editRandomValue(edited, replacements);
      const json = Buffer.from(JSON.stringify(edited));
      const prefix = Buffer.from(good.subarray(0, 12));
      prefix.writeUInt32LE(json.length, 8);
      const path = tmp.path(`checkpoint-json-${i}.ckpt`);
      writeFileSync(path, Buffer.concat([prefix, json, body]));
      try {
        await read(path);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('bad result')) throw new Error(`checkpoint json case ${i}: ${err.message}`);
        expectCleanFailure(err, `checkpoint json case ${i} (${path})`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

describe('the built CLI on fuzzed vectors', () => {
  useBuiltCli();
  it('exits 0 with results or 1 with one printable line', async () => {
    const set = vectorSet();
    await saveVectors(tmp.path('cli-seed.bin'), set);
    await saveVectors(tmp.path('cli-seed.txt'), set);
    writeFileSync(tmp.path('cli-pairs.txt'), 'king\tqueen\t8\nman\twoman\t7\nthe\tof\t1\n');
    for (let i = 0; i < 4 * SCALE; i++) {
      const seed = readFileSync(tmp.path(i % 2 === 0 ? 'cli-seed.bin' : 'cli-seed.txt'));
      const path = tmp.path(`cli-${i}.vectors`);
      writeFileSync(path, mutate(seed));
      const args = i % 4 < 2 ? ['similar', path, 'king'] : ['eval', 'similarity', path, tmp.path('cli-pairs.txt')];
      const r = runCli(['-q', ...args]);
      const label = `cli case ${i}: ${args.join(' ')}: ${r.stderr}`;
      // warnings about what was tolerated may come first; then at most one error line
      const lines = r.stderr.split('\n');
      expect(lines.pop(), label).toBe('');
      for (const line of lines) {
        expect(line, label).toMatch(/^wordloom: /);
        expect(line, label).not.toMatch(/[\u0000-\u001f\u007f-\u009f]|internal error/);
      }
      const errors = lines.filter((l) => !l.startsWith('wordloom: warning: '));
      expect(errors.length, label).toBe(r.code === 0 ? 0 : 1);
      if (r.code !== 0) expect(r.code, label).toBe(1);
    }
  }, 30_000);
});

function expectOneLine(message: string): void {
  if (/[\n\r]/.test(message)) throw new Error(`bad result: a warning of several lines: ${JSON.stringify(message)}`);
}

/** Replaces one value somewhere in the JSON tree (or deletes its key). */
function editRandomValue(root: Record<string, unknown>, replacements: readonly unknown[]): void {
  let node: unknown = root;
  for (;;) {
    const keys = node !== null && typeof node === 'object' ? Object.keys(node) : [];
    if (keys.length === 0) return;
    const key = pick(keys);
    const child = (node as Record<string, unknown>)[key];
    const deeper = child !== null && typeof child === 'object' && Object.keys(child).length > 0 && random() < 0.6;
    if (deeper) {
      node = child;
      continue;
    }
    if (!Array.isArray(node) && random() < 0.15) delete (node as Record<string, unknown>)[key];
    else (node as Record<string, unknown>)[key] = structuredClone(pick(replacements));
    return;
  }
}
