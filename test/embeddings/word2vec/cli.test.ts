import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner, useBuiltCli } from '../../helpers/built-cli.js';
import { writePlantedCorpus } from './planted-corpus.js';

// The built CLI, as users run it.
useBuiltCli();
const corpus = writePlantedCorpus({ lines: 1000 });
afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));

const run = cliRunner({ cwd: corpus.dir });

describe('wordloom train word2vec', () => {
  it('writes word2vec vectors and the vocabulary, and reports with --json', () => {
    const r = run('--json', '--quiet', 'train', 'word2vec', corpus.path, '-o', 'models/p.bin', '--min-count', '1', '--dim', '16', '--epochs', '2', '--threads', '1', '--cbow');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ output: 'models/p.bin', format: 'word2vec-binary', words: 50, dim: 16, model: 'cbow', epochs: 2 });
    const bytes = readFileSync(join(corpus.dir, 'models/p.bin'));
    expect(bytes.subarray(0, 6).toString()).toBe('50 16\n');
    expect(bytes.length).toBeGreaterThan(50 * 16 * 4);
    expect(readFileSync(join(corpus.dir, 'models/p.bin.vocab'), 'utf8')).toMatch(/^<PAD>\t0\n/);
    expect(existsSync(join(corpus.dir, 'models/p.bin.ckpt'))).toBe(false);
  });

  it('rejects a bad hyperparameter with one line naming the flag and exit code 2 (a usage error)', () => {
    const r = run('train', 'word2vec', corpus.path, '-o', 'models/q.vec', '--window', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wordloom: option --window must be an integer between 1 and 1000, got 0\n');
    expect(existsSync(join(corpus.dir, 'models/q.vec'))).toBe(false);
  });

  it('explains a --resume without checkpoint', () => {
    const r = run('train', 'word2vec', corpus.path, '-o', 'models/r.vec', '--resume');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('wordloom: no checkpoint at models/r.vec.ckpt (nothing to resume)\n');
  });
});
