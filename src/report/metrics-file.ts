/**
 * Reads a trainer's `NAME.metrics.jsonl` (written by src/cli/metrics-log.ts, which documents the
 * records) and turns it into training-curve charts. The charts are chosen from the fields
 * present, so any trainer that follows the record conventions (a `loss`-named field is a loss,
 * `...PerSecond` a throughput, `val...` a validation figure) gets sensible curves unchanged.
 */
import { promises as fsp } from 'node:fs';
import { WordloomError } from '../errors.js';
import type { LineChart, Series } from './line-chart.js';

/** `models/x.vec` -> `models/x.metrics.jsonl`; a model folder `models/x/` -> `models/x.metrics.jsonl`. */
export function metricsPathFor(output: string): string {
  const stem = output.replace(/(?<=.)[\\/]+$/, '').replace(/\.(vec|bin|txt|w2v|glove|ftz)(\.gz)?$/i, '');
  return `${stem}.metrics.jsonl`;
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
