/**
 * The one progress bar of every long command (training, counting, indexing): a cli-progress bar
 * on stderr that fits the terminal width, with the share done, rate and ETA; log lines are
 * printed above it, never into it. When stderr is not a terminal (piped, redirected, TERM=dumb)
 * nothing is drawn: a plain line every `plainEveryMs` (10 s) says how far the work is, so a
 * short run prints none and a long one does not look frozen.
 *
 * Commands get one through `Output.progressBar()`, which also routes `out.log` and `out.warn`
 * through it while it is active.
 */
import cliProgress from 'cli-progress';
import { formatDuration } from './duration.js';

/** What the bar writes to: process.stderr, or a fake terminal in tests. */
export interface ProgressStream {
  write(text: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** What is counted, for the rate: `words` -> `1.2M words/s`, `B` -> `1.2MB/s`. */
  unit: string;
  /** Draw nothing and print no progress lines (--quiet). Log lines still go through `log()`. */
  quiet?: boolean;
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Not on a terminal: one plain progress line at most this often (default 10 s; the first after as long). */
  plainEveryMs?: number;
  /** On a terminal: the first frame after this long (default 400 ms), so quick commands show no bar at all. */
  firstFrameAfterMs?: number;
}

/** The figures of one update besides the count. */
export interface ProgressFields {
  /** What is being done (`epoch 2/5`, `reading`, `indexing`); dropped only when even the bar does not fit. */
  label?: string;
  /** Further figures in order of importance (`loss 2.3411`, `lr 0.0213`); the last ones go first on a narrow line. */
  details?: string[];
  /** The caller's own estimate of the seconds left, when it knows better (over all epochs, a resumed run). */
  etaSeconds?: number;
  /** The caller's own rate in units per second; by default the count's growth since the first update. */
  perSecond?: number;
}

/** The pieces of a progress line; `progressLine` fits them to a width. */
export interface ProgressParts {
  label?: string;
  /** 0..1 */
  fraction: number;
  rate?: string;
  details?: string[];
  eta?: string;
}

const BAR_MIN = 10;
const BAR_MAX = 30;

/**
 * The line for `width` columns: `label [=====-----] 43%  1.2M words/s  loss 2.3  ETA 0:19`, the
 * least important pieces left out until it fits (details from the last, the rate, the bar, the
 * label, the ETA). With `width` Infinity: the plain line when piped, `43%  epoch 2/5  ...`, no bar.
 */
export function progressLine(parts: ProgressParts, width: number): string {
  // padded to 4 so that the bar keeps its width from 9% to 10% to 100%
  const percent = `${Math.floor(Math.min(1, Math.max(0, parts.fraction)) * 100)}%`.padStart(4);
  const details = parts.details ?? [];
  const drawBar = Number.isFinite(width);
  // candidates from the fullest to the barest
  const keep = { details: details.length, rate: parts.rate !== undefined, bar: drawBar, label: parts.label !== undefined, eta: parts.eta !== undefined };
  const build = (): string | null => {
    const pieces: string[] = [];
    // piped, the line starts with the share done: it is not mistaken for a log line (`epoch 1/5 ...`)
    if (!drawBar) pieces.push(percent.trim());
    if (keep.label) pieces.push(parts.label!);
    const barIndex = keep.bar ? pieces.push('') - 1 : -1;
    if (drawBar) pieces.push(percent);
    if (keep.rate) pieces.push(parts.rate!);
    pieces.push(...details.slice(0, keep.details));
    if (keep.eta) pieces.push(`ETA ${parts.eta!}`);
    const sep = '  ';
    const textLength = pieces.reduce((n, p) => n + p.length, 0) + sep.length * (pieces.length - 1);
    if (barIndex >= 0) {
      const room = width - textLength - 2; // the brackets
      if (room < BAR_MIN) return null;
      const size = Math.min(BAR_MAX, room);
      const done = Math.round(Math.min(1, Math.max(0, parts.fraction)) * size);
      pieces[barIndex] = `[${'='.repeat(done)}${'-'.repeat(size - done)}]`;
      return pieces.join(sep);
    }
    const line = pieces.join(sep);
    return line.length <= width ? line : null;
  };
  const steps: (() => boolean)[] = [
    ...details.map(() => () => (keep.details > 0 ? (keep.details--, true) : false)),
    () => (keep.rate ? ((keep.rate = false), true) : false),
    () => (keep.bar ? ((keep.bar = false), true) : false),
    () => (keep.label ? ((keep.label = false), true) : false),
    () => (keep.eta ? ((keep.eta = false), true) : false),
  ];
  let line = build();
  for (const step of steps) {
    if (line !== null) break;
    if (step()) line = build();
  }
  return (line ?? percent.trim()).slice(0, Math.max(0, width));
}

/** `1234567` -> `1.2M`. */
export function siNumber(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return a >= 10 || a === 0 ? x.toFixed(0) : x.toFixed(1);
}

/** Every bar still drawn, so that an error line is never run into one (see `clearProgressBars`). */
const active = new Set<ProgressBar>();

/** Erases and stops every bar still drawn; the program calls it before printing an error. */
export function clearProgressBars(): void {
  for (const bar of [...active]) bar.stop();
}

interface Snapshot {
  value: number;
  total: number;
  fields: ProgressFields;
}

export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private readonly plainEveryMs: number;
  private readonly firstFrameAfterMs: number;
  private readonly created = Date.now();
  private bar: cliProgress.SingleBar | null = null;
  private lastPlain = Date.now();
  private total: number;
  private startValue: number | null = null;
  private startTime = 0;
  private latest: Snapshot | null = null;
  private stopped = false;
  private unit: string;

  constructor(total: number, options: ProgressBarOptions) {
    this.total = total;
    this.unit = options.unit;
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY) && process.env.TERM !== 'dumb';
    this.quiet = options.quiet ?? false;
    this.plainEveryMs = options.plainEveryMs ?? 10_000;
    this.firstFrameAfterMs = options.firstFrameAfterMs ?? 400;
    active.add(this);
  }

  /** A new phase of the same command (counting, then training): a new unit, and the rate measured afresh. */
  restart(unit: string): void {
    this.unit = unit;
    this.startValue = null;
  }

  /** Until stopped: log lines go above it. */
  get active(): boolean {
    return !this.stopped;
  }

  /** The count reached (of the total, which may be given anew), and what else the line says. */
  update(value: number, fields: ProgressFields = {}, total?: number): void {
    if (this.stopped || this.quiet) return;
    if (total !== undefined) this.total = total;
    const now = Date.now();
    if (this.startValue === null) {
      this.startValue = value;
      this.startTime = now;
    }
    this.latest = { value, total: this.total, fields };
    if (!this.tty) {
      if (now - this.lastPlain >= this.plainEveryMs) {
        this.lastPlain = now;
        this.stream.write(`${progressLine(this.parts(), Number.POSITIVE_INFINITY)}\n`);
      }
      return;
    }
    if (this.bar === null) {
      if (now - this.created < this.firstFrameAfterMs) return;
      this.bar = this.createBar();
      this.bar.start(this.total, value, { fields });
      return;
    }
    this.bar.setTotal(this.total);
    this.bar.update(value, { fields });
  }

  /**
   * A line printed above the bar (the bar is erased, the line written, the bar drawn again);
   * without a bar, simply written.
   */
  log(message: string): void {
    if (this.bar !== null) {
      this.stream.write('\r\x1b[K');
      this.stream.write(`${message}\n`);
      // the next frame is drawn whole, not compared with the erased one
      (this.bar as unknown as { lastDrawnString: string }).lastDrawnString = '';
      this.bar.render();
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Erases the bar and stops drawing; the command's summary (or its error) follows on a clean line. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    active.delete(this);
    if (this.bar !== null) {
      this.bar.stop();
      this.bar = null;
    }
  }

  /** The pieces of the current line; the rate and ETA measured here unless the caller gave its own. */
  private parts(): ProgressParts {
    const s = this.latest!;
    const f = s.fields;
    const fraction = s.total > 0 ? s.value / s.total : 0;
    const seconds = (Date.now() - this.startTime) / 1000;
    const measured = seconds > 0.2 ? (s.value - this.startValue!) / seconds : Number.NaN;
    const perSecond = f.perSecond ?? measured;
    const eta = f.etaSeconds ?? (perSecond > 0 ? (s.total - s.value) / perSecond : Number.NaN);
    return {
      ...(f.label !== undefined ? { label: f.label } : {}),
      fraction,
      ...(Number.isFinite(perSecond) ? { rate: `${siNumber(perSecond)}${this.unit.length > 1 ? ' ' : ''}${this.unit}/s` } : {}),
      details: f.details ?? [],
      ...(Number.isFinite(eta) ? { eta: formatDuration(eta) } : {}),
    };
  }

  private createBar(): cliProgress.SingleBar {
    const stream = this.stream;
    const format = (_options: unknown, params: { maxWidth: number }): string =>
      // one column short of the width: a line that reaches the last column wraps on some terminals
      progressLine(this.parts(), Math.max(1, params.maxWidth - 1));
    return new cliProgress.SingleBar({
      stream: stream as NodeJS.WritableStream,
      format: format as unknown as cliProgress.GenericFormatter,
      fps: 5,
      clearOnComplete: true,
      hideCursor: false,
      linewrap: true, // the line is fitted to the width; cli-progress only trims, never turns wrapping off
      gracefulExit: false,
      // a terminal without save/restore of the cursor: log lines move the bar down, and restoring
      // the position saved at the start would draw over them
      terminal: new BarTerminal(stream),
    } as cliProgress.Options);
  }
}

/** cli-progress's terminal operations, without the cursor save/restore (see createBar). */
class BarTerminal {
  constructor(private readonly stream: ProgressStream) {}
  cursorSave(): void {}
  cursorRestore(): void {}
  cursor(): void {}
  lineWrapping(): void {}
  cursorTo(): void {
    this.stream.write('\r');
  }
  cursorRelative(): void {}
  cursorRelativeReset(): void {}
  clearRight(): void {
    this.stream.write('\x1b[K');
  }
  clearLine(): void {
    this.stream.write('\r\x1b[K');
  }
  clearBottom(): void {}
  newline(): void {
    this.stream.write('\n');
  }
  write(text: string): void {
    this.stream.write(text.slice(0, this.getWidth()));
  }
  isTTY(): boolean {
    return true;
  }
  getWidth(): number {
    return this.stream.columns || 80;
  }
}
