/**
 * Everything the CLI prints goes through here: results on stdout (a human table or JSON),
 * progress and logs on stderr, silenced by --quiet; warnings on stderr always.
 */
import { printable } from '../util/printable.js';

export interface GlobalOptions {
  quiet: boolean;
  json: boolean;
}

export class Output {
  constructor(readonly options: GlobalOptions) {}

  /** A result: JSON on stdout with --json, else the human rendering. */
  result(value: unknown, human: () => string): void {
    if (this.options.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else process.stdout.write(`${human()}\n`);
  }

  /** A log line for people; stderr, so stdout stays clean for --json. */
  log(message: string): void {
    if (!this.options.quiet) process.stderr.write(`${message}\n`);
  }

  /**
   * A problem that was tolerated (damaged input, a header that lies): `wordloom: warning: ...`
   * on stderr, the same in every command, and shown even with --quiet since it is about the data.
   */
  warn(message: string): void {
    process.stderr.write(`wordloom: warning: ${printable(message)}\n`);
  }

  /** A progress line that redraws in place on a terminal and prints sparsely when piped. */
  progress(minIntervalMs = 500): ProgressLine {
    return new ProgressLine(this.options.quiet, minIntervalMs);
  }

  /**
   * Runs `work` with a progress line: kept when it succeeds, erased when it fails, so an error
   * message is never preceded or run into by a half-drawn line.
   */
  async withProgress<T>(work: (line: ProgressLine) => Promise<T> | T, minIntervalMs = 500): Promise<T> {
    const line = this.progress(minIntervalMs);
    let result: T;
    try {
      result = await work(line);
    } catch (err) {
      line.clear();
      throw err;
    }
    line.done();
    return result;
  }
}

/**
 * The first frame is drawn only after `minIntervalMs` (5 s when piped): a command that ends or
 * fails quickly shows no progress at all.
 */
export class ProgressLine {
  private lastDraw = Date.now();
  private drawn = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly quiet: boolean,
    private readonly minIntervalMs: number,
  ) {}

  update(text: string, force = false): void {
    if (this.quiet) return;
    const now = Date.now();
    const interval = this.tty ? this.minIntervalMs : Math.max(this.minIntervalMs, 5000);
    if (!force && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${text}`);
      this.drawn = true;
    } else {
      process.stderr.write(`${text}\n`);
    }
  }

  done(text?: string): void {
    if (this.quiet) return;
    if (text !== undefined) this.update(text, true);
    if (this.tty && this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }

  /** Erases the line (on a terminal), e.g. before an error message. */
  clear(): void {
    if (this.quiet) return;
    if (this.tty && this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** A number for a table: fixed digits, or "-" when it is NaN (nothing to measure). */
export function fixed(x: number, digits: number): string {
  return Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/** Renders rows as an aligned plain-text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => {
        const numeric = i > 0 && /^-?[\d.,]+%?$/.test(c);
        return numeric ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Formats a duration in seconds as h:mm:ss or m:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
