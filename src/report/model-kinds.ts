/**
 * What the report and the playground know about each kind of model: how to recognise one on
 * disk, what the report shows beyond the training curves, and how the playground serves it.
 *
 * Extension point: a new model (seq2seq, classifier, ...) adds a `ModelKind` with
 * `registerModelKind` (or to BUILT_IN_KINDS below). Its report sections are HTML fragments; the
 * heatmap helpers in heatmap.ts draw attention maps (`attentionHeatmap`) and confusion matrices
 * (`confusionMatrix`). In the playground a kind's `browserFiles` are served under
 * `/models/<id>/` (only those names), and the page's panel for it is chosen by `kind` (see
 * playground-page.ts, PANELS): sequence models run in the browser from their tfjs files.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

export interface ReportSection {
  title: string;
  /** An HTML fragment (inline SVG, tables); must be self-contained. */
  html: string;
}

export interface ReportContext {
  /** Seed for anything random in the report (samples, projections). */
  seed: number;
  /** Source texts to run through the model (seq2seq translations and their attention, classifier predictions). */
  inputs?: readonly string[];
  /** A labelled file to evaluate a classifier on (its confusion matrix and per-class precision/recall); for seq2seq a pairs file whose first sources are translated. */
  evaluation?: string;
  onWarning?: (message: string) => void;
}

export interface ModelKind {
  /** 'vectors', 'lm', 'seq2seq', 'classifier', ... (also the playground panel's name). */
  name: string;
  /** Whether `path` is a model of this kind (cheap: look at file names and headers). */
  detect(path: string): Promise<boolean>;
  /** Settings and final figures the model files record themselves (used when there is no metrics log). */
  describe?(path: string): Promise<{ settings?: Record<string, unknown>; figures?: Record<string, unknown> }>;
  /** The report's sections for this model (maps, neighbour lists, samples, heatmaps, confusion matrices). */
  reportSections?(path: string, context: ReportContext): Promise<ReportSection[]>;
  /** For folder models the browser loads: the file names (relative to the folder) the playground may serve. */
  browserFiles?(path: string): Promise<string[]>;
}

const kinds: ModelKind[] = [];

/** Adds a kind; kinds registered later are tried first, so a specific kind can shadow a general one. */
export function registerModelKind(kind: ModelKind): void {
  kinds.unshift(kind);
}

export function modelKinds(): readonly ModelKind[] {
  return kinds;
}

/** The first kind that recognises `path`, or null. */
export async function detectModelKind(path: string): Promise<ModelKind | null> {
  for (const kind of kinds) if (await kind.detect(path)) return kind;
  return null;
}

export async function isDirectory(path: string): Promise<boolean> {
  return fsp.stat(path).then((s) => s.isDirectory(), () => false);
}

export async function isFile(path: string): Promise<boolean> {
  return fsp.stat(path).then((s) => s.isFile(), () => false);
}

/** A folder holding `marker` (lm.json, seq2seq.json, ...): how folder models are recognised. */
export async function folderWith(path: string, marker: string): Promise<boolean> {
  return (await isDirectory(path)) && (await isFile(join(path, marker)));
}
