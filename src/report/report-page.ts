/**
 * `wordloom report models/NAME`: one self-contained HTML page about a trained model: the
 * training curves (from NAME.metrics.jsonl), the settings, the final figures, and what the
 * model's kind adds (model-kinds.ts): for vectors a small map and neighbour lists, for language
 * models a few samples, for seq2seq attention heatmaps, for classifiers the confusion matrix.
 * Everything is inline (SVG, CSS, the map's script): the file can be mailed or archived alone.
 */
import { basename } from 'node:path';
import { WordloomError } from '../errors.js';
import './built-in-kinds.js';
import { keyValueTable } from './html.js';
import { renderLineChart } from './line-chart.js';
import { MAP_CSS, MAP_SCRIPT } from './map-html.js';
import { findMetricsLog, metricsCharts, metricsPathFor, readMetrics, type TrainingMetrics } from './metrics-file.js';
import { detectModelKind, isFile, type ModelKind, type ReportSection } from './model-kinds.js';
import { escapeXml } from './xml.js';

export interface ReportOptions {
  /** Seed of the samples and projections (default 1). */
  seed?: number;
  /** Texts for the models that take inputs (seq2seq: translated with their attention heatmaps; classifiers: predicted). */
  inputs?: readonly string[];
  /** A labelled file a classifier is evaluated on (default: its recorded validation file, when there). */
  evaluation?: string;
  onWarning?: (message: string) => void;
}

export interface Report {
  html: string;
  kind: string | null;
  metrics: string | null;
  sections: string[];
}

/** Extensions a model path may be given without (`models/x` for `models/x.vec`). */
const VECTOR_EXTENSIONS = ['.vec', '.bin', '.txt', '.vec.gz', '.txt.gz', '.bin.gz'];

/** The model at `target` (or `target` + a vectors extension) and its kind; null when there is none. */
async function resolveModel(target: string): Promise<{ path: string; kind: ModelKind } | null> {
  const direct = await detectModelKind(target);
  if (direct) return { path: target, kind: direct };
  for (const ext of VECTOR_EXTENSIONS) {
    const path = `${target}${ext}`;
    if (!(await isFile(path))) continue;
    const kind = await detectModelKind(path);
    if (kind) return { path, kind };
  }
  return null;
}

export async function buildReport(target: string, options: ReportOptions = {}): Promise<Report> {
  const seed = options.seed ?? 1;
  const model = await resolveModel(target);
  const found = await findMetricsLog(model?.path ?? target);
  const metricsPath = found ?? metricsPathFor(model?.path ?? target);
  const metrics: TrainingMetrics | null = found !== null ? await readMetrics(found) : null;
  if (model === null && metrics === null) {
    throw new WordloomError('ENOENT', `${target}: no model here (a vectors file, a model folder with lm.json, or ${metricsPath} written while training)`);
  }
  if (metrics && metrics.skippedLines > 0) options.onWarning?.(`${metricsPath}: ${metrics.skippedLines} line(s) are not JSON records and were skipped`);

  const described = model?.kind.describe ? await model.kind.describe(model.path) : {};
  const trainer = (metrics?.start?.trainer as string | undefined) ?? model?.kind.name ?? 'model';
  const sections: ReportSection[] = [];

  const { settings: endSettings, kind: _k, time: _t, elapsed: _e, ...endFigures } = (metrics?.end ?? {}) as Record<string, unknown>;
  const settings = (endSettings as Record<string, unknown> | undefined) ?? (metrics?.start?.settings as Record<string, unknown> | undefined) ?? described.settings;
  const figures = metrics?.end ? endFigures : described.figures;
  if (figures && Object.keys(figures).length > 0) sections.push({ title: 'Final figures', html: keyValueTable(figures) });

  if (metrics) {
    const charts = metricsCharts(metrics);
    const note = [
      `${metrics.progress.length} progress and ${metrics.epochs.length} epoch records from ${escapeXml(metricsPath)}`,
      metrics.resumes > 0 ? `resumed ${metrics.resumes} time(s)` : '',
      metrics.end ? '' : 'the run did not finish (no end record)',
    ].filter((s) => s !== '');
    sections.push({
      title: 'Training curves',
      html: `<p class="note">${note.join('; ')}</p><div class="charts">${charts.map(renderLineChart).join('\n')}</div>`,
    });
  } else {
    options.onWarning?.(`no metrics log ${metricsPath}: the report has no training curves`);
  }
  if (settings && Object.keys(settings).length > 0) sections.push({ title: 'Settings', html: keyValueTable(settings) });
  if (model?.kind.reportSections) sections.push(...(await model.kind.reportSections(model.path, { seed, ...(options.inputs ? { inputs: options.inputs } : {}), ...(options.evaluation ? { evaluation: options.evaluation } : {}), ...(options.onWarning ? { onWarning: options.onWarning } : {}) })));

  const name = basename((model?.path ?? target).replace(/[\\/]+$/, ''));
  const started = typeof metrics?.start?.time === 'string' ? metrics.start.time : null;
  const html = page(`${name}: ${trainer} report`, [
    `<header><h1>${escapeXml(name)}</h1><p class="note">${escapeXml(trainer)}${model ? ` · ${escapeXml(model.path)}` : ''}${started ? ` · trained ${escapeXml(started)}` : ''}</p></header>`,
    ...sections.map((s) => `<section><h2>${escapeXml(s.title)}</h2>\n${s.html}\n</section>`),
  ]);
  return { html, kind: model?.kind.name ?? null, metrics: metrics ? metricsPath : null, sections: sections.map((s) => s.title) };
}

const REPORT_CSS = `
body { max-width: 1000px; }
h1 { margin-bottom: 0; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
.note { color: #666; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts svg { border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid #f0f0f0; }
table.kv th { color: #555; font-weight: 500; }
figure.attention { display: inline-block; margin: 0 16px 16px 0; } figcaption { font-size: 13px; color: #444; }
figure.confusion { margin: 12px 0; } table.data { margin: 8px 0; }
pre.sample { background: #f6f6f6; padding: 8px; white-space: pre-wrap; border-radius: 4px; }
`;

function page(title: string, body: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${MAP_CSS}${REPORT_CSS}</style>
</head>
<body>
${body.join('\n')}
<script>${MAP_SCRIPT}</script>
</body>
</html>
`;
}
