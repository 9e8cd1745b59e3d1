/** Small HTML pieces shared by the report and the playground. */
import { escapeXml } from './xml.js';

/** A two-column table of settings or figures; nested values as compact JSON. */
export function keyValueTable(fields: Record<string, unknown>, className = 'kv'): string {
  const rows = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(formatValue(v))}</td></tr>`);
  return `<table class="${className}">${rows.join('')}</table>`;
}

export function formatValue(v: unknown): string {
  if (v === null) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(6)) : x));
}

/** A table with a header row. */
export function dataTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[], className = 'data'): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(typeof c === 'number' ? formatValue(c) : c)}</td>`).join('')}</tr>`).join('');
  return `<table class="${className}">${head}${body}</table>`;
}
