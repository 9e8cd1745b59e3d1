/**
 * `wordloom classify train` as a long run: NAME.metrics.jsonl as it trains, the recurrent model's
 * checkpoint (an unfinished one is not replaced without --force, --resume continues it), on the
 * built CLI with generated files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, useBuiltCli } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { labelledLines as lines, SENTIMENT_VOCAB, sentimentTask, writeVectorsFile } from '../seq/classify/fixtures.js';

useBuiltCli();
const folder = useTempFolder('wordloom-classify-training-');
const runCli = cliRunner();
const run = (args: string[]) => runCli(...args);

let dir: string;
let vectorsFile: string;
let trainFile: string;
let valFile: string;

beforeAll(() => {
  dir = folder.dir;
  vectorsFile = join(dir, 'vectors.txt');
  writeVectorsFile(vectorsFile, SENTIMENT_VOCAB, 6, 5);
  trainFile = join(dir, 'train.tsv');
  writeFileSync(trainFile, lines(sentimentTask(120, 1)));
  valFile = join(dir, 'val.tsv');
  writeFileSync(valFile, lines(sentimentTask(40, 2)));
}, 120_000);

const RNN = ['--model', 'rnn', '--units', '4', '--epochs', '3', '--batch', '20', '--lr', '0.02', '--threads', '1', '--backend', 'cpu'];

describe('wordloom classify train (rnn)', () => {
  it('writes NAME.metrics.jsonl: start, progress, one epoch record per epoch with accuracy, loss, lr and examples/s, end', () => {
    const model = join(dir, 'models', 'm');
    const r = run(['--json', 'classify', 'train', trainFile, '--vectors', vectorsFile, '--val-file', valFile, '-o', model, ...RNN]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${model}.ckpt`)).toBe(false); // removed after success
    const records = readFileSync(`${model}.metrics.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ kind: 'start', trainer: 'classify', resumed: false, settings: { model: 'rnn', units: 4, valFile } });
    expect(records.at(-1)).toMatchObject({ kind: 'end', model: 'rnn', epochs: 3 });
    const epochs = records.filter((x) => x.kind === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochs) {
      expect(Object.keys(e).sort()).toEqual(
        ['kind', 'time', 'elapsed', 'epoch', 'epochs', 'trainLoss', 'trainAccuracy', 'valAccuracy', 'valLoss', 'improved', 'learningRate', 'examplesPerSecond', 'seconds'].sort(),
      );
      expect(e.learningRate).toBe(0.02);
      expect(e.trainAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.examplesPerSecond).toBeGreaterThan(0);
    }
    const progress = records.filter((x) => x.kind === 'progress');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toMatchObject({ fraction: 1, examplesDone: 360 });
    expect(r.stderr).toMatch(/epoch 1\/3 {2}train loss \d\.\d{4} {2}train accuracy \d+\.\d\d% {2}val accuracy/);
  });

  it('refuses to replace an unfinished run\'s checkpoint without --resume or --force (exit 2); --force starts over', () => {
    const model = join(dir, 'models', 'c');
    writeFileSync(`${model}.ckpt`, 'an unfinished run');
    const r = run(['classify', 'train', trainFile, '--vectors', vectorsFile, '-o', model, ...RNN]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `wordloom: ${model}.ckpt holds an unfinished run: add --resume to continue it, or --force to start over (the checkpoint is replaced)`,
    );
    const forced = run(['classify', 'train', trainFile, '--vectors', vectorsFile, '-o', model, ...RNN, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`--force: starting over; the checkpoint ${model}.ckpt of the unfinished run will be replaced`);
    const none = run(['classify', 'train', trainFile, '--vectors', vectorsFile, '-o', join(dir, 'models', 'n'), ...RNN, '--resume']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`--resume: there is no checkpoint ${join(dir, 'models', 'n')}.ckpt to continue`);
  });
});
