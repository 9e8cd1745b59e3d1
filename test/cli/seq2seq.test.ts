/**
 * The seq2seq commands on the built CLI: corpus dates writes pairs; seq2seq train writes a model
 * folder (a bad pairs file is one line naming its line, exit 1; a bad flag exit 2); seq2seq eval
 * prints exact match, token accuracy and BLEU; translate reads arguments or stdin and writes the
 * attention SVG.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useBuiltCli, type CliRun } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';

useBuiltCli();
const run = (args: string[], input?: string): CliRun => runCli(args, { input, env: { WORDLOOM_BACKEND: 'cpu' } });

describe('wordloom seq2seq, translate, corpus dates', () => {
  const dir = useTempFolder('wl-cli-s2s-').dir;

  it('corpus dates writes seeded source<TAB>ISO pairs', () => {
    const out = join(dir, 'dates.tsv');
    const r = run(['corpus', 'dates', '--count', '40', '--seed', '3', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(40);
    for (const l of lines) expect(l).toMatch(/^[^\t]+\t\d{4}-\d{2}-\d{2}$/);
    expect(run(['corpus', 'dates', '--count', '40', '--seed', '3', '-o', join(dir, 'again.tsv')]).code).toBe(0);
    expect(readFileSync(join(dir, 'again.tsv'), 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('train -> eval -> translate (arguments and stdin, --attention svg); bad input is one line', () => {
    const pairs = join(dir, 'pairs.tsv');
    writeFileSync(pairs, Array.from({ length: 60 }, (_, i) => `${i}${i % 7}\t${i % 7}${i}`).join('\n'));
    const model = join(dir, 'model');
    const t = run(['seq2seq', 'train', pairs, '-o', model, '--units', '8', '--embedding', '4', '--batch', '16', '--epochs', '1', '--threads', '1']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/wrote .*model: 1 x 8 LSTM encoder and decoder, luong-dot attention/);
    expect(existsSync(join(model, 'decoder.json'))).toBe(true);
    const e = run(['seq2seq', 'eval', model, pairs, '--json']);
    expect(e.code, e.stderr).toBe(0);
    const figures = JSON.parse(e.stdout) as { exactMatch: number; tokenAccuracy: number; bleu: number; pairs: number };
    expect(figures.pairs).toBe(60);
    for (const k of ['exactMatch', 'tokenAccuracy', 'bleu'] as const) expect(figures[k]).toBeGreaterThanOrEqual(0);
    const svg = join(dir, 'att.svg');
    const tr = run(['translate', model, '12', '345', '--beam', '2', '--attention', svg]);
    expect(tr.code, tr.stderr).toBe(0);
    expect(tr.stdout.trim().split('\n')).toHaveLength(2);
    const picture = readFileSync(svg, 'utf8');
    expect(picture).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(picture.match(/<rect x=/g)!.length).toBeGreaterThanOrEqual(3); // source tokens 1, 2, <EOS> x output steps
    const stdin = run(['translate', model], '12\n\n345\n');
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).toBe(tr.stdout);

    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, 'a\tb\nc d\n');
    const b = run(['seq2seq', 'train', bad, '-o', join(dir, 'never')]);
    expect(b.code).toBe(1);
    expect(b.stderr.trim().split('\n').pop()).toBe(`wordloom: ${bad}:2: expected a pair, source<TAB>target, found no tab`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    const usage = run(['seq2seq', 'train', pairs, '-o', join(dir, 'x'), '--attention', 'cosine']);
    expect(usage.code).toBe(2);
  }, 240_000);

  it('train --local-p writes NAME.metrics.jsonl as it trains: start, progress (loss, lr, tokens/s), epochs (validation loss, exact match), end', () => {
    const pairs = join(dir, 'local.tsv');
    writeFileSync(pairs, Array.from({ length: 80 }, (_, i) => `${i}${i % 7}\t${i % 7}${i}`).join('\n'));
    const model = join(dir, 'models', 'local');
    const t = run(['--quiet', 'seq2seq', 'train', pairs, '-o', model, '--units', '8', '--embedding', '4', '--batch', '8', '--epochs', '2', '--patience', '0', '--threads', '1', '--local-p', '--window', '3', '--val-decode', '8']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/luong-dot local-p \(window 3\) attention/);
    const log = readFileSync(`${model}.metrics.jsonl`, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log[0]).toMatchObject({ kind: 'start', trainer: 'seq2seq', settings: { units: 8, epochs: 2, localP: true, window: 3 }, resumed: false });
    const progress = log.filter((x) => x.kind === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress[0]).toMatchObject({ epoch: 1, step: 1 });
    for (const k of ['loss', 'learningRate', 'tokensPerSecond', 'pairsPerSecond', 'fraction']) expect(typeof progress[0]![k], k).toBe('number');
    const epochs = log.filter((x) => x.kind === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const k of ['trainLoss', 'valLoss', 'valExactMatch', 'valTokenAccuracy', 'learningRate', 'step']) expect(typeof epochs[1]![k], k).toBe('number');
    expect(epochs[1]).toMatchObject({ valDecoded: 8 });
    expect(log.at(-1)).toMatchObject({ kind: 'end', epochs: 2, settings: { localP: true } });
    const usage = run(['seq2seq', 'train', pairs, '-o', join(dir, 'y'), '--window', '3']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--window is for --local-p/);
  }, 240_000);
});
