/** How the CLI shows an autotune search: one line per trial as it ends, and the table of all of them. */
import type { ParameterValue, Trial } from '../seq/tune/random-search.js';

export const formatValue = (v: unknown): string => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v));

/** `flagOf` names a parameter as its command-line flag. `score` formats a trial's score (accuracy, or loss). */
export interface TrialFormat {
  flagOf: (name: string) => string;
  scoreName: string;
  score: (score: number) => string;
}

export function describeTrial(t: Trial, f: TrialFormat): string {
  const params = Object.entries(t.params).map(([k, v]) => `${f.flagOf(k)} ${formatValue(v)}`).join(' ');
  const outcome = t.status === 'ok' ? `${f.scoreName} ${f.score(t.score!)}${t.best ? ' (best so far)' : ''}` : `${t.status}${t.message ? `: ${t.message}` : ''}`;
  return `trial ${t.index} (${t.phase}) ${params}: ${outcome}, ${t.seconds.toFixed(1)} s`;
}

/** The trials as a table, the searched parameters as columns; the kept trial marked with *. */
export function trialTable(trials: readonly Trial[], f: TrialFormat): string {
  const names = Object.keys(trials[0]?.params ?? {});
  const header = ['trial', 'phase', ...names.map(f.flagOf), f.scoreName, 'seconds', 'status'];
  const rows = trials.map((t) => [
    String(t.index), t.phase, ...names.map((n) => formatValue(t.params[n])), t.score === null ? '-' : f.score(t.score), t.seconds.toFixed(1), t.status + (t.best ? ' *' : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** `--lr 0.01 --dropout 0.2`: the best settings as flags to pass again. */
export function bestFlags(best: Record<string, ParameterValue>, flagOf: (name: string) => string): string {
  return Object.entries(best).map(([k, v]) => `${flagOf(k)} ${formatValue(v)}`).join(' ');
}
