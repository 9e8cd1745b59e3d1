/**
 * Counting: exact against a brute-force count (1/d weights, window edges, left-only, line ends,
 * out-of-vocabulary words skipped before distances); spill and merge under a tiny budget give
 * the same records; the record format byte for byte; the C tool's cooccur on the same corpus
 * gives the same records (skipped, saying so, when /tmp/glove-src/build/cooccur is absent).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/embeddings/shared/rng.js';
import { countCooccurrences, RecordReader, RecordWriter, saveGloveVocabulary } from '../../../src/embeddings/glove/index.js';
import { COUNT_PARTITIONS, planCounting } from '../../../src/embeddings/glove/count-plan.js';
import { buildVocabulary } from '../../../src/text/corpus.js';
import { Vocabulary } from '../../../src/text/vocabulary.js';

const dir = mkdtempSync(join(tmpdir(), 'wordloom-glove-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readAll(path: string): Map<string, number> {
  const r = new RecordReader(path);
  const m = new Map<string, number>();
  let last = -1;
  while (r.next()) {
    for (let i = 0; i < r.length; i++) {
      const key = r.word1[i]! * 1e6 + r.word2[i]!;
      expect(key).toBeGreaterThan(last); // sorted, no duplicates
      last = key;
      m.set(`${r.word1[i]},${r.word2[i]}`, r.value[i]!);
    }
  }
  return m;
}

/** The definition, by brute force: per line, in-vocabulary words only, pairs within the window. */
function bruteForce(lines: string[][], vocabulary: Vocabulary, window: number, symmetric: boolean): Map<string, number> {
  const m = new Map<string, number>();
  const add = (a: number, b: number, x: number) => m.set(`${a},${b}`, (m.get(`${a},${b}`) ?? 0) + x);
  for (const line of lines) {
    const ids = line.filter((w) => vocabulary.has(w)).map((w) => vocabulary.id(w) - 3);
    for (let j = 0; j < ids.length; j++) {
      for (let d = 1; d <= window && j - d >= 0; d++) {
        add(ids[j - d]!, ids[j]!, 1 / d);
        if (symmetric) add(ids[j]!, ids[j - d]!, 1 / d);
      }
    }
  }
  return m;
}

function expectSameCounts(actual: Map<string, number>, expected: Map<string, number>): void {
  expect(actual.size).toBe(expected.size);
  for (const [k, v] of expected) expect(actual.get(k), k).toBeCloseTo(v, 12);
}

function randomLines(n: number, seed: number): string[][] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: 1 + (rng.nextUint32() % 25) }, () => `w${Math.floor(rng.nextFloat() ** 2 * 300)}`));
}

describe('GloVe co-occurrence counting', () => {
  it('counts 1/distance pairs within lines exactly, symmetric and left-only, skipping rare words', async () => {
    const path = join(dir, 'tiny.txt');
    // "rare" occurs once: with min-count 2 it is skipped, so "a" and "b" become neighbours
    writeFileSync(path, 'a b c a\nb rare a\r\nc\n\na b c d e f a b\n');
    const vocabulary = await buildVocabulary(path, { minCount: 2 });
    const lines = readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.split(' ').filter(Boolean));
    for (const symmetric of [true, false]) {
      for (const window of [1, 2, 5]) {
        const out = join(dir, `tiny-${symmetric}-${window}.bin`);
        await countCooccurrences(path, vocabulary, out, { window, symmetric, memory: 1 });
        expectSameCounts(readAll(out), bruteForce(lines, vocabulary, window, symmetric));
      }
    }
    // hand-checked, left-only, window 2; d, e, f and rare occur once and are skipped, so line 4
    // reads "a b c a b": (a, b) = 1 (line 1) + 1 + 1 (line 4) = 3; (b, a) = 1/2 (line 1, "b c a")
    // + 1 (line 2, "b a" once "rare" is gone) + 1/2 (line 4, "b c a") = 2
    const left = readAll(join(dir, 'tiny-false-2.bin'));
    const a = vocabulary.id('a') - 3;
    const b = vocabulary.id('b') - 3;
    expect(left.get(`${a},${b}`)).toBe(3);
    expect(left.get(`${b},${a}`)).toBe(2);
  });

  it('spills sorted shards under a tiny memory budget and merges them to the in-memory counts', async () => {
    const lines = randomLines(800, 3);
    const path = join(dir, 'random.txt');
    writeFileSync(path, lines.map((l) => l.join(' ')).join('\n') + '\n');
    const vocabulary = await buildVocabulary(path, { minCount: 1 });
    const big = join(dir, 'big.bin');
    const small = join(dir, 'small.bin');
    const roomy = await countCooccurrences(path, vocabulary, big, { window: 10, symmetric: true, memory: 4 });
    const tight = await countCooccurrences(path, vocabulary, small, { window: 10, symmetric: true, memory: 0.05, tmpDir: dir });
    expect(roomy.shards).toBe(0); // everything in the dense table
    expect(tight.shards).toBeGreaterThan(5);
    expectSameCounts(readAll(small), readAll(big));
    expectSameCounts(readAll(big), bruteForce(lines, vocabulary, 10, true));
    expect(readdirSync(dir).filter((f) => f.startsWith('wordloom-glove-'))).toEqual([]); // shards removed
  });

  it('reads and writes the C record layout byte for byte (int32, int32, float64, little-endian)', () => {
    const path = join(dir, 'layout.bin');
    const w = new RecordWriter(path);
    w.write(1, 2, 0.5);
    w.write(70000, 3, 1 / 3);
    w.close();
    const expected = Buffer.alloc(32);
    expected.writeInt32LE(1, 0);
    expected.writeInt32LE(2, 4);
    expected.writeDoubleLE(0.5, 8);
    expected.writeInt32LE(70000, 16);
    expected.writeInt32LE(3, 20);
    expected.writeDoubleLE(1 / 3, 24);
    expect(readFileSync(path)).toEqual(expected);
    const r = new RecordReader(path, 70000);
    expect(r.next()).toBe(true);
    expect([r.length, r.word1[1], r.word2[1], r.value[1]]).toEqual([2, 70000, 3, 1 / 3]);
  });

  it('refuses a truncated file and out-of-range ids with the file and record', () => {
    const path = join(dir, 'bad.bin');
    writeFileSync(path, Buffer.alloc(20));
    expect(() => new RecordReader(path)).toThrow(/bad\.bin: 20 bytes is not a whole number of 16-byte co-occurrence records/);
    const w = new RecordWriter(path);
    w.write(1, 2, 1);
    w.write(1, 9, 1);
    w.close();
    const r = new RecordReader(path, 5);
    expect(() => r.next()).toThrow(/bad\.bin: record 2 \(byte 16\) is \(1, 9, 1\); expected word ids between 1 and 5/);
  });

  it('plans dense rows for frequent pairs, hash tables for the rest, and partitions of about equal mass', () => {
    const counts = Float64Array.from({ length: 1001 }, (_, a) => (a === 0 ? 0 : 1e6 / a));
    const plan = planCounting(counts, 10, true, 8 * 3000 / 0.5, 2);
    expect(plan.maxProduct).toBeGreaterThan(1);
    expect(plan.denseEntries).toBeLessThanOrEqual(3000);
    expect(plan.limit[1]).toBe(Math.min(Math.floor(plan.maxProduct / 1), 1001));
    expect(plan.bounds[0]).toBe(1);
    expect(plan.bounds[COUNT_PARTITIONS]).toBe(1001);
    const mass = (lo: number, hi: number) => counts.subarray(lo, hi).reduce((x, y) => x + y, 0);
    const total = mass(1, 1001);
    for (let p = 0; p < COUNT_PARTITIONS; p++) expect(Math.abs(mass(plan.bounds[p]!, plan.bounds[p + 1]!) / total - 1 / COUNT_PARTITIONS)).toBeLessThan(0.1);
    expect(Array.from(plan.threadPartitions)).toEqual([0, 2, 4]);
    expect(planCounting(counts, 10, true, 1e6, 16).threads).toBe(COUNT_PARTITIONS);
  });

  it('gives byte-identical records on 1, 2 and 3 threads, spilling or not, equal to brute force', async () => {
    const lines = randomLines(800, 11);
    const path = join(dir, 'threads.txt');
    writeFileSync(path, lines.map((l) => l.join(' ')).join('\n') + '\n');
    const vocabulary = await buildVocabulary(path, { minCount: 1 });
    const expected = bruteForce(lines, vocabulary, 10, true);
    for (const memory of [4, 0.05]) {
      const outputs: Buffer[] = [];
      for (const threads of [1, 2, 3]) {
        const out = join(dir, `threads-${memory}-${threads}.bin`);
        const r = await countCooccurrences(path, vocabulary, out, { window: 10, symmetric: true, memory, threads, tmpDir: dir });
        expect(r.threads).toBe(threads);
        if (memory < 1) expect(r.shards).toBeGreaterThan(4);
        outputs.push(readFileSync(out));
      }
      expect(Buffer.compare(outputs[1]!, outputs[0]!)).toBe(0);
      expect(Buffer.compare(outputs[2]!, outputs[0]!)).toBe(0);
      expectSameCounts(readAll(join(dir, `threads-${memory}-1.bin`)), expected);
    }
  });

  const cooccurTool = '/tmp/glove-src/build/cooccur';
  it.skipIf(!existsSync(cooccurTool))(`gives the records of the Stanford C tool's cooccur, byte for byte (needs ${cooccurTool}: build github.com/stanfordnlp/GloVe there with make)`, async () => {
    const lines = randomLines(600, 5);
    const path = join(dir, 'interop.txt');
    writeFileSync(path, lines.map((l) => l.join(' ')).join('\n') + '\n');
    const vocabulary = await buildVocabulary(path, { minCount: 3 });
    const vocabPath = join(dir, 'interop.vocab');
    await saveGloveVocabulary(vocabPath, vocabulary);
    for (const symmetric of [1, 0]) {
      const ours = join(dir, `ours-${symmetric}.bin`);
      await countCooccurrences(path, vocabulary, ours, { window: 10, symmetric: symmetric === 1, memory: 4 });
      const runC = (maxProduct: number): Buffer => {
        const c = spawnSync(cooccurTool, ['-verbose', '0', '-symmetric', String(symmetric), '-window-size', '10', '-vocab-file', vocabPath, '-max-product', String(maxProduct), '-overflow-file', join(dir, 'overflow')], {
          input: readFileSync(path),
          maxBuffer: 1 << 28,
        });
        expect(c.status).toBe(0);
        return c.stdout;
      };
      const mine = readFileSync(ours);
      // All pairs in the C tool's dense table: it adds in corpus order as we do, so the bytes agree,
      // except that its merge reads the empty overflow file's missing first record as a repeat of
      // the last record read and so doubles the very first count (a bug of the C tool).
      const dense = runC(1e9);
      expect(dense.length).toBe(mine.length);
      expect(Buffer.compare(dense.subarray(16), mine.subarray(16))).toBe(0);
      expect(dense.subarray(0, 8)).toEqual(mine.subarray(0, 8));
      expect(dense.readDoubleLE(8)).toBe(2 * mine.readDoubleLE(8));
      // Most pairs through its overflow buffer and merge: the same records, sums equal to rounding.
      const merged = runC(20);
      expect(merged.length).toBe(mine.length);
      for (let at = 0; at < mine.length; at += 16) {
        expect(merged.readInt32LE(at)).toBe(mine.readInt32LE(at));
        expect(merged.readInt32LE(at + 4)).toBe(mine.readInt32LE(at + 4));
        expect(merged.readDoubleLE(at + 8)).toBeCloseTo(mine.readDoubleLE(at + 8), 10);
      }
    }
  });
});
