/**
 * Everything the CLI prints goes through here: results on stdout (a human table or JSON),
 * progress and logs on stderr, silenced by --quiet.
 */
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

  /** A progress line that redraws in place on a terminal and prints sparsely when piped. */
  progress(minIntervalMs = 500): ProgressLine {
    return new ProgressLine(this.options.quiet, minIntervalMs);
  }
}

export class ProgressLine {
  private lastDraw = 0;
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
