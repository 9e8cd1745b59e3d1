/**
 * Issue 16 through the built CLI: nothing lost on a bad output path or an old checkpoint, wrong
 * files refused with what they look like, one vocabulary of flags, `wordloom info`, training
 * from a `vocab -o` vocabulary and (library) from sentences in memory.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { KeyedVectors, trainWord2Vec, type TrainingProgress } from '../../src/index.js';
import { runCli, useBuiltCli, type CliRun } from '../helpers/built-cli.js';
import { seededRandom, useTempDir, writeFixture } from '../text/fixtures.js';

useBuiltCli();
const tempDir = useTempDir();
const run = (cwd: string, ...args: string[]): CliRun => runCli(args, { cwd });

/** 1,500 sentences over 60 words: a fraction of a second of training. */
function sentences(): string[] {
  const random = seededRandom(3);
  return Array.from({ length: 1500 }, () => Array.from({ length: 8 }, () => `w${Math.floor(random() ** 2 * 60)}`).join(' '));
}

function project(): string {
  const dir = tempDir();
  writeFixture(dir, 'c.txt', `${sentences().join('\n')}\n`);
  writeFixture(dir, 'afile', 'a file, not a folder\n');
  writeFixture(dir, 'v.vec', '3 2\nking 0.1 0.2\nqueen 0.1 0.3\napple 0.9 0.1\n');
  mkdirSync(join(dir, 'models'));
  return dir;
}

/** A preload that makes renaming onto a .vec file fail as a full disk would. */
const FULL_DISK = `const fs = require('node:fs');
const rename = fs.promises.rename;
fs.promises.rename = async (from, to) => {
  if (String(to).endsWith('.vec')) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  return rename(from, to);
};
`;

const SMALL = ['--epochs', '1', '--dim', '8', '--threads', '1', '--min-count', '1'];

describe('nothing is lost', () => {
  it('checks every output path before any work', () => {
    const dir = project();
    mkdirSync(join(dir, 'models/counts.bin.vocab')); // where glove cooccur would write its vocabulary
    const cases: [string[], string][] = [
      [['train', 'word2vec', 'c.txt', '-o', 'models', ...SMALL], 'wordloom: vectors file models is a folder; give a file path (such as models/name)'],
      [['train', 'word2vec', 'c.txt', '-o', 'afile/x.vec', ...SMALL], `wordloom: cannot write vectors file afile/x.vec: ${join(dir, 'afile')} is a file, not a folder`],
      [['vocab', 'c.txt', '-o', 'models'], 'wordloom: vocabulary file models is a folder; give a file path (such as models/name)'],
      [['convert', 'c.txt', 'afile/x/y.vec'], `wordloom: cannot write output afile/x/y.vec: ${join(dir, 'afile')} is a file, not a folder`],
      [['index', 'build', 'c.txt', '-o', 'models'], 'wordloom: index file models is a folder; give a file path (such as models/name)'],
      [['train', 'fasttext', 'c.txt', '-o', 'afile/x', ...SMALL], `wordloom: cannot write model file afile/x.bin: ${join(dir, 'afile')} is a file, not a folder`],
      [['glove', 'cooccur', 'c.txt', '-o', 'models/counts.bin'], 'wordloom: vocabulary file models/counts.bin.vocab is a folder; give a file path (such as models/counts.bin.vocab/name)'],
      [['demo', '-o', 'afile/brown.vec'], `wordloom: cannot write vectors file afile/brown.vec: ${join(dir, 'afile')} is a file, not a folder`],
      // the pictures: checked before the vectors are loaded and projected
      [['plot', 'v.vec', '-o', 'afile/map.svg'], `wordloom: cannot write map file afile/map.svg: ${join(dir, 'afile')} is a file, not a folder`],
      [['export', 'projector', 'v.vec', '-o', 'afile'], `wordloom: cannot write projector file afile/tensors.tsv: ${join(dir, 'afile')} is a file, not a folder`],
      [['report', 'v.vec', '-o', 'afile/r.html'], `wordloom: cannot write report file afile/r.html: ${join(dir, 'afile')} is a file, not a folder`],
      // model folders (lm, seq2seq; classify shares the check): a parent that is a file
      [['lm', 'train', 'c.txt', '-o', 'afile/m'], `wordloom: cannot write model afile/m: ${join(dir, 'afile')} is a file, not a folder`],
      [['seq2seq', 'train', 'c.txt', '-o', 'afile/m'], `wordloom: cannot write model afile/m: ${join(dir, 'afile')} is a file, not a folder`],
      // quick seq2seq outputs: checked before the model is loaded or the pairs drawn
      [['translate', 'models/none', 'hi', '--attention', 'afile/a.svg'], `wordloom: cannot write attention picture afile/a.svg: ${join(dir, 'afile')} is a file, not a folder`],
      [['corpus', 'dates', '--count', '5', '-o', 'models'], 'wordloom: pairs file models is a folder; give a file path (such as models/name)'],
    ];
    for (const [args, message] of cases) {
      const r = run(dir, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toBe(`${message}\n`); // one line: no vocabulary was counted, nothing trained
    }
    expect(existsSync(join(dir, 'models/counts.bin'))).toBe(false);
    // train fasttext takes a name, not a folder
    const folder = run(dir, 'train', 'fasttext', 'c.txt', '-o', 'models/', ...SMALL);
    expect(folder.stderr).toBe('wordloom: -o models/ is a folder; give a name in it (-o models/NAME writes NAME.bin and NAME.vec)\n');
    expect(folder.code).toBe(2);
  });

  it('a save that fails after training (a full disk) keeps the checkpoint, and --resume finishes the run', () => {
    const dir = project();
    writeFixture(dir, 'full-disk.cjs', FULL_DISK);
    const args = ['train', 'word2vec', 'c.txt', '-o', 'models/f.vec', '--epochs', '2', '--dim', '8', '--threads', '1', '--min-count', '1', '--seed', '4'];
    const failed = runCli(args, { cwd: dir, nodeArgs: ['--require', join(dir, 'full-disk.cjs')] });
    expect(failed.code).toBe(1);
    expect(failed.stderr.trimEnd().split('\n').at(-1)).toBe('wordloom: cannot write models/f.vec: ENOSPC: no space left on device');
    expect(existsSync(join(dir, 'models/f.vec'))).toBe(false);
    expect(existsSync(join(dir, 'models/f.vec.ckpt'))).toBe(true); // the last epoch's start: not lost
    const resumed = run(dir, ...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming from models/f.vec.ckpt: epoch 2/2');
    expect(readFileSync(join(dir, 'models/f.vec'), 'utf8')).toMatch(/^60 8\n/);
    expect(existsSync(join(dir, 'models/f.vec.ckpt'))).toBe(false);
  });

  it('train glove: a save that fails after training keeps the checkpoint, and --resume writes the vectors', () => {
    const dir = project();
    writeFixture(dir, 'full-disk.cjs', FULL_DISK);
    const args = ['train', 'glove', 'c.txt', '-o', 'models/g.vec', '--to', 'word2vec-text', '--iter', '2', '--dim', '8', '--threads', '1', '--min-count', '1', '--seed', '4'];
    const failed = runCli(args, { cwd: dir, nodeArgs: ['--require', join(dir, 'full-disk.cjs')] });
    expect(failed.code).toBe(1);
    expect(failed.stderr.trimEnd().split('\n').at(-1)).toBe('wordloom: cannot write models/g.vec: ENOSPC: no space left on device');
    expect(existsSync(join(dir, 'models/g.vec'))).toBe(false);
    expect(existsSync(join(dir, 'models/g.vec.ckpt'))).toBe(true); // written after the last iteration: nothing to retrain
    const resumed = run(dir, ...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'models/g.vec'), 'utf8')).toMatch(/^60 8\n/);
    expect(existsSync(join(dir, 'models/g.vec.ckpt'))).toBe(false);
  });

  it('refuses to replace an unfinished run without --force, and x.vec and x.bin keep their own vocabularies', () => {
    const dir = project();
    writeFixture(dir, 'models/x.vec.ckpt', 'an unfinished run');
    const refused = run(dir, 'train', 'word2vec', 'c.txt', '-o', 'models/x.vec', ...SMALL);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('wordloom: models/x.vec.ckpt holds an unfinished run: add --resume to continue it, or --force to start over (the checkpoint is replaced)\n');
    const forced = run(dir, 'train', 'word2vec', 'c.txt', '-o', 'models/x.vec', ...SMALL, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('--force: starting over; the checkpoint models/x.vec.ckpt of the unfinished run will be replaced');
    expect(existsSync(join(dir, 'models/x.vec.ckpt'))).toBe(false); // removed once the vectors were written
    expect(forced.stdout).toContain('to models/x.vec (word2vec text)');
    // train fasttext and train glove refuse the same way
    writeFixture(dir, 'models/ft.vec.ckpt', 'an unfinished run');
    writeFixture(dir, 'models/g.txt.ckpt', 'an unfinished run');
    for (const [args, checkpoint] of [[['train', 'fasttext', 'c.txt', '-o', 'models/ft', ...SMALL], 'models/ft.vec.ckpt'], [['train', 'glove', 'c.txt', '-o', 'models/g.txt', '--dim', '8'], 'models/g.txt.ckpt']] as const) {
      const other = run(dir, ...args);
      expect(other.stderr).toBe(`wordloom: ${checkpoint} holds an unfinished run: add --resume to continue it, or --force to start over (the checkpoint is replaced)\n`);
      expect(other.code).toBe(2);
    }
    const binary = run(dir, 'train', 'word2vec', 'c.txt', '-o', 'models/x.bin', ...SMALL, '--min-count', '150');
    expect(binary.code, binary.stderr).toBe(0);
    expect(binary.stdout).toContain('(word2vec binary)\nvocabulary: models/x.bin.vocab');
    expect(readFileSync(join(dir, 'models/x.vec.vocab'), 'utf8')).not.toBe(readFileSync(join(dir, 'models/x.bin.vocab'), 'utf8'));
    // nor their metrics logs: every file next to an output is named after its whole name
    const minCount = (log: string): unknown => (JSON.parse(readFileSync(join(dir, log), 'utf8').split('\n')[0]!) as { settings: { minCount: number } }).settings.minCount;
    expect([minCount('models/x.vec.metrics.jsonl'), minCount('models/x.bin.metrics.jsonl')]).toEqual([1, 150]);
    expect(existsSync(join(dir, 'models/x.metrics.jsonl'))).toBe(false);
  });

  it('train fasttext writes NAME.bin and NAME.vec and names its other files after NAME.vec; info finds its log from NAME.bin', () => {
    const dir = project();
    const r = run(dir, '--json', 'train', 'fasttext', 'c.txt', '-o', 'models/ft', ...SMALL, '--bucket', '1000');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ output: 'models/ft.bin', vectors: 'models/ft.vec', vocabulary: 'models/ft.vec.vocab', words: 60, bucket: 1000 });
    const log = readFileSync(join(dir, 'models/ft.vec.metrics.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log[0]).toMatchObject({ kind: 'start', trainer: 'fasttext', settings: { bucket: 1000 } });
    expect(log.some((x) => x.kind === 'progress')).toBe(true);
    expect(log.at(-1)).toMatchObject({ kind: 'end', output: 'models/ft.bin', minn: 3, maxn: 6 });
    expect(existsSync(join(dir, 'models/ft.vec.ckpt'))).toBe(false);
    const info = run(dir, '--json', 'info', 'models/ft.bin');
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ kind: 'vectors', trainer: 'fasttext', metrics: 'models/ft.vec.metrics.jsonl' });
  });

  it('the library leaves the checkpoint to a caller that asks to remove it itself', async () => {
    const dir = project();
    const checkpoint = join(dir, 'run.ckpt');
    // a checkpoint is saved after every epoch but the last
    await trainWord2Vec(join(dir, 'c.txt'), { dim: 8, epochs: 2, threads: 1, minCount: 1, checkpoint, keepCheckpoint: true });
    expect(existsSync(checkpoint)).toBe(true);
    await trainWord2Vec(join(dir, 'c.txt'), { dim: 8, epochs: 2, threads: 1, minCount: 1, checkpoint });
    expect(existsSync(checkpoint)).toBe(false);
  });
});

describe('wrong files are refused', () => {
  it('says what the file looks like and which command wants it', async () => {
    const dir = project();
    writeFixture(dir, 'x.vocab', '<PAD>\t0\n<UNK>\t0\n<BOS>\t0\n<EOS>\t2\nking\t3\nqueen\t2\n');
    writeFixture(dir, 'x.vec', '2 3\nking 0.1 0.2 0.3\nqueen 0.1 0.2 0.4\n');
    writeFixture(dir, 'questions.txt', ': capital-common-countries\nathens greece baghdad iraq\n');
    const vocabMessage = 'x.vocab looks like a vocabulary file ("word<TAB>count" lines, as wordloom vocab -o and training write), not vectors; train word2vec --read-vocab reads it, wordloom info describes it';
    const cases: [string[], string][] = [
      [['similar', 'x.vocab', 'king'], `wordloom: ${vocabMessage}`],
      [['vocab', 'x.vec'], 'wordloom: x.vec looks like a vectors file (word2vec format, header "2 3": words and dimension), not a text corpus; wordloom vocab reads sentences, one a line (wordloom info tells what a file is)'],
      [['train', 'word2vec', 'x.vec', '-o', 'y.vec'], 'wordloom: x.vec looks like a vectors file (word2vec format, header "2 3": words and dimension), not a text corpus; train word2vec reads sentences, one a line (wordloom info tells what a file is)'],
      [['eval', 'similarity', 'x.vec', 'questions.txt'], 'wordloom: questions.txt looks like analogy questions (": section" lines, four words a line), not word pairs; wordloom eval analogy reads it'],
    ];
    for (const [args, message] of cases) {
      const r = run(dir, ...args);
      expect(r.stderr, args.join(' ')).toBe(`${message}\n`);
      expect(r.code, args.join(' ')).toBe(1);
    }
    await expect(KeyedVectors.fromFile(join(dir, 'x.vocab'))).rejects.toThrow('looks like a vocabulary file');
  });

  it('a word that --limit left out is not called unknown', () => {
    const dir = project();
    writeFixture(dir, 'x.vec', '3 2\nking 0.1 0.2\nqueen 0.1 0.3\napple 0.9 0.1\n');
    const r = run(dir, 'similar', 'x.vec', 'apple', '--limit', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('wordloom: word "apple" is not in the vocabulary of x.vec as loaded (its first 2 words, --limit 2; a larger --limit may have it)\n');
  });
});

describe('one vocabulary of flags', () => {
  it('--max-vocab and --min-count mean the same in vocab and train; --corpus-format, --from and --to name formats; old names still work', () => {
    const dir = project();
    const a = run(dir, '--json', 'vocab', 'c.txt', '--max-vocab', '10', '--corpus-format', 'text');
    const b = run(dir, '--json', 'vocab', 'c.txt', '--max-size', '10', '--format', 'text');
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ keptWords: 10, minCount: 5, maxVocab: 10 });
    const withoutTime = (stdout: string): unknown => ({ ...JSON.parse(stdout), seconds: 0 });
    expect(withoutTime(b.stdout)).toEqual(withoutTime(a.stdout));
    const help = run(dir, 'vocab', '--help').stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--max-vocab <n>');
    expect(help).not.toContain('--max-size');
    expect(help).toContain('(default: 5)');
    const trainHelp = run(dir, 'train', 'word2vec', '--help').stdout.replace(/\s+/g, ' ');
    expect(trainHelp).toContain('--min-count <n> drop words seen fewer times (default: 5)');
    expect(trainHelp).toContain('--to <format>');
    expect(trainHelp).toContain('--read-vocab <path>');
    expect(trainHelp).toContain('<output>.vocab, e.g. models/x.vec.vocab');
    writeFixture(dir, 'x.vec', '2 2\nking 0.1 0.2\nqueen 0.1 0.3\n');
    expect(run(dir, '-q', 'similar', 'x.vec', 'king', '--from', 'text').code).toBe(0);
    expect(run(dir, '-q', 'similar', 'x.vec', 'king', '--format', 'text').code).toBe(0);
  });

  it('every help of every command gives its defaults as (default: X)', () => {
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    const commands = all(buildProgram());
    expect(commands.length).toBeGreaterThan(30);
    for (const c of commands) {
      const help = c.helpInformation().replace(/\s+/g, ' ');
      expect(help, c.name()).not.toMatch(/\(default [^:]|[;,] default [\d(]/);
    }
  });

  it('warns when --threads is more than the cores', () => {
    const dir = project();
    const threads = String(availableParallelism() + 2);
    const r = run(dir, 'train', 'word2vec', 'c.txt', '-o', 'models/t.vec', ...SMALL, '--threads', threads);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wordloom: warning: --threads ${threads} is more than the ${availableParallelism()} cores of this machine`);
  });
});

describe('training from a vocabulary file and from sentences in memory', () => {
  it('train --read-vocab uses the vocabulary vocab -o wrote', () => {
    const dir = project();
    expect(run(dir, '-q', 'vocab', 'c.txt', '-o', 'v.tsv', '--max-vocab', '20').code).toBe(0);
    const r = run(dir, '--json', 'train', 'word2vec', 'c.txt', '-o', 'models/v.vec', ...SMALL, '--read-vocab', 'v.tsv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('vocabulary read from v.tsv');
    expect(JSON.parse(r.stdout).words).toBe(20);
  });

  it("the README's onProgress example prints one line per epoch", async () => {
    const lines: string[] = [];
    let epoch = 0;
    // as in the README, console.error replaced by lines.push
    const onProgress = (p: TrainingProgress): void => {
      if (p.epoch === epoch) return;
      epoch = p.epoch;
      lines.push(`epoch ${p.epoch}/${p.epochs}: ${(100 * p.fraction).toFixed(0)}% done, loss ${p.loss.toFixed(3)}, ETA ${p.etaSeconds.toFixed(0)} s`);
    };
    await trainWord2Vec(sentences(), { dim: 8, epochs: 3, threads: 1, minCount: 1, onProgress });
    expect(lines.map((l) => l.split(':')[0])).toEqual(['epoch 1/3', 'epoch 2/3', 'epoch 3/3']);
    for (const line of lines) expect(line).toMatch(/^epoch \d\/3: \d+% done, loss (\d+\.\d{3}|NaN), ETA \d+ s$/);
  });

  it('the library trains on strings or token arrays as it does on the file', async () => {
    const dir = project();
    const options = { dim: 8, epochs: 1, threads: 1, minCount: 1, seed: 5 };
    const fromFile = await trainWord2Vec(join(dir, 'c.txt'), options);
    const fromStrings = await trainWord2Vec(sentences(), options);
    const fromTokens = await trainWord2Vec(sentences().map((s) => s.split(' ')), options);
    expect(Array.from(fromStrings.vectors.vectors)).toEqual(Array.from(fromFile.vectors.vectors));
    expect(Array.from(fromTokens.vectors.vectors)).toEqual(Array.from(fromFile.vectors.vectors));
  });
});

describe('wordloom info', () => {
  it('tells vectors (and how they were trained), vocabularies, metrics logs, checkpoints and text apart', () => {
    const dir = project();
    expect(run(dir, '-q', 'train', 'word2vec', 'c.txt', '-o', 'models/i.vec', ...SMALL).code).toBe(0);
    const info = (path: string): Record<string, unknown> => {
      const r = run(dir, '--json', 'info', path);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    expect(info('models/i.vec')).toMatchObject({ kind: 'vectors', format: 'word2vec-text', words: 60, dim: 8, trainer: 'word2vec', settings: { dim: 8, epochs: 1 } });
    expect(info('models/i.vec.vocab')).toMatchObject({ kind: 'vocabulary', words: 60, tokens: 12000 });
    expect(info('models/i.vec.metrics.jsonl')).toMatchObject({ kind: 'metrics-log', trainer: 'word2vec', finished: true });
    expect(info('c.txt')).toMatchObject({ kind: 'text' });
    const human = run(dir, 'info', 'models/i.vec');
    expect(human.stdout).toMatch(/^path: +models\/i\.vec\nkind: +vectors\nformat: +word2vec-text\n/);
    expect(run(dir, 'info', 'missing').stderr).toBe('wordloom: no such file or folder: missing\n');
  });
});
