import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/seq/backend/index.js';
import { evaluateLanguageModel } from '../../src/seq/lm/index.js';
import { cliRunner, spawnCli, useBuiltCli, type CliRun as Run } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { seededRandom } from '../seeded-random.js';
import { useTempDir, writeFixture } from '../text/fixtures.js';

useBuiltCli();
const tempDir = useTempDir();
const run = cliRunner();

/** Lines of stderr that are not log lines: the error, when there is one. */
const stderrLines = (r: Run): string[] => r.stderr.split('\n').filter((l) => l !== '');

/** Short lines of words over 'abcde' (a 9-token character vocabulary with <EOS>), from a seed. */
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

/** A tiny model: a second or two of training. */
const TINY = ['--layers', '1', '--units', '8', '--embedding', '4', '--seq-len', '8', '--batch', '4', '--lr', '0.01', '--backend', 'cpu'];

const shared = useTempFolder('wordloom-lm-cli-').dir;
let textFile: string;
let model: string;
let trainRun: Run;

beforeAll(() => {
  textFile = join(shared, 'text.txt');
  writeFileSync(textFile, tinyText(7));
  model = join(shared, 'models', 'tiny');
  trainRun = run('--json', 'lm', 'train', textFile, '-o', model, ...TINY, '--epochs', '3');
}, 120_000);

describe('wordloom lm train (built CLI)', () => {
  it('writes the model folder, one line per epoch on stderr and the final figures as JSON', () => {
    expect(trainRun.stderr).not.toMatch(/wordloom: (?!tfjs backend)/); // no error or warning
    expect(trainRun.code).toBe(0);
    expect(readdirSync(model).sort()).toEqual(['lm.json', 'model.json', 'vocab.tsv', 'weights.bin']);
    expect(existsSync(`${model}.ckpt`)).toBe(false); // removed after success
    const lines = stderrLines(trainRun);
    expect(lines.filter((l) => l.startsWith('wordloom: tfjs backend cpu'))).toHaveLength(1);
    const epochs = lines.filter((l) => /^epoch \d\/3 /.test(l));
    expect(epochs).toHaveLength(3);
    for (const l of epochs) expect(l).toMatch(/^epoch \d\/3 {2}train loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}perplexity \d+\.\d\d {2}bits\/char \d+\.\d{3} {2}lr /);
    const json = JSON.parse(trainRun.stdout);
    const lm = JSON.parse(readFileSync(join(model, 'lm.json'), 'utf8'));
    expect(json).toMatchObject({ output: model, backend: 'cpu', level: 'char', vocabularySize: 10, epochs: 3, stopped: 'epochs' });
    expect(json.architecture).toEqual(lm.architecture);
    expect(json.architecture).toMatchObject({ cell: 'lstm', layers: 1, units: 8, embedding: 4 });
    expect(json.validation).toEqual(lm.validation);
    expect(json.validation.bitsPerChar).toBeCloseTo(json.validation.loss / Math.LN2, 12);
    expect(json.history).toHaveLength(3);
    expect(lm.training.settings).toMatchObject({ seqLen: 8, batch: 4, lr: 0.01, epochs: 3 });
  });

  it('lists every declared option in its help, with its default', () => {
    const r = run('lm', 'train', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--level', '--tokenizer', '--lowercase', '--min-count', '--max-vocab', '--cell', '--layers', '--units', '--embedding',
      '--dropout', '--seq-len', '--batch', '--epochs', '--max-steps', '--lr', '--optimizer', '--clip', '--val', '--val-file', '--lr-decay',
      '--patience', '--tie-weights', '--bidirectional', '--autotune', '--budget', '--seed', '--threads', '--checkpoint', '--checkpoint-every', '--resume', '--backend']) {
      expect(r.stdout).toContain(`  ${flag} `);
    }
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('--units <n[,n...]> units of the recurrent layers: one size for every layer, or one per layer, as many as --layers (N or N,N,...) (default: 256)');
    expect(flat).toContain('(default: <output>.ckpt)');
    expect(flat.match(/\(default: /g)!.length).toBe(31);
    for (const command of [['generate'], ['lm', 'eval'], ['lm', 'embed']]) {
      const help = run(...command, '--help');
      expect(help.code).toBe(0);
      const options = help.stdout.split('Options:')[1]!.split(/\n {2}(?=-)/).slice(1).filter((o) => !o.startsWith('-h, --help'));
      for (const o of options) expect(o.replace(/\s+/g, ' '), o).toContain('(default: ');
    }
  });

  it('refuses a bad output path before any work, with one line', () => {
    const dir = tempDir();
    const file = writeFixture(dir, 'model-file', 'not a folder');
    writeFixture(dir, 'notes/readme.txt', 'mine');
    for (const [out, message] of [
      [file, `wordloom: ${file} exists and is not a folder; choose another output path for the model`],
      [join(dir, 'notes'), `wordloom: ${join(dir, 'notes')} is a folder with other files (no lm.json); refusing to replace it with a model, choose another output path`],
    ] as const) {
      const r = run('lm', 'train', textFile, '-o', out, ...TINY);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(stderrLines(r)).toEqual([message]); // not even the backend line: nothing started
      expect(existsSync(`${out}.ckpt`)).toBe(false);
    }
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
    expect(readdirSync(join(dir, 'notes'))).toEqual(['readme.txt']);
  });

  it('gives one line and exit 2 for a bad flag value, exit 1 for bad text or divergence', () => {
    const out = join(tempDir(), 'm');
    const usage: [string[], string][] = [
      [['--layers', '0'], 'wordloom: option --layers must be an integer between 1 and 16, got 0 (see wordloom lm train --help)'],
      [['--lr', 'fast'], 'wordloom: --lr expects a number, got "fast" (see wordloom lm train --help)'],
      [['--tokenizer', 'english'], 'wordloom: option --tokenizer applies to --level word only (a char model reads characters), got english'],
    ];
    for (const [flags, message] of usage) {
      const r = run('lm', 'train', textFile, '-o', out, ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(stderrLines(r)).toEqual([message]);
    }
    // choices are commander's (its wording), as one line naming the flag, the value and the choices
    for (const [flag, value, choices] of [['--cell', 'tree', 'lstm, gru, rnn'], ['--backend', 'gpu', 'tensorflow, wasm, cpu']]) {
      const r = run('lm', 'train', textFile, '-o', out, flag!, value!);
      expect(r.code, flag).toBe(2);
      expect(stderrLines(r)).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^wordloom: .*${flag}.*${value}.*${choices}.*\\(see wordloom lm train --help\\)\n$`));
    }
    const empty = writeFixture(tempDir(), 'empty.txt', '');
    const bad = run('-q', 'lm', 'train', empty, '-o', out, ...TINY);
    expect(bad.code).toBe(1);
    expect(stderrLines(bad)).toEqual([`wordloom: ${empty}: empty file; expected text`]);
    const diverged = run('-q', 'lm', 'train', textFile, '-o', out, ...TINY, '--lr', '100', '--optimizer', 'sgd', '--clip', '0');
    expect(diverged.code).toBe(1);
    expect(stderrLines(diverged)).toHaveLength(1);
    expect(diverged.stderr).toMatch(/^wordloom: training diverged at epoch 1, step \d+: .*; lower --lr \(currently 100\) or set --clip\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('saves a checkpoint on Ctrl-C, and --resume finishes the run as if it had never stopped', async () => {
    const dir = tempDir();
    const flags = [...TINY, '--epochs', '12', '--patience', '0', '--lr-decay', '1'];
    const stopped = join(dir, 'stopped');
    const child = spawnCli(['lm', 'train', textFile, '-o', stopped, ...flags]);
    let stderr = '';
    let signalled = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!signalled && /^epoch 1\/12 {2}train loss/m.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(signalled).toBe(true);
    expect(code).toBe(1);
    expect(stderr).toContain('interrupted: stopping after this step and saving a checkpoint');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(`wordloom: training interrupted; checkpoint saved to ${stopped}.ckpt (continue with --resume)`);
    expect(stderr).not.toMatch(/^epoch 12\/12/m);
    expect(existsSync(`${stopped}.ckpt`)).toBe(true);
    expect(existsSync(stopped)).toBe(false);

    const resumed = run('lm', 'train', textFile, '-o', stopped, ...flags, '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming from ${stopped}\\.ckpt: epoch \\d+/12`));
    expect(resumed.stderr).toMatch(/^epoch 12\/12 /m);
    expect(existsSync(`${stopped}.ckpt`)).toBe(false);

    const straight = join(dir, 'straight');
    expect(run('-q', 'lm', 'train', textFile, '-o', straight, ...flags).code).toBe(0);
    expect(readFileSync(join(stopped, 'weights.bin')).equals(readFileSync(join(straight, 'weights.bin')))).toBe(true);
  }, 60_000);
});

describe('wordloom generate (built CLI)', () => {
  const generate = (...args: string[]): Run => run('-q', 'generate', model, '--backend', 'cpu', ...args);

  it('is reproducible with --seed, and --greedy does not depend on it', () => {
    const a = generate('--seed', '5', '--length', '60');
    const b = generate('--seed', '5', '--length', '60');
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    expect(a.stdout).toMatch(/^[a-e ]*\n$/);
    expect(b.stdout).toBe(a.stdout);
    const others = [6, 7].map((seed) => generate('--seed', String(seed), '--length', '60').stdout);
    expect(others.some((o) => o !== a.stdout)).toBe(true);
    const greedy = generate('--greedy', '--prime', 'ba', '--seed', '1');
    expect(greedy.code).toBe(0);
    expect(greedy.stdout.startsWith('ba')).toBe(true);
    expect(generate('--greedy', '--prime', 'ba', '--seed', '2').stdout).toBe(greedy.stdout);
    expect(generate('--temperature', '0', '--prime', 'ba').stdout).toBe(greedy.stdout);
  });

  it('prints --count samples separated by a blank line, or one JSON array', () => {
    const json = run('--json', 'generate', model, '--backend', 'cpu', '--count', '4', '--seed', '3', '--prime', 'c');
    expect(json.code).toBe(0);
    const samples = JSON.parse(json.stdout) as string[];
    expect(samples).toHaveLength(4);
    for (const s of samples) expect(s).toMatch(/^c[a-e ]*$/);
    const text = generate('--count', '4', '--seed', '3', '--prime', 'c');
    expect(text.stdout).toBe(`${samples.join('\n\n')}\n`);
    // the first sample of a batch is what a single sample gives
    expect(generate('--seed', '3', '--prime', 'c').stdout).toBe(`${samples[0]}\n`);
    const one = JSON.parse(run('--json', 'generate', model, '--backend', 'cpu', '--seed', '3', '--prime', 'c').stdout);
    expect(one).toEqual([samples[0]]);
  });

  it('streams tokens to stdout as they are produced', async () => {
    const child = spawnCli(['-q', 'generate', model, '--backend', 'cpu', '--no-stop-at-eos', '--length', '2000']);
    let chunks = 0;
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      chunks++;
      text += chunk;
    });
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    // 2000 one-character tokens, and a final line break when the last token is not one
    expect(text.length === 2001 || (text.length === 2000 && text.endsWith('\n'))).toBe(true);
    expect(text).toContain('\n'); // line ends are line breaks with --no-stop-at-eos
    expect(chunks).toBeGreaterThan(1);

    // a reader that stops early (`| head -c 5`) ends generation quietly
    const early = spawnCli(['-q', 'generate', model, '--backend', 'cpu', '--no-stop-at-eos', '--length', '100000']);
    let earlyErr = '';
    early.stderr.setEncoding('utf8').on('data', (chunk: string) => (earlyErr += chunk));
    early.stdout.once('data', () => early.stdout.destroy());
    expect(await new Promise((resolve) => early.on('close', resolve))).toBe(0);
    expect(earlyErr).toBe('');
  }, 30_000);

  it('fails with one line and exit 1 for an unknown priming character, 2 for a bad value', () => {
    const r = generate('--prime', 'abZ');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(stderrLines(r)).toEqual([
      `wordloom: priming character "Z" (character 3 of 3) is not in the model's vocabulary; leave it out, or pass --on-unknown unk to read it as <UNK>`,
    ]);
    expect(generate('--prime', 'abZ', '--on-unknown', 'unk').code).toBe(0);
    const usage: [string[], string][] = [
      [['--top-p', '2'], 'wordloom: option --top-p must be a number between 0 and 1, got 2 (1 = off) (see wordloom generate --help)'],
      [['--length', '-3'], 'wordloom: option --length must be an integer between 0 and 1000000, got -3 (see wordloom generate --help)'],
      [['--count', 'two'], 'wordloom: --count expects an integer, got "two" (see wordloom generate --help)'],
      [['--greedy', '--temperature', '0.5'], "wordloom: option '--greedy' cannot be used with option '--temperature <x>' (see wordloom generate --help)"],
    ];
    for (const [flags, message] of usage) {
      const bad = generate(...flags);
      expect(bad.code, flags.join(' ')).toBe(2);
      expect(stderrLines(bad)).toEqual([message]);
    }
    const notModel = run('-q', 'generate', shared);
    expect(notModel.code).toBe(1);
    expect(stderrLines(notModel)).toEqual([`wordloom: ${shared} is not a wordloom language model folder (it has no lm.json)`]);
  });
});

describe('wordloom lm eval (built CLI)', () => {
  it("gives the library's loss, perplexity and bits per character", async () => {
    const other = writeFixture(tempDir(), 'other.txt', tinyText(99, 40));
    const r = run('--json', 'lm', 'eval', model, other, '--backend', 'cpu');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    await selectBackend({ backend: 'cpu', log: () => undefined });
    const expected = await evaluateLanguageModel(model, [other]);
    expect(json).toMatchObject({ model, text: [other], level: 'char', tokens: expected.tokens });
    expect(json.loss).toBeCloseTo(expected.loss, 6);
    expect(json.perplexity).toBeCloseTo(expected.perplexity, 5);
    expect(json.bitsPerChar).toBeCloseTo(expected.bitsPerChar!, 6);
    const layout = JSON.parse(run('--json', 'lm', 'eval', model, other, '--backend', 'cpu', '--batch', '2', '--seq-len', '5').stdout);
    const expectedLayout = await evaluateLanguageModel(model, [other], { batch: 2, seqLen: 5 });
    expect(layout.loss).toBeCloseTo(expectedLayout.loss, 6);

    const human = run('-q', 'lm', 'eval', model, other, '--backend', 'cpu');
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      `${model} on ${other}: ${expected.tokens} predicted tokens\n` +
        `loss        ${expected.loss.toFixed(4)} nats/token\n` +
        `perplexity  ${expected.perplexity.toFixed(4)}\n` +
        `bits/char   ${expected.bitsPerChar!.toFixed(4)}\n`,
    );
    const missing = run('-q', 'lm', 'eval', model, join(tempDir(), 'nope.txt'));
    expect(missing.code).toBe(1);
    expect(stderrLines(missing)).toHaveLength(1);
  });
});
