/**
 * Everything the CLI prints goes through here: results on stdout (a human table or JSON),
 * progress and logs on stderr, silenced by --quiet; warnings on stderr always. Log lines and
 * warnings are printed above the progress bar while one is drawn, never into it.
 */
import { printable } from '../util/printable.js';
import { ProgressBar } from './progress-bar.js';

export { formatDuration } from './duration.js';

export interface GlobalOptions {
  quiet: boolean;
  json: boolean;
}

export class Output {
  /** The bar log lines are printed above, while it is drawn. */
  private bar: ProgressBar | null = null;

  constructor(readonly options: GlobalOptions) {}

  /** A result: JSON on stdout with --json, else the human rendering. */
  result(value: unknown, human: () => string): void {
    if (this.options.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else process.stdout.write(`${human()}\n`);
  }

  /** A log line for people; stderr, so stdout stays clean for --json. */
  log(message: string): void {
    if (!this.options.quiet) this.line(message);
  }

  /**
   * A problem that was tolerated (damaged input, a header that lies): `wordloom: warning: ...`
   * on stderr, the same in every command, and shown even with --quiet since it is about the data.
   */
  warn(message: string): void {
    this.line(`wordloom: warning: ${printable(message)}`);
  }

  /** A line on stderr, above the progress bar when one is drawn. */
  private line(text: string): void {
    if (this.bar !== null && this.bar.active) this.bar.log(text);
    else process.stderr.write(`${text}\n`);
  }

  /**
   * The progress bar of a long command (see progress-bar.ts): counts `unit`s up to `total`; while
   * it is drawn, log lines and warnings from this Output are printed above it.
   */
  progressBar(total: number, unit: string): ProgressBar {
    const bar = new ProgressBar(total, { unit, quiet: this.options.quiet });
    this.bar = bar;
    return bar;
  }

  /**
   * Runs `work` with a progress bar that is erased when the work ends or fails, so the summary
   * or the error message starts on a clean line.
   */
  async withProgressBar<T>(total: number, unit: string, work: (bar: ProgressBar) => Promise<T> | T): Promise<T> {
    const bar = this.progressBar(total, unit);
    try {
      return await work(bar);
    } finally {
      bar.stop();
      if (this.bar === bar) this.bar = null;
    }
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
