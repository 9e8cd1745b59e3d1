/**
 * The sequence trainers on the built CLI (issue 8's units per layer, issue 16's leftovers):
 * `lm train --units 12,8` trains a tapered model and says so, a list of the wrong length is one
 * usage line naming both values; `lm train` and `seq2seq train` refuse to replace an unfinished
 * run's checkpoint without --resume (the words of `train word2vec`), start over with --force,
 * and warn once when --threads is more than the cores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useBuiltCli, type CliRun } from '../helpers/built-cli.js';
import { useTempDir, writeFixture } from '../text/fixtures.js';

useBuiltCli();
const tempDir = useTempDir();
const run = (cwd: string, ...args: string[]): CliRun => runCli(args, { cwd, env: { WORDLOOM_BACKEND: 'cpu' } });

function project(): string {
  const dir = tempDir();
  writeFixture(dir, 't.txt', `${Array.from({ length: 120 }, (_, i) => ['abc', 'bca', 'cab', 'dab'][i % 4]!.repeat(1 + (i % 3))).join('\n')}\n`);
  writeFixture(dir, 'p.tsv', `${Array.from({ length: 40 }, (_, i) => `${i}${i % 7}\t${i % 7}${i}`).join('\n')}\n`);
  return dir;
}

const LM = ['--embedding', '4', '--seq-len', '8', '--batch', '4', '--epochs', '1', '--threads', '1'];
const S2S = ['--units', '8', '--embedding', '4', '--batch', '16', '--epochs', '1', '--threads', '1'];

describe('lm train --units per layer', () => {
  it('trains a 12,8 model and names its layers; a list of the wrong length is one usage line', () => {
    const dir = project();
    const ok = run(dir, 'lm', 'train', 't.txt', '-o', 'm', ...LM, '--layers', '2', '--units', '12,8');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^wrote m: 12,8 LSTM char-level model/);
    expect(JSON.parse(readFileSync(join(dir, 'm', 'lm.json'), 'utf8')).architecture.units).toEqual([12, 8]);
    const info = run(dir, 'info', 'm');
    expect(info.stdout).toMatch(/^units: +12,8$/m);

    const wrong = run(dir, 'lm', 'train', 't.txt', '-o', 'w', ...LM, '--layers', '2', '--units', '12,8,4');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('wordloom: option --units lists 3 sizes (12,8,4) but --layers is 2: give one size for every layer or one per layer\n');
    const bad = run(dir, 'lm', 'train', 't.txt', '-o', 'w', ...LM, '--units', '12,x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--units expects an integer, got "x"');
    expect(existsSync(join(dir, 'w'))).toBe(false);
  });
});

describe('seq2seq train --units per layer', () => {
  it('trains a 12,8 model and names its layers; a wrong list is one usage line, before any work', () => {
    const dir = project();
    const flags = S2S.filter((_, i) => i > 1); // all but --units 8
    const ok = run(dir, 'seq2seq', 'train', 'p.tsv', '-o', 'm', ...flags, '--layers', '2', '--units', '12,8');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^wrote m: 12,8 LSTM encoder and decoder, luong-dot attention/);
    expect(JSON.parse(readFileSync(join(dir, 'm', 'seq2seq.json'), 'utf8')).architecture.units).toEqual([12, 8]);
    const info = run(dir, 'info', 'm');
    expect(info.stdout).toMatch(/^kind: +seq2seq-model$/m);
    expect(info.stdout).toMatch(/^units: +12,8$/m);
    expect(run(dir, 'translate', 'm', '12').code).toBe(0);

    const refused: [string[], string][] = [
      [['--layers', '2', '--units', '12,8,4'], 'wordloom: option --units lists 3 sizes (12,8,4) but --layers is 2: give one size for every layer or one per layer\n'],
      [['--units', '12,8'], 'wordloom: option --units lists 2 sizes (12,8) but --layers is 1: give one size for every layer or one per layer\n'],
      [['--layers', '2', '--units', '12,7', '--bidirectional'], 'wordloom: option --bidirectional needs an even size for every layer in --units (each direction gets units/2), got --units 12,7\n'],
    ];
    for (const [units, message] of refused) {
      const r = run(dir, 'seq2seq', 'train', 'p.tsv', '-o', 'w', ...flags, ...units);
      expect(r.code, units.join(' ')).toBe(2);
      expect(r.stderr).toBe(message);
    }
    const bad = run(dir, 'seq2seq', 'train', 'p.tsv', '-o', 'w', ...flags, '--units', '12,x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--units expects an integer, got "x"');
    expect(existsSync(join(dir, 'w'))).toBe(false);
  });
});

describe.each([
  ['lm', 't.txt', LM],
  ['seq2seq', 'p.tsv', S2S],
] as const)('%s train and an unfinished run', (trainer, data, flags) => {
  it('refuses to replace its checkpoint without --resume, starts over with --force', () => {
    const dir = project();
    writeFixture(dir, 'm.ckpt', 'an unfinished run');
    const refused = run(dir, trainer, 'train', data, '-o', 'm', ...flags);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('wordloom: m.ckpt holds an unfinished run: add --resume to continue it, or --force to start over (the checkpoint is replaced)\n');
    expect(readFileSync(join(dir, 'm.ckpt'), 'utf8')).toBe('an unfinished run');
    expect(existsSync(join(dir, 'm'))).toBe(false);
    const forced = run(dir, trainer, 'train', data, '-o', 'm', ...flags, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('--force: starting over; the checkpoint m.ckpt of the unfinished run will be replaced');
    expect(existsSync(join(dir, 'm.ckpt'))).toBe(false); // removed after success
  });

  it('warns once when --threads is more than the cores', () => {
    const dir = project();
    const threads = String(availableParallelism() + 2);
    const r = run(dir, trainer, 'train', data, '-o', 'm', ...flags, '--threads', threads);
    expect(r.code, r.stderr).toBe(0);
    const warning = `wordloom: warning: --threads ${threads} is more than the ${availableParallelism()} cores of this machine; the extra threads take turns, so training is not faster`;
    expect(r.stderr.split('\n').filter((l) => l === warning)).toHaveLength(1);
  });
});
