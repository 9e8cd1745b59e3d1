import { describe, expect, it } from 'vitest';
import { clearProgressBars, progressLine, ProgressBar, siNumber, type ProgressStream } from '../../src/cli/progress-bar.js';
import { replay } from './terminal-screen.js';

/** A fake stderr: a terminal of `columns` columns, or a pipe. */
function fakeStream(tty: boolean, columns = 80): ProgressStream & { text: string } {
  return {
    text: '',
    isTTY: tty,
    columns,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

const full = {
  label: 'epoch 2/5',
  fraction: 0.4321,
  rate: '512.3k words/s',
  details: ['loss 2.3412', 'lr 0.0213'],
  eta: '0:19',
};

describe('progressLine', () => {
  it('shows everything on a wide terminal', () => {
    const line = progressLine(full, 120);
    expect(line).toMatch(/^epoch 2\/5  \[=+-+\]   43%  512\.3k words\/s  loss 2\.3412  lr 0\.0213  ETA 0:19$/);
    expect(line.length).toBeLessThanOrEqual(120);
  });

  it('fits every width, dropping the least important pieces first', () => {
    for (let width = 1; width <= 140; width++) {
      const line = progressLine(full, width);
      expect(line.length, `width ${width}: ${line}`).toBeLessThanOrEqual(width);
    }
    const at40 = progressLine(full, 39);
    expect(at40).toMatch(/^epoch 2\/5  \[=+-+\]   43%  ETA 0:19$/);
    expect(progressLine(full, 60)).toContain('512.3k words/s');
    expect(progressLine(full, 60)).not.toContain('lr ');
    expect(progressLine(full, 14)).toBe(' 43%  ETA 0:19');
    expect(progressLine(full, 3)).toBe('43%');
  });

  it('keeps the bar the same width from 9% to 100%', () => {
    const widths = [0.09, 0.1, 0.5, 1].map((fraction) => /\[[=-]+\]/.exec(progressLine({ ...full, fraction }, 39))![0].length);
    expect(new Set(widths).size).toBe(1);
  });

  it('has no bar and no width limit when piped', () => {
    expect(progressLine(full, Number.POSITIVE_INFINITY)).toBe('43%  epoch 2/5  512.3k words/s  loss 2.3412  lr 0.0213  ETA 0:19');
  });

  it('writes rates with SI prefixes', () => {
    expect([0, 3.25, 42, 1234, 5_600_000, 7.1e9].map(siNumber)).toEqual(['0', '3.3', '42', '1.2k', '5.6M', '7.1G']);
  });
});

describe('ProgressBar', () => {
  it('draws on a 40-column terminal within the width, with log lines above the bar, and erases itself', async () => {
    const stream = fakeStream(true, 40);
    const bar = new ProgressBar(1000, { unit: 'words', stream, firstFrameAfterMs: 0 });
    for (let i = 0; i <= 1000; i += 100) {
      bar.update(i, { label: 'epoch 1/1', details: ['loss 1.2345'] });
      if (i === 500) bar.log('halfway there: a log line longer than the bar would be if it ran on');
      await new Promise((r) => setTimeout(r, 5));
    }
    bar.stop();
    const screen = replay(stream.text, 40);
    // the log line itself is longer than 40 columns and wraps once; the bar never does
    expect(screen.wraps).toBe(1);
    expect(screen.lines[0]).toBe('halfway there: a log line longer than th');
    expect(screen.lines[1]).toBe('e bar would be if it ran on');
    expect(screen.lines.slice(2).join('')).toBe(''); // the bar is erased at the end
    // every frame fits: split the raw output at carriage returns
    const frames = stream.text.split(/\r|\n/).map((f) => f.replace(/\x1b\[[\d;]*[A-Za-z]/g, '')).filter((f) => f.includes('%'));
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(39);
    expect(frames.some((f) => /^epoch 1\/1  \[=+-*\]\s+\d+%/.test(f))).toBe(true);
  });

  it('prints plain lines, no bar and no escapes, when not on a terminal', async () => {
    const stream = fakeStream(false);
    const bar = new ProgressBar(100, { unit: 'words', stream, plainEveryMs: 10 });
    bar.update(0, { label: 'epoch 1/1' });
    await new Promise((r) => setTimeout(r, 250)); // the rate is measured over 0.2 s at least
    bar.update(50, { label: 'epoch 1/1' });
    bar.log('a log line');
    bar.stop();
    expect(stream.text).not.toMatch(/[\r\x1b]/);
    expect(stream.text).toMatch(/^50%  epoch 1\/1  .*words\/s.*ETA \d+:\d\d\na log line\n$/);
  });

  it('is silent piped for a short run, and silent with quiet', () => {
    const piped = fakeStream(false);
    const short = new ProgressBar(100, { unit: 'words', stream: piped });
    short.update(10);
    short.update(100);
    short.stop();
    expect(piped.text).toBe('');
    const tty = fakeStream(true);
    const quiet = new ProgressBar(100, { unit: 'words', stream: tty, quiet: true, firstFrameAfterMs: 0 });
    quiet.update(10);
    quiet.update(50);
    clearProgressBars();
    expect(tty.text).toBe('');
    expect(quiet.active).toBe(false);
  });
});
