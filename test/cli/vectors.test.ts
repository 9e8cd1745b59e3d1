import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveVectors } from '../../src/vectors/formats/index.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { cliRunner, useBuiltCli } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { randomSet } from '../vectors/fixtures.js';

useBuiltCli();
const tmp = useTempFolder('wordloom-cli-vectors-');
const run = cliRunner();

beforeAll(async () => {
  const rows: [string, number[]][] = [
    ['man', [1, 0, 0.1, 0]],
    ['woman', [-1, 0, 0.1, 0]],
    ['king', [1, 1, 0.1, 0]],
    ['queen', [-1, 1, 0.1, 0]],
    ['apple', [0, 0, 0, 1]],
    ['banana', [0, 0.1, 0, 1]],
  ];
  await saveVectors(tmp.path('royal.txt'), new VectorSet(rows.map((r) => r[0]), Float32Array.from(rows.flatMap((r) => r[1])), 4));
  writeFileSync(tmp.path('questions.txt'), ': family\nman woman king queen\nman king woman queen\nman woman prince princess\n');
  writeFileSync(tmp.path('pairs.txt'), 'king\tqueen\t8\nman\twoman\t7\napple\tbanana\t9\nking\tapple\t1\n');
}, 120_000);

describe('wordloom vector commands (built CLI)', () => {
  it('similar prints a table and JSON', () => {
    const human = run('similar', tmp.path('royal.txt'), 'apple', '--topn', '1');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/rank\s+word\s+similarity\n-+\s+-+\s+-+\n1\s+banana\s+0\.99\d\d/);
    const json = JSON.parse(run('--json', 'similar', tmp.path('royal.txt'), 'apple', '-n', '2').stdout);
    expect(json.neighbors.length).toBe(2);
    expect(json.neighbors[0].word).toBe('banana');
  });

  it('analogy accepts both notations and --cosmul', () => {
    for (const expr of [['king', '-', 'man', '+', 'woman'], ['king', '-man', '+woman'], ['man:king::woman:?']]) {
      const r = run('--json', 'analogy', tmp.path('royal.txt'), ...expr, '-n', '1');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).neighbors[0].word).toBe('queen');
    }
    const cosmul = JSON.parse(run('--json', 'analogy', tmp.path('royal.txt'), 'king', '-', 'man', '+', 'woman', '--cosmul').stdout);
    expect(cosmul.method).toBe('3CosMul');
    expect(cosmul.neighbors[0].word).toBe('queen');
    const typo = run('analogy', tmp.path('royal.txt'), 'king', '-man', '+woman', '--topm', '1');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('wordloom: unknown option --topm in the analogy expression (options go before the expression; see wordloom analogy --help)\n');
  });

  it('fails with one line naming the unknown word and the file', () => {
    const r = run('similar', tmp.path('royal.txt'), 'King');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`wordloom: word "King" is not in the vocabulary of ${tmp.path('royal.txt')} (did you mean "king"?)\n`);
    const missing = run('similar', tmp.path('nope.txt'), 'king');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`wordloom: ${tmp.path('nope.txt')}: no such file or directory\n`);
  });

  it('eval analogy requires the questions file and reports OOV', () => {
    expect(run('eval', 'analogy', tmp.path('royal.txt')).code).toBe(2);
    const r = run('--json', 'eval', 'analogy', tmp.path('royal.txt'), tmp.path('questions.txt'));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.total).toEqual({ correct: 2, answered: 2, accuracy: 1 });
    expect(report.oov).toBe(1);
    const human = run('-q', 'eval', 'analogy', tmp.path('royal.txt'), tmp.path('questions.txt'));
    expect(human.stdout).toContain('3 questions; 1 (33.33%) have a word outside the first 30000 words and are not counted.');
  });

  it('eval similarity reports Spearman per file', () => {
    const r = JSON.parse(run('--json', 'eval', 'similarity', tmp.path('royal.txt'), tmp.path('pairs.txt')).stdout);
    expect(r[0].pairs).toBe(4);
    expect(r[0].oov).toBe(0);
    expect(r[0].spearman).toBeGreaterThan(0);
  });

  it('convert, index build and index query work together', () => {
    const big = randomSet(800, 16, 3);
    const source = tmp.path('random.txt');
    return saveVectors(source, big).then(() => {
      const converted = run('convert', source, tmp.path('random.bin'));
      expect(converted.code, converted.stderr).toBe(0);
      expect(converted.stdout).toContain('(word2vec-binary): 800 words, dim 16');
      const built = run('--json', 'index', 'build', tmp.path('random.bin'), '-o', tmp.path('random.hnsw'));
      expect(built.code, built.stderr).toBe(0);
      expect(JSON.parse(built.stdout).recallAt10).toBeGreaterThanOrEqual(0.95);
      const queried = JSON.parse(run('--json', 'index', 'query', tmp.path('random.bin'), tmp.path('random.hnsw'), 'w5', '-n', '3').stdout);
      const exact = JSON.parse(run('--json', 'similar', tmp.path('random.bin'), 'w5', '-n', '3').stdout);
      expect(queried[0].neighbors.map((n: { word: string }) => n.word)).toEqual(exact.neighbors.map((n: { word: string }) => n.word));
    });
  });
});
