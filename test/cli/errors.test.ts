/**
 * The README's promise: bad input or usage gives exactly one line, `wordloom: <what is wrong,
 * where>`, free of control characters, exit code 1 (2 for usage, bad option values included),
 * and no output file. Most cases run the program in-process (the code the binary runs, without a
 * Node start each); what depends on real pipes runs the built CLI.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.js';
import { saveVectors } from '../../src/vectors/formats/index.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { cliRunner, useBuiltCli, type CliRun as Run } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';

useBuiltCli();
const tmp = useTempFolder('wordloom-cli-errors-');
const run = cliRunner({ cwd: tmp.dir });

/** The program run in this process, its output captured. */
async function runHere(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'wordloom', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Exactly one printable stderr line starting `wordloom: `, nothing on stdout; returns the line. */
function oneLine(r: Run, code: number, label: string): string {
  expect(r.code, `${label}: ${r.stderr}`).toBe(code);
  expect(r.stdout, label).toBe('');
  expect(r.stderr, label).toMatch(/^wordloom: [^\n]*\n$/);
  expect(r.stderr.slice(0, -1), label).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(r.stderr, label).not.toContain('internal error');
  return r.stderr.slice(0, -1);
}

beforeAll(async () => {
  await saveVectors(tmp.path('v.txt'), new VectorSet(['king', 'queen', 'man', 'woman'], Float32Array.from([1, 1, 0, -1, 1, 0, 1, 0, 0.1, -1, 0, 0.1]), 3));
  writeFileSync(tmp.path('pairs.txt'), 'king\tqueen\t8\nman\twoman\t7\nking\tman\t2\n');
  writeFileSync(tmp.path('questions.txt'), ': family\nman woman king queen\n');
  mkdirSync(tmp.path('dir'));
}, 120_000);

describe('bad input: one line, exit 1', () => {
  it('2: a directory where a file is expected, in every command that reads one', async () => {
    const dir = tmp.path('dir');
    const cases: [string[], string][] = [
      [['similar', dir, 'king'], 'a vectors file'],
      [['convert', dir, tmp.path('out.bin')], 'a vectors file'],
      [['index', 'build', dir, '-o', tmp.path('out.hnsw')], 'a vectors file'],
      [['eval', 'analogy', dir, tmp.path('questions.txt')], 'a vectors file'],
      [['eval', 'analogy', tmp.path('v.txt'), dir], 'a analogy questions file'],
      [['eval', 'similarity', dir, tmp.path('pairs.txt')], 'a vectors file'],
      [['eval', 'similarity', tmp.path('v.txt'), dir], 'a word pairs file'],
    ];
    for (const [args, what] of cases) expect(oneLine(await runHere(...args), 1, args.join(' '))).toBe(`wordloom: ${dir}: is a directory, expected ${what}`);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('out') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('1: a header that announces an enormous dimension', async () => {
    writeFileSync(tmp.path('huge.txt'), '0 1000000000\n');
    expect(oneLine(await runHere('similar', tmp.path('huge.txt'), 'king'), 1, 'huge')).toBe(`wordloom: ${tmp.path('huge.txt')}: the header announces 0 words; no vectors to load`);
  });

  it('3: numbers beyond float32: convert writes nothing, eval and similar stop at the line', async () => {
    writeFileSync(tmp.path('inf.txt'), '3 2\nking 1e40 2\nqueen 1 2\nman 3 4\n');
    const message = `wordloom: ${tmp.path('inf.txt')} line 2: value 1 is "1e40", beyond the range of float32 (about ±3.4e38)`;
    expect(oneLine(run('convert', tmp.path('inf.txt'), tmp.path('inf.bin')), 1, 'convert')).toBe(message);
    expect(existsSync(tmp.path('inf.bin'))).toBe(false);
    expect(oneLine(await runHere('similar', tmp.path('inf.txt'), 'queen'), 1, 'similar')).toBe(message);
    expect(oneLine(await runHere('eval', 'similarity', tmp.path('inf.txt'), tmp.path('pairs.txt')), 1, 'eval')).toBe(message);
  });

  it('5: a word-pairs file that cannot be read as pairs fails; CR line ends and spaces are read', async () => {
    writeFileSync(tmp.path('semicolons.txt'), 'king;queen;8\nman;woman;7\n');
    expect(oneLine(await runHere('eval', 'similarity', tmp.path('v.txt'), tmp.path('semicolons.txt')), 1, 'semicolons')).toBe(
      `wordloom: ${tmp.path('semicolons.txt')}: no word pairs found; expected lines "word<TAB>word<TAB>score" (2 lines were not pairs, the first (line 1) is "king;queen;8")`,
    );
    writeFileSync(tmp.path('cr.txt'), 'king queen 8\rman woman 7\rking man 2\r');
    const r = await runHere('--json', 'eval', 'similarity', tmp.path('v.txt'), tmp.path('cr.txt'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ pairs: 3, oov: 0, skippedLines: [] });
  });

  it('6: control characters and binary garbage from files and arguments are escaped, excerpts shortened', () => {
    writeFileSync(tmp.path('garbage.txt'), Buffer.concat([Buffer.from('2 2\nking 1 \u001b[2J\r'), Buffer.alloc(500, 0xff), Buffer.from('\n')]));
    const line = oneLine(run('similar', '--format', 'text', tmp.path('garbage.txt'), 'king'), 1, 'garbage');
    expect(line).toBe(`wordloom: ${tmp.path('garbage.txt')} line 2: value 2 is "\\x1b[2J\\r${'\ufffd'.repeat(35)}...", expected a finite number`);
    const word = oneLine(run('similar', tmp.path('v.txt'), 'ki\u001b[31mng\r'), 1, 'word');
    expect(word).toBe(`wordloom: word "ki\\x1b[31mng\\r" is not in the vocabulary of ${tmp.path('v.txt')}`);
  });

  it('8: a byte order mark before the header is not part of it', async () => {
    writeFileSync(tmp.path('bom.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('2 2\nking 1 0\nqueen 1 0.1\n')]));
    const r = await runHere('--json', 'similar', tmp.path('bom.txt'), 'king');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).neighbors[0].word).toBe('queen');
  });
});

describe('7: usage errors: one line, exit 2', () => {
  it('unknown commands and options, missing arguments, bad values, missing subcommands', async () => {
    const v = tmp.path('v.txt');
    const cases: [string[], string][] = [
      [[], 'wordloom: missing command: one of train, '],
      [['eval'], 'wordloom: eval needs a command: one of analogy, similarity (see wordloom eval --help)'],
      [['simlar', v], "wordloom: unknown command 'simlar' (Did you mean similar?) (see wordloom --help)"],
      [['similar', v, 'king', '--bogus'], "wordloom: unknown option '--bogus' (see wordloom similar --help)"],
      [['similar'], "wordloom: missing required argument 'vectors' (see wordloom similar --help)"],
      [['similar', v, 'king', '--topn', 'ten'], 'wordloom: --topn expects a positive integer, got "ten" (see wordloom similar --help)'],
      [['similar', v, 'king', '-n'], "wordloom: option '-n, --topn <n>' argument missing (see wordloom similar --help)"],
      [['index', 'build', v], "wordloom: required option '-o, --output <path>' not specified (see wordloom index build --help)"],
      [['vocab', v, '--tokenizer', 'spaces'], "wordloom: option '--tokenizer <name>' argument 'spaces' is invalid. Allowed choices are whitespace, english, characters. (see wordloom vocab --help)"],
      [['convert', v, 'x.txt', '--to', 'nope'], 'wordloom: --to expects text, binary or one of word2vec-text, word2vec-binary, glove, fasttext-vec, got "nope" (see wordloom convert --help)'],
      // the same kind of mistake caught by the library instead of the flag parser: also exit 2
      [['train', 'word2vec', v, '-o', tmp.path('w.vec'), '--window', '0'], 'wordloom: option --window must be an integer between 1 and 1000, got 0'],
      [['eval', 'analogy', v, tmp.path('questions.txt'), '--restrict', '\u001b[0'], 'wordloom: --restrict expects a positive integer, got "\\x1b[0" (see wordloom eval analogy --help)'],
    ];
    for (const [args, expected] of cases) {
      const line = oneLine(await runHere(...args), 2, args.join(' ') || '(no arguments)');
      if (expected.endsWith(', ')) expect(line.startsWith(expected), line).toBe(true);
      else expect(line).toBe(expected);
    }
    expect(existsSync(tmp.path('w.vec'))).toBe(false);
    // and through the built CLI
    expect(oneLine(run('similar', v, 'king', '--bogus'), 2, 'built')).toBe("wordloom: unknown option '--bogus' (see wordloom similar --help)");
  });

  it('help and version still print normally, exit 0', async () => {
    const help = await runHere('eval', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: wordloom eval');
    expect((await runHere('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('the smaller findings', () => {
  it('vocab: an error after the first megabyte is not preceded by a progress line', () => {
    const text = Buffer.alloc(1_500_000, 'word ');
    text[1_400_000] = 0;
    writeFileSync(tmp.path('late-nul.txt'), text);
    expect(oneLine(run('vocab', tmp.path('late-nul.txt')), 1, 'late nul')).toBe(
      `wordloom: ${tmp.path('late-nul.txt')}: binary data (NUL byte at offset 1400000); expected UTF-8 text`,
    );
  });

  it('warnings read the same in every command and survive --quiet', () => {
    writeFileSync(tmp.path('dup.txt'), '3 2\nking 1 0\nqueen 1 1\nking 0 1\n');
    writeFileSync(tmp.path('bad-utf8.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x78, 0x0a]));
    const similar = run('-q', 'similar', tmp.path('dup.txt'), 'king');
    expect(similar.code).toBe(0);
    expect(similar.stderr).toBe(`wordloom: warning: ${tmp.path('dup.txt')}: 1 duplicate word skipped, keeping the first occurrence (first duplicate: "king" at line 4)\n`);
    const vocab = run('-q', 'vocab', tmp.path('bad-utf8.txt'));
    expect(vocab.stderr).toBe(`wordloom: warning: ${tmp.path('bad-utf8.txt')}: replaced 1 invalid UTF-8 byte with U+FFFD\n`);
  });

  it('index build on a one-word file reports no recall instead of NaN', () => {
    writeFileSync(tmp.path('one.txt'), '1 3\nonly 1 2 3\n');
    const human = run('-q', 'index', 'build', tmp.path('one.txt'), '-o', tmp.path('one.hnsw'));
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('recall@10: none to measure (1 word: no neighbours to find)');
    expect(human.stdout).not.toContain('NaN');
    const json = JSON.parse(run('--json', 'index', 'build', tmp.path('one.txt'), '-o', tmp.path('one.hnsw')).stdout);
    expect(json.recallAt10).toBeNull();
  });

  it('eval similarity prints "-" with a reason, not NaN, when there is nothing to correlate', () => {
    writeFileSync(tmp.path('one-pair.txt'), 'king\tqueen\t8\nking\tnowhere\t3\n');
    const r = run('eval', 'similarity', tmp.path('v.txt'), tmp.path('one-pair.txt'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('NaN');
    expect(r.stdout).toMatch(/one-pair\.txt\s+-\s+-\s+1\s+1\s+50\.00%/);
    expect(r.stdout).toContain('one-pair.txt: no correlation to measure with 1 pair of known words.');
  });
});
