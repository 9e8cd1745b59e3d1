/** `wordloom classify train/predict/eval` as users run them (the built CLI), on generated files. */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliRunner, useBuiltCli, type CliRun } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { labelledLines as lines, SENTIMENT_VOCAB, sentimentTask, writeVectorsFile } from '../seq/classify/fixtures.js';

useBuiltCli();
const folder = useTempFolder('wordloom-classify-cli-');
const runCli = cliRunner();
const run = (args: string[], input?: string): CliRun => (input === undefined ? runCli(...args) : cliRunner({ input })(...args));

let dir: string;
let vectorsFile: string;
let trainFile: string;
let testFile: string;
let model: string;
let trainRun: CliRun;

beforeAll(() => {
  dir = folder.dir;
  vectorsFile = join(dir, 'vectors.txt');
  writeVectorsFile(vectorsFile, SENTIMENT_VOCAB, 6, 5);
  trainFile = join(dir, 'train.tsv');
  writeFileSync(trainFile, lines(sentimentTask(200, 1)));
  testFile = join(dir, 'test.tsv');
  writeFileSync(testFile, lines(sentimentTask(60, 2)));
  model = join(dir, 'models', 'sentiment');
  trainRun = run(['--json', 'classify', 'train', trainFile, '--vectors', vectorsFile, '-o', model, '--epochs', '5', '--backend', 'cpu']);
}, 120_000);

describe('wordloom classify', () => {
  it('train writes the model folder and a JSON summary', () => {
    expect(trainRun.code, trainRun.stderr).toBe(0);
    const summary = JSON.parse(trainRun.stdout);
    expect(summary.model).toBe('avg');
    expect(summary.labels).toEqual(['neg', 'pos']);
    expect(summary.validation.examples).toBe(20);
    expect(readdirSync(model).sort()).toEqual(['classifier.json', 'features.bin', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(trainRun.stderr).toMatch(/epoch 1\/5 {2}train loss/);
  });

  it('predict classifies arguments or stdin lines; eval reports accuracy, per-class figures and the confusion matrix', () => {
    const p = run(['classify', 'predict', model, 'a good film', 'the plot was awful', '--backend', 'cpu']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(['pos', 'neg']);
    expect(p.stdout).toMatch(/^pos\tneg:0\.\d{4} pos:0\.\d{4}\n/);
    const s = run(['--json', 'classify', 'predict', model, '--backend', 'cpu'], 'great\n\nzorblax nice\n');
    const json = JSON.parse(s.stdout);
    expect(json.map((x: { label: string }) => x.label)).toEqual(['pos', 'pos']);
    expect(json[1].unknown).toBe(1);
    const e = run(['classify', 'eval', model, testFile, '--backend', 'cpu']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/accuracy {2}\d+\.\d\d%/);
    expect(e.stdout).toMatch(/confusion \(rows: true class, columns: predicted\)/);
    expect(e.stdout).toMatch(/unknown {3}\d+ of \d+ tokens \(read as <UNK>\)/); // the averaged model's default --unknown learn
    const j = JSON.parse(run(['--json', 'classify', 'eval', model, testFile, '--backend', 'cpu']).stdout);
    expect(j.accuracy).toBeGreaterThan(0.8);
    expect(j.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(60);
  });

  it('a bad label file is one line naming the file and line (exit 1); a bad flag a usage error (exit 2)', () => {
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'pos\tgood\nneg\tbad\nneg awful\n');
    const r = run(['classify', 'train', bad, '--vectors', vectorsFile, '-o', join(dir, 'x'), '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('wordloom: ') && !l.includes('backend'))).toEqual([`wordloom: ${bad}:3: expected label<TAB>text like the file's first line, got "neg awful"`]);
    const e = run(['classify', 'eval', model, bad, '--backend', 'cpu']);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`${bad}:3:`);
    const u = run(['classify', 'train', trainFile, '--vectors', vectorsFile, '-o', join(dir, 'y'), '--word-ngrams', '9']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/^wordloom: option --word-ngrams must be an integer between 1 and 5, got 9/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
