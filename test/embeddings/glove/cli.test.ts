/**
 * The built CLI: `wordloom glove cooccur` then `wordloom train glove --cooccur` writes GloVe text
 * and the C-format vocabulary; bad values, bad usage and damaged records give one line and the
 * right exit code; Ctrl-C leaves a checkpoint that --resume finishes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/embeddings/shared/rng.js';
import { cliRunner, spawnCli, useBuiltCli } from '../../helpers/built-cli.js';
import { useTempFolder } from '../../helpers/temp-folder.js';

useBuiltCli();
const dir = useTempFolder('wordloom-glove-cli-').dir;
const rng = new SeededRandom(2);
writeFileSync(
  join(dir, 'c.txt'),
  Array.from({ length: 4000 }, () => Array.from({ length: 12 }, () => `w${Math.floor(rng.nextFloat() ** 2 * 400)}`).join(' ')).join('\n') + '\n',
);
const run = cliRunner({ cwd: dir });

describe('wordloom glove', () => {
  it('counts, then trains on the counts, writing GloVe text and the vocabulary', () => {
    const c = run('--json', '--quiet', 'glove', 'cooccur', 'c.txt', '-o', 'counts.bin', '--min-count', '2', '--window', '5');
    expect(c.stderr).toBe('');
    const counted = JSON.parse(c.stdout) as { records: number; words: number };
    expect(readFileSync(join(dir, 'counts.bin')).length).toBe(counted.records * 16);
    expect(readFileSync(join(dir, 'counts.bin.vocab'), 'utf8').split('\n')[0]).toMatch(/^w0 \d+$/);
    const t = run('--json', '--quiet', 'train', 'glove', '--cooccur', 'counts.bin', '--vocab', 'counts.bin.vocab', '-o', 'models/g.txt', '--dim', '8', '--iter', '3', '--threads', '1');
    expect(t.stderr).toBe('');
    expect(JSON.parse(t.stdout)).toMatchObject({ format: 'glove', words: counted.words, dim: 8, records: counted.records, iterations: 3 });
    const first = readFileSync(join(dir, 'models/g.txt'), 'utf8').split('\n')[0]!.split(' ');
    expect(first[0]).toBe('w0');
    expect(first).toHaveLength(9);
    // the metrics log (src/cli/metrics-log.ts): a start record, one epoch record per iteration
    // with its cost, learning rate, records/s and elapsed seconds, and the end
    const log = readFileSync(join(dir, 'models/g.txt.metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log[0]).toMatchObject({ kind: 'start', trainer: 'glove', resumed: false });
    const epochs = log.filter((r) => r.kind === 'epoch');
    expect(epochs.map((r) => r.epoch)).toEqual([1, 2, 3]);
    const costs = (JSON.parse(t.stdout) as { costs: number[] }).costs;
    for (const [i, r] of epochs.entries()) {
      expect(r).toMatchObject({ epochs: 3, trainLoss: costs[i], learningRate: 0.05 });
      expect(r.recordsPerSecond).toBeGreaterThan(0);
      expect(r.elapsed).toBeGreaterThanOrEqual(0);
      expect(r.seconds).toBeGreaterThan(0);
    }
    expect(log.at(-1)).toMatchObject({ kind: 'end', records: counted.records, iterations: 3 });
  });

  it.each([
    [['train', 'glove', 'c.txt', '-o', 'x.txt', '--window', '0'], 2, 'wordloom: option --window must be an integer between 1 and 1000, got 0 (see wordloom train glove --help)'],
    [['train', 'glove', '-o', 'x.txt', '--cooccur', 'counts.bin'], 2, 'wordloom: option --cooccur needs --vocab (the vocabulary its word ids refer to)'],
    [['train', 'glove', 'c.txt', '--cooccur', 'counts.bin', '-o', 'x.txt'], 2, 'wordloom: give either a corpus or --cooccur FILE (with --vocab FILE)'],
    // an output under a file is refused before counting (the stderr is this one line: no counting log)
    [['train', 'glove', 'c.txt', '-o', 'c.txt/x.txt'], 1, `wordloom: cannot write vectors file c.txt/x.txt: ${join(dir, 'c.txt')} is a file, not a folder`],
    [['glove', 'cooccur', 'c.txt', '-o', 'c.txt/x.bin'], 1, `wordloom: cannot write co-occurrence file c.txt/x.bin: ${join(dir, 'c.txt')} is a file, not a folder`],
    [['train', 'glove', '-o', 'x.txt', '--cooccur', 'short.bin', '--vocab', 'counts.bin.vocab'], 1, 'wordloom: short.bin: 20 bytes is not a whole number of 16-byte co-occurrence records (int32 word1, int32 word2, float64 value); the file is truncated or not a GloVe cooccur file'],
  ])('%j exits %i with one line', (args, status, line) => {
    writeFileSync(join(dir, 'short.bin'), Buffer.alloc(20));
    const r = run(...args);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.code).toBe(status);
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
  });

  it('saves a checkpoint on Ctrl-C and --resume finishes', async () => {
    const args = ['train', 'glove', 'c.txt', '-o', 'r.txt', '--dim', '8', '--iter', '200', '--threads', '1', '--min-count', '1'];
    const child = spawnCli(args, { cwd: dir });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /iteration 2\/200 {2}cost/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/wordloom: training interrupted; checkpoint saved to r\.txt\.ckpt \(continue with --resume\)/);
    expect(existsSync(join(dir, 'r.txt.ckpt'))).toBe(true);
    const r = run('--quiet', 'train', 'glove', 'c.txt', '-o', 'r.txt', '--resume', '--iter', '200');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'r.txt'))).toBe(true);
    expect(existsSync(join(dir, 'r.txt.ckpt'))).toBe(false);
  }, 120_000);
});
