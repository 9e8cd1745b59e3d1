/**
 * Reads a trainer's `NAME.metrics.jsonl` (written by src/cli/metrics-log.ts, which documents the
 * records) and turns it into training-curve charts. The charts are chosen from the fields
 * present, so any trainer that follows the record conventions (a `loss`-named field is a loss,
 * `...PerSecond` a throughput, `val...` a validation figure) gets sensible curves unchanged.
 */
import { promises as fsp } from 'node:fs';
import { WordloomError } from '../errors.js';
import type { LineChart, Series } from './line-chart.js';

/**
 * The log a run writes for `output`, named after its whole file name as every file written next
 * to an output is (src/cli/sidecar-paths.ts): `models/x.vec` -> `models/x.vec.metrics.jsonl`
 * (so `x.vec` and `x.bin` keep their own), a model folder `models/x/` -> `models/x.metrics.jsonl`.
 */
export function metricsPathFor(output: string): string {
  return `${output.replace(/(?<=.)[\\/]+$/, '')}.metrics.jsonl`;
}

/**
 * The metrics log of a trained file or folder, or null: its own, or for a fastText model NAME.bin
 * the log of the NAME.vec written in the same run (`train fasttext` names its files after the
 * .vec; a log of another trainer there is not this file's).
 */
export async function findMetricsLog(path: string): Promise<string | null> {
  const own = metricsPathFor(path);
  if (await isReadableFile(own)) return own;
  if (!/\.bin$/i.test(path)) return null;
  const pair = metricsPathFor(path.replace(/\.bin$/i, '.vec'));
  if (!(await isReadableFile(pair))) return null;
  const first = await readFirstLine(pair);
  try {
    return (JSON.parse(first) as { trainer?: unknown }).trainer === 'fasttext' ? pair : null;
  } catch {
    return null;
  }
}

async function isReadableFile(path: string): Promise<boolean> {
  return (await fsp.stat(path).catch(() => null))?.isFile() ?? false;
}

async function readFirstLine(path: string): Promise<string> {
  const handle = await fsp.open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    return nl < 0 ? text : text.slice(0, nl);
  } finally {
    await handle.close();
  }
}

export type MetricsRecord = Record<string, unknown> & { kind: string };

export interface TrainingMetrics {
  path: string;
  /** The first `start` record (a resumed run appends more; `resumes` counts them). */
  start: MetricsRecord | null;
  resumes: number;
  progress: MetricsRecord[];
  epochs: MetricsRecord[];
  /** The last `end` record, or null for a run that did not finish. */
  end: MetricsRecord | null;
  /** Lines that were not JSON records (a log cut off mid-line by a crash). */
  skippedLines: number;
}

export async function readMetrics(path: string): Promise<TrainingMetrics> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WordloomError(code === 'ENOENT' ? 'ENOENT' : 'EIO', `${path}: cannot read the metrics log (${(err as Error).message})`);
  }
  return parseMetrics(text, path);
}

export function parseMetrics(text: string, path: string): TrainingMetrics {
  const m: TrainingMetrics = { path, start: null, resumes: 0, progress: [], epochs: [], end: null, skippedLines: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      m.skippedLines++;
      continue;
    }
    if (record === null || typeof record !== 'object' || typeof (record as MetricsRecord).kind !== 'string') {
      m.skippedLines++;
      continue;
    }
    const r = record as MetricsRecord;
    if (r.kind === 'start') {
      if (m.start === null) m.start = r;
      else m.resumes++;
    } else if (r.kind === 'progress') m.progress.push(r);
    else if (r.kind === 'epoch') m.epochs.push(r);
    else if (r.kind === 'end') m.end = r;
  }
  return m;
}

/** Fields that place a record (x axes, counters, clocks), not figures to plot. */
const PLACE = new Set(['kind', 'time', 'elapsed', 'epoch', 'epochs', 'fraction', 'step', 'seconds', 'wordsDone', 'tokensDone', 'examplesDone', 'improved']);

function numericKeys(records: readonly MetricsRecord[]): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const [k, v] of Object.entries(r)) if (!PLACE.has(k) && (typeof v === 'number' || v === null)) keys.add(k);
  return [...keys];
}

const isLoss = (k: string): boolean => /loss/i.test(k);
const isRate = (k: string): boolean => /PerSecond/i.test(k);

/** Readable names: `valPerplexity` -> `val perplexity`. */
export const humanName = (key: string): string => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

const asY = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Charts of a run: losses, learning rate and throughput over training; epoch figures over epochs. */
export function metricsCharts(m: TrainingMetrics): LineChart[] {
  const charts: LineChart[] = [];
  if (m.progress.length > 0) {
    const bySteps = m.progress.every((r) => typeof r.step === 'number');
    const x = (r: MetricsRecord): number => (bySteps ? (r.step as number) : 100 * Number(r.fraction ?? 0));
    const xLabel = bySteps ? 'training step' : 'training done (%)';
    const series = (keys: string[]): Series[] => keys.map((k) => ({ name: humanName(k), points: m.progress.map((r) => [x(r), asY(r[k])] as const) }));
    const keys = numericKeys(m.progress);
    const losses = keys.filter(isLoss);
    if (losses.length > 0) charts.push({ title: 'training loss', xLabel, series: series(losses) });
    for (const k of keys.filter((k) => !isLoss(k))) charts.push({ title: humanName(k), xLabel, series: series([k]) });
  }
  if (m.epochs.length > 0) {
    const series = (keys: string[]): Series[] => keys.map((k) => ({ name: humanName(k), points: m.epochs.map((r) => [Number(r.epoch), asY(r[k])] as const) }));
    const keys = numericKeys(m.epochs).filter((k) => k !== 'learningRate' && k !== 'nextLearningRate' && !isRate(k));
    const losses = keys.filter(isLoss);
    if (losses.length > 0) charts.push({ title: 'loss per epoch', xLabel: 'epoch', series: series(losses) });
    for (const k of keys.filter((k) => !isLoss(k))) charts.push({ title: `${humanName(k)} per epoch`, xLabel: 'epoch', series: series([k]) });
  }
  return charts;
}
