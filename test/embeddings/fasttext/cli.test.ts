import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner, useBuiltCli } from '../../helpers/built-cli.js';
import { writePlantedCorpus } from '../word2vec/planted-corpus.js';

// The built CLI, as users run it.
useBuiltCli();
const corpus = writePlantedCorpus({ lines: 1500 });
afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));

const run = cliRunner({ cwd: corpus.dir });

describe('wordloom train fasttext and the vector commands on its .bin', () => {
  it('writes NAME.bin and NAME.vec; similar, analogy and eval answer unseen words from the .bin', () => {
    const r = run('--json', '--quiet', 'train', 'fasttext', corpus.path, '-o', 'models/p', '--min-count', '1', '--dim', '16', '--epochs', '3', '--threads', '1', '--bucket', '5000', '--minn', '2', '--maxn', '4', '--sample', '0');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: 'models/p.bin', vectors: 'models/p.vec', words: 50, dim: 16, model: 'skipgram', minn: 2, maxn: 4, bucket: 5000 });
    expect(readFileSync(join(corpus.dir, 'models/p.bin')).readInt32LE(0)).toBe(793712314);
    expect(readFileSync(join(corpus.dir, 'models/p.vec'), 'utf8')).toMatch(/^50 16\n/);
    expect(existsSync(join(corpus.dir, 'models/p.vec.ckpt'))).toBe(false);

    const similar = run('--json', 'similar', 'models/p.bin', 'g2w123', '-n', '5');
    expect(similar.code).toBe(0);
    const neighbours = (JSON.parse(similar.stdout) as { neighbors: { word: string }[] }).neighbors.map((n) => n.word);
    expect(neighbours.filter((w) => w.startsWith('g2w')).length).toBeGreaterThanOrEqual(4);
    // the .vec has no n-grams: the same unseen word is an error there
    const plain = run('similar', 'models/p.vec', 'g2w123');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe('wordloom: word "g2w123" is not in the vocabulary of models/p.vec\n');

    expect(run('analogy', 'models/p.bin', 'g1w1', '-', 'g1w2', '+', 'g3w77').code).toBe(0);

    writeFileSync(join(corpus.dir, 'pairs.txt'), 'g1w1\tg1w2\t9\ng1w1\tg3w3\t1\ng2w99\tg2w1\t8\ng4w5\tg0w42\t2\n');
    const ev = run('eval', 'similarity', 'models/p.bin', 'pairs.txt');
    expect(ev.code).toBe(0);
    expect(ev.stdout).toMatch(/2 pairs with a word outside the vocabulary answered from character n-grams/);
    const converted = run('--json', 'convert', 'models/p.bin', 'models/p.txt');
    expect(JSON.parse(converted.stdout)).toMatchObject({ words: 50, dim: 16, from: 'fasttext-model' });
  });

  it('rejects impossible n-gram settings with one line and exit code 2, before writing anything', () => {
    const r = run('train', 'fasttext', corpus.path, '-o', 'models/q', '--minn', '5', '--maxn', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wordloom: option --minn (5) must be at most --maxn (3)\n');
    expect(existsSync(join(corpus.dir, 'models/q.bin'))).toBe(false);
  });

  it('refuses a word without any n-gram in the model instead of answering with zeros', () => {
    const r = run('similar', 'models/p.bin', 'g');
    // "<g>" has 2-grams "<g" and "g>": in the model. A model without n-grams has none:
    expect(r.code).toBe(0);
    run('--quiet', 'train', 'fasttext', corpus.path, '-o', 'models/w', '--min-count', '1', '--dim', '8', '--epochs', '1', '--threads', '1', '--maxn', '0');
    const none = run('similar', 'models/w.bin', 'g9w9');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('wordloom: word "g9w9" is not in the vocabulary of models/w.bin and the model has no character n-grams, so it has no vector\n');
  });
});
