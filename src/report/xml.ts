/** Escaping for text put into SVG or HTML (element content and double-quoted attributes). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!).replace(
    // Control characters other than tab and line breaks are not allowed in XML 1.0 at all.
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** JSON for a `<script>` block: `<`, and the line separators JS strings once refused, escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A number for coordinates: at most 2 decimals, no `-0`. */
export function coord(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Ten distinguishable colours (Tableau 10), for groups and series. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

/** The colour of group (or series) `i`; ungrouped words are grey. */
export const colourOf = (i: number | null): string => (i === null || i < 0 ? '#777777' : PALETTE[i % PALETTE.length]!);
