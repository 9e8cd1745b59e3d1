/**
 * Bidirectional models on the built CLI: `lm train --bidirectional` writes the forward model at
 * the top of the folder and the backward one in backward/ (generate and lm eval use the forward
 * one); `lm embed` prints each token's contextual vector as the library computes it, as text or
 * JSON, and refuses a forward-only model, an unknown character and a bad layer with one line.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/seq/backend/index.js';
import { contextualEmbeddings } from '../../src/seq/lm/index.js';
import { cliRunner, useBuiltCli, type CliRun as Run } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { seededRandom } from '../seeded-random.js';

useBuiltCli();
const run = cliRunner();

const stderrLines = (r: Run): string[] => r.stderr.split('\n').filter((l) => l !== '');

function tinyText(seed: number, lines = 150): string {
  const next = seededRandom(seed);
  const words = ['abc', 'bca', 'cab', 'dab', 'bad', 'cad', 'ace', 'bead', 'deca', 'ebb'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 2 + Math.floor(next() * 4);
    out.push(Array.from({ length: n }, () => words[Math.floor(next() * words.length)]!).join(' '));
  }
  return `${out.join('\n')}\n`;
}

const TINY = ['--layers', '2', '--units', '6', '--embedding', '4', '--seq-len', '8', '--batch', '4', '--lr', '0.01', '--backend', 'cpu', '--epochs', '2'];

const shared = useTempFolder('wordloom-lm-embed-cli-').dir;
let textFile: string;
let model: string;
let forwardOnly: string;
let trainRun: Run;

beforeAll(async () => {
  textFile = join(shared, 'text.txt');
  writeFileSync(textFile, tinyText(11));
  model = join(shared, 'bi');
  forwardOnly = join(shared, 'forward');
  trainRun = run('--json', 'lm', 'train', textFile, '-o', model, ...TINY, '--bidirectional');
  // A forward-only folder: the bidirectional one without its backward model (as an older wordloom wrote it).
  cpSync(model, forwardOnly, { recursive: true });
  rmSync(join(forwardOnly, 'backward'), { recursive: true });
  const config = JSON.parse(readFileSync(join(forwardOnly, 'lm.json'), 'utf8'));
  delete config.backward;
  writeFileSync(join(forwardOnly, 'lm.json'), JSON.stringify(config));
  await selectBackend({ backend: 'cpu', log: () => undefined });
}, 120_000);

describe('wordloom lm train --bidirectional (built CLI)', () => {
  it('trains both directions, reports both, and writes backward/ next to the forward model', () => {
    expect(trainRun.code, trainRun.stderr).toBe(0);
    expect(readdirSync(model).sort()).toEqual(['backward', 'lm.json', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(readdirSync(join(model, 'backward')).sort()).toEqual(['model.json', 'weights.bin']);
    const epochs = stderrLines(trainRun).filter((l) => /^epoch \d\/2 /.test(l));
    expect(epochs).toHaveLength(2);
    for (const l of epochs) expect(l).toMatch(/ {2}val loss \d+\.\d{4} .* {2}backward: train loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}lr /);
    const json = JSON.parse(trainRun.stdout);
    const lm = JSON.parse(readFileSync(join(model, 'lm.json'), 'utf8'));
    expect(lm.backward).toEqual({ folder: 'backward', validation: json.backward.validation });
    expect(lm.training.settings.bidirectional).toBe(true);
    expect(json.backward.validation.loss).toBeGreaterThan(0);
  });

  it('generate and lm eval use the forward model of a bidirectional folder', () => {
    const g = run('-q', 'generate', model, '--backend', 'cpu', '--seed', '4', '--prime', 'ab');
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/^ab[a-e ]*\n$/);
    const e = run('--json', 'lm', 'eval', model, textFile, '--backend', 'cpu');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).loss).toBeGreaterThan(0);
  });
});

describe('wordloom lm embed (built CLI)', () => {
  it("prints each token and its vector, as the library computes them, as text or JSON", async () => {
    const expected = await contextualEmbeddings(model, 'bad cab');
    expect(expected.dimension).toBe(12);
    const text = run('-q', 'lm', 'embed', model, 'bad cab', '--backend', 'cpu');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(7);
    lines.forEach((line, t) => {
      const [token, numbers, ...rest] = line.split('\t');
      expect(token).toBe('bad cab'[t]);
      expect(rest).toEqual([]);
      expect(numbers!.split(' ').map(Number)).toEqual(Array.from(expected.vectors.subarray(t * 12, (t + 1) * 12), (v) => Number(v.toFixed(6))));
    });

    const json = JSON.parse(run('--json', 'lm', 'embed', model, 'bad cab', '--backend', 'cpu').stdout);
    expect(json).toMatchObject({ model, sentence: 'bad cab', level: 'char', layers: [2], dimension: 12 });
    expect(json.tokens.map((t: { token: string }) => t.token)).toEqual([...'bad cab']);
    json.tokens.forEach((t: { vector: number[] }, i: number) => expect(t.vector).toEqual(Array.from(expected.vectors.subarray(i * 12, (i + 1) * 12))));

    const all = await contextualEmbeddings(model, 'bad', { layer: 'all' });
    const allJson = JSON.parse(run('--json', 'lm', 'embed', model, 'bad', '--layer', 'all', '--backend', 'cpu').stdout);
    expect(allJson.layers).toEqual([1, 2]);
    expect(allJson.tokens[1].vectors).toEqual([Array.from(all.vectors.subarray(12, 24)), Array.from(all.vectors.subarray(3 * 12 + 12, 3 * 12 + 24))]);
    const allText = run('-q', 'lm', 'embed', model, 'bad', '--layer', 'all', '--backend', 'cpu');
    expect(allText.stdout.split('\n')[0]!.split('\t')).toHaveLength(3); // token, layer 1, layer 2
  });

  it('one line for a forward-only model, an unknown character and a layer the model does not have', () => {
    const cases: [string[], number, string][] = [
      [[forwardOnly, 'bad'], 1, `wordloom: ${forwardOnly} is not a bidirectional language model (it has no backward model); train one with wordloom lm train --bidirectional`],
      [[model, 'baZ'], 1, `wordloom: character "Z" (character 3 of 3) is not in the model's vocabulary; leave it out, or pass --on-unknown unk to read it as <UNK>`],
      [[model, 'bad', '--layer', '3'], 2, 'wordloom: option --layer must be a recurrent layer between 1 and 2 or all, got 3'],
    ];
    for (const [args, code, message] of cases) {
      const r = run('-q', 'lm', 'embed', ...args, '--backend', 'cpu');
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stdout).toBe('');
      expect(stderrLines(r)).toEqual([message]);
    }
    const unk = run('-q', 'lm', 'embed', model, 'baZ', '--on-unknown', 'unk', '--backend', 'cpu');
    expect(unk.code).toBe(0);
    expect(unk.stdout.split('\n')[2]!.startsWith('Z\t')).toBe(true);
  });
});
