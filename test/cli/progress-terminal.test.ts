/**
 * The progress bar as a user sees it: the built CLI run in a pseudo-terminal 40 columns wide
 * (util-linux `script`), its output replayed on a 40-column screen; and the same run piped.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, runCli, useBuiltCli } from '../helpers/built-cli.js';
import { seededRandom, useTempDir, writeFixture } from '../text/fixtures.js';
import { replay } from './terminal-screen.js';

useBuiltCli();
const tempDir = useTempDir();
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** About 200k tokens over 500 words: a second or two of training, long enough for a bar. */
function corpus(dir: string): string {
  const random = seededRandom(7);
  const lines: string[] = [];
  for (let i = 0; i < 16_000; i++) {
    const words: string[] = [];
    for (let k = 0; k < 12; k++) words.push(`w${Math.floor(random() ** 2 * 500)}`);
    lines.push(words.join(' '));
  }
  return writeFixture(dir, 'c.txt', `${lines.join('\n')}\n`);
}

const TRAIN = ['train', 'word2vec', 'c.txt', '-o', 'x.vec', '--epochs', '2', '--dim', '16', '--threads', '1', '--min-count', '1'];
const shellQuote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

describe.skipIf(!hasScript)('progress bar in a 40-column terminal (built CLI under script)', () => {
  it('never wraps, keeps log lines off the bar, and leaves a clean summary', () => {
    const dir = tempDir();
    corpus(dir);
    const command = `stty cols 40 rows 24; exec ${shellQuote(process.execPath)} ${shellQuote(CLI_PATH)} ${TRAIN.map(shellQuote).join(' ')}`;
    const r = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: dir, encoding: 'utf8', input: '', env: { ...process.env, TERM: 'xterm' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const raw = r.stdout.replaceAll('\r\n', '\n');
    // bar frames were drawn, each within 39 columns
    const frames = raw.split(/[\r\n]/).map((f) => f.replace(/\x1b\[[\d;?]*[A-Za-z]/g, '')).filter((f) => /\[[=-]+\]/.test(f));
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) {
      expect(f.length, f).toBeLessThanOrEqual(39);
      expect(f, 'a frame is only the bar').toMatch(/^epoch [12]\/2  \[[=-]+\]\s+\d+%(  ETA \d+:\d\d)?$/);
    }
    const screen = replay(raw, 40);
    // only the summary's long lines wrap, never a bar
    for (const line of screen.wrapped) expect(line).not.toMatch(/\[[=-]+\]/);
    const text = screen.lines.join('\n');
    expect(text).toContain('epoch 1/2 done; checkpoint x.vec.ckpt');
    expect(text).toMatch(/\nwrote \d+ vectors of dimension 16 /);
    expect(text).not.toMatch(/\[[=-]+\]/); // erased before the summary
  });
});

describe('progress when piped (built CLI)', () => {
  it('draws no bar and writes no escapes; the log lines are plain lines', () => {
    const dir = tempDir();
    corpus(dir);
    const r = runCli(TRAIN, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/[\r\x1b]/);
    expect(r.stderr).toContain('epoch 1/2 done; checkpoint x.vec.ckpt\n');
    expect(r.stdout).toMatch(/^wrote \d+ vectors/);
  });
});
