/**
 * The metrics log every trainer's command writes as it trains: `NAME.metrics.jsonl` next to its
 * output (`models/x.vec` -> `models/x.metrics.jsonl`, the model folder `models/x` ->
 * `models/x.metrics.jsonl`), one JSON object per line. `wordloom report` draws its curves from it.
 *
 * Use from a trainer's CLI command (the library stays silent; its progress callbacks feed this):
 *
 *     const metrics = MetricsLog.open(metricsPathFor(output), { trainer: 'glove', settings, resume });
 *     ... onProgress: (p) => { showTrainingProgress(bar, p); metrics.progress({ epoch: p.epoch, epochs: p.epochs,
 *           fraction: p.fraction, loss: p.loss, learningRate: p.learningRate, wordsPerSecond: ... }) },
 *     ... onEpoch:    (r) => metrics.epoch({ epoch: r.epoch, epochs: r.epochs, trainLoss, valLoss, ... }),
 *     metrics.end({ seconds, finalLoss, ... });   // and metrics.close() in a finally
 *
 * Records (all carry `kind`, `time` (ISO 8601) and `elapsed` seconds since open):
 * - `start`:    `trainer`, `settings` (the options as given), `resumed`.
 * - `progress`: `epoch`, `epochs`, `fraction` (0..1 of the whole run) and, as the trainer has
 *               them, `step`, `loss`, `learningRate`, a throughput (`wordsPerSecond`,
 *               `tokensPerSecond`, `examplesPerSecond`, ...). Thinned to about 500 a run: a
 *               record is kept when `fraction` has moved by 1/500 since the last one kept (and
 *               always at the start, end and each new epoch), so the count does not depend on
 *               the machine's speed.
 * - `epoch`:    `epoch`, `epochs`, `trainLoss`, validation figures flat with a `val` prefix
 *               (`valLoss`, `valPerplexity`, `valAccuracy`, `valBleu`, ...), `learningRate`, `step`.
 * - `end`:      the final figures (what the command prints as its summary).
 * Numbers that are NaN or infinite are written as null (JSON has no NaN).
 *
 * A fresh run truncates the file; a resumed run (`resume: true`) appends to it, so the log of
 * an interrupted and continued run reads as one. Lines are written synchronously and at once
 * (not through a temporary name: a log is useful exactly when a run dies half way).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { WordloomError } from '../errors.js';

// Where the log goes is the report's rule too (it reads what this writes).
export { metricsPathFor } from '../report/metrics-file.js';

export type MetricsFields = Record<string, unknown>;

export interface MetricsLogOptions {
  /** The trainer's name as the CLI spells it: word2vec, glove, fasttext, lm, seq2seq, classify. */
  trainer: string;
  /** The options the run was started with (the `start` record's `settings`). */
  settings?: MetricsFields;
  /** Append to an existing log (a resumed run) instead of starting a new one. */
  resume?: boolean;
  /** Progress records kept per run at most (about); default 500. */
  progressRecords?: number;
}

export class MetricsLog {
  private readonly start = performance.now();
  private lastFraction = Number.NEGATIVE_INFINITY;
  private lastEpoch = -1;
  private readonly fractionStep: number;
  /** null until the first record: a run that fails before training starts leaves no log behind. */
  private fd: number | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly options: MetricsLogOptions,
  ) {
    this.fractionStep = 1 / (options.progressRecords ?? 500);
  }

  /**
   * A log at `path` (its `start` record is written with the first report; a fresh run then
   * truncates the file, a resumed one appends). Failing to create it is an EIO WordloomError.
   */
  static open(path: string, options: MetricsLogOptions): MetricsLog {
    return new MetricsLog(path, options);
  }

  /** A progress report; thinned by its `fraction` (see the file comment). */
  progress(fields: MetricsFields & { fraction: number; epoch?: number }): void {
    const epochChanged = fields.epoch !== undefined && fields.epoch !== this.lastEpoch;
    if (!epochChanged && fields.fraction < 1 && fields.fraction - this.lastFraction < this.fractionStep) return;
    this.lastFraction = fields.fraction;
    if (fields.epoch !== undefined) this.lastEpoch = fields.epoch;
    this.write('progress', fields);
  }

  /** An end-of-epoch report (always written). */
  epoch(fields: MetricsFields & { epoch: number }): void {
    this.write('epoch', fields);
  }

  /** The run's final figures (always written). */
  end(fields: MetricsFields): void {
    this.write('end', fields);
  }

  /** Closes the file; later calls write nothing. Safe to call twice. */
  close(): void {
    this.closed = true;
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  private write(kind: string, fields: MetricsFields): void {
    if (this.closed) return;
    if (this.fd === null) this.openFile();
    const record = { kind, time: new Date().toISOString(), elapsed: round((performance.now() - this.start) / 1000, 3), ...fields };
    writeSync(this.fd!, `${JSON.stringify(record, finiteOrNull)}\n`);
  }

  private openFile(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, this.options.resume ? 'a' : 'w');
    } catch (err) {
      this.closed = true;
      throw new WordloomError('EIO', `cannot write the metrics log ${this.path}: ${(err as Error).message}`);
    }
    const { trainer, settings, resume } = this.options;
    this.write('start', { trainer, settings: plainSettings(settings ?? {}), resumed: Boolean(resume) });
  }
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** JSON replacer: NaN and infinities become null (JSON.stringify would too, but say so). */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** An options object without its callbacks, signal and unset fields: what a settings record shows. */
export function plainSettings(fields: object): MetricsFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && typeof v !== 'function' && !(v instanceof AbortSignal)));
}
