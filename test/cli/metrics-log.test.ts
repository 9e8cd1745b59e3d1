import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsLog, metricsPathFor } from '../../src/cli/metrics-log.js';
import { findMetricsLog } from '../../src/report/metrics-file.js';
import { writePlantedCorpus } from '../embeddings/word2vec/planted-corpus.js';
import { runCli, useBuiltCli } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';

useBuiltCli();
const dir = useTempFolder('wordloom-metrics-').dir;

const records = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('MetricsLog', () => {
  it('names the log after the whole output name, so x.vec and x.bin keep their own', () => {
    expect(metricsPathFor('models/x.vec')).toBe('models/x.vec.metrics.jsonl');
    expect(metricsPathFor('models/x.bin')).toBe('models/x.bin.metrics.jsonl');
    expect(metricsPathFor('models/tiny/')).toBe('models/tiny.metrics.jsonl');
    expect(metricsPathFor('models/tiny')).toBe('models/tiny.metrics.jsonl');
  });

  it("finds a file's log, and a fastText NAME.bin's under NAME.vec (but not another trainer's)", async () => {
    const start = (trainer: string): string => `${JSON.stringify({ kind: 'start', trainer })}\n`;
    writeFileSync(join(dir, 'a.vec.metrics.jsonl'), start('word2vec'));
    writeFileSync(join(dir, 'f.vec.metrics.jsonl'), start('fasttext'));
    expect(await findMetricsLog(join(dir, 'a.vec'))).toBe(join(dir, 'a.vec.metrics.jsonl'));
    expect(await findMetricsLog(join(dir, 'a.bin'))).toBeNull(); // word2vec's a.vec is not a.bin's run
    expect(await findMetricsLog(join(dir, 'f.bin'))).toBe(join(dir, 'f.vec.metrics.jsonl'));
    expect(await findMetricsLog(join(dir, 'none.vec'))).toBeNull();
  });

  it('writes start, thinned progress, epoch and end records; NaN as null; nothing before the first report', () => {
    const path = join(dir, 'unit', 'run.metrics.jsonl');
    const log = MetricsLog.open(path, { trainer: 'test', settings: { dim: 8, onProgress: () => undefined, missing: undefined }, progressRecords: 10 });
    expect(existsSync(path)).toBe(false);
    for (let step = 0; step <= 1000; step++) log.progress({ epoch: step < 500 ? 1 : 2, epochs: 2, fraction: step / 1000, step, loss: step === 0 ? Number.NaN : 1 / step });
    log.epoch({ epoch: 2, trainLoss: 0.5, valLoss: Number.POSITIVE_INFINITY });
    log.end({ seconds: 1 });
    log.close();
    log.end({ seconds: 2 }); // after close: ignored
    const r = records(path);
    expect(r[0]).toMatchObject({ kind: 'start', trainer: 'test', settings: { dim: 8 }, resumed: false });
    expect(Object.keys(r[0]!.settings as object)).toEqual(['dim']);
    const progress = r.filter((x) => x.kind === 'progress');
    // 1/10 steps plus the epoch change and the final fraction 1
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.length).toBeLessThanOrEqual(13);
    expect(progress[0]).toMatchObject({ step: 0, loss: null });
    expect(progress.some((p) => p.step === 500)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ fraction: 1 });
    expect(r.filter((x) => x.kind === 'epoch')).toEqual([expect.objectContaining({ epoch: 2, trainLoss: 0.5, valLoss: null })]);
    expect(r.at(-1)).toMatchObject({ kind: 'end', seconds: 1 });
    for (const x of r) expect(typeof x.time === 'string' && typeof x.elapsed === 'number').toBe(true);
  });

  it('appends on resume', () => {
    const path = join(dir, 'resume.metrics.jsonl');
    const a = MetricsLog.open(path, { trainer: 't' });
    a.epoch({ epoch: 1 });
    a.close();
    const b = MetricsLog.open(path, { trainer: 't', resume: true });
    b.epoch({ epoch: 2 });
    b.close();
    expect(records(path).map((x) => [x.kind, x.epoch ?? x.resumed])).toEqual([
      ['start', false],
      ['epoch', 1],
      ['start', true],
      ['epoch', 2],
    ]);
  });
});

describe('trainers write NAME.metrics.jsonl', () => {
  it('train word2vec', () => {
    const corpus = writePlantedCorpus({ lines: 400 });
    try {
      const out = join(corpus.dir, 'models', 'p.vec');
      const r = runCli(['--quiet', 'train', 'word2vec', corpus.path, '-o', out, '--min-count', '1', '--dim', '8', '--epochs', '2', '--threads', '1']);
      expect(r.stderr).toBe('');
      const log = records(join(corpus.dir, 'models', 'p.vec.metrics.jsonl'));
      expect(log[0]).toMatchObject({ kind: 'start', trainer: 'word2vec', settings: { dim: 8, epochs: 2, minCount: 1 } });
      const progress = log.filter((x) => x.kind === 'progress');
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[0]).toHaveProperty('learningRate');
      expect(progress[0]).toHaveProperty('wordsPerSecondPerThread');
      expect(log.at(-1)).toMatchObject({ kind: 'end', words: 50, dim: 8, settings: { dim: 8, window: 5 } });
    } finally {
      rmSync(corpus.dir, { recursive: true, force: true });
    }
  });

  it('train word2vec with a bad option leaves no log', () => {
    const out = join(dir, 'bad', 'q.vec');
    const r = runCli(['train', 'word2vec', join(dir, 'none.txt'), '-o', out, '--window', '0']);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'bad', 'q.vec.metrics.jsonl'))).toBe(false);
  });

  it('lm train: progress records with steps and epoch records with validation', () => {
    const text = join(dir, 'text.txt');
    const lines = Array.from({ length: 120 }, (_, i) => ['abc', 'bca', 'cab', 'dab'].slice(0, 2 + (i % 3)).join(' '));
    writeFileSync(text, `${lines.join('\n')}\n`);
    const model = join(dir, 'models', 'tiny');
    const r = runCli(['--quiet', 'lm', 'train', text, '-o', model, '--layers', '1', '--units', '8', '--embedding', '4', '--seq-len', '8', '--batch', '4', '--backend', 'cpu', '--epochs', '2']);
    expect(r.code, r.stderr).toBe(0);
    const log = records(`${model}.metrics.jsonl`);
    expect(log[0]).toMatchObject({ kind: 'start', trainer: 'lm', settings: { units: 8, epochs: 2 } });
    const progress = log.filter((x) => x.kind === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress[0]).toMatchObject({ epoch: 1, step: 1 });
    expect(typeof progress[0]!.loss).toBe('number');
    const epochs = log.filter((x) => x.kind === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(typeof epochs[0]!.valLoss).toBe('number');
    expect(typeof epochs[0]!.valBitsPerChar).toBe('number');
    expect(log.at(-1)).toMatchObject({ kind: 'end', epochs: 2, settings: { units: 8 } });
  }, 60_000);
});
