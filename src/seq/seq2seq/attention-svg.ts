/**
 * The attention picture: a standalone SVG heatmap, source tokens across (top), output tokens down
 * (left), each cell shaded by the weight the output step gave that source token (white 0, dark
 * blue 1), with the weight in a tooltip. No script, no external resource: a browser opens it.
 */
export interface AttentionSvgOptions {
  /** Cell size in pixels. Default 28. */
  cell?: number;
  title?: string;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
/** Whitespace tokens are drawn visibly (a space as ␣). */
const visible = (t: string): string => (t === ' ' ? '\u2423' : t.replace(/\s/g, '\u2423'));

export function attentionSvg(sourceTokens: readonly string[], outputTokens: readonly string[], weights: readonly ArrayLike<number>[], options: AttentionSvgOptions = {}): string {
  const cell = options.cell ?? 28;
  const font = Math.round(cell * 0.45);
  const longest = (tokens: readonly string[]): number => Math.max(1, ...tokens.map((t) => [...visible(t)].length));
  const left = Math.ceil(longest(outputTokens) * font * 0.65) + 12;
  const top = Math.ceil(longest(sourceTokens) * font * 0.65) + 12 + (options.title ? font * 2 : 0);
  const width = left + sourceTokens.length * cell + 8;
  const height = top + outputTokens.length * cell + 8;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="${font}">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  if (options.title) out.push(`<text x="4" y="${font * 1.3}" font-weight="bold">${escapeXml(options.title)}</text>`);
  sourceTokens.forEach((t, j) => {
    const x = left + j * cell + cell / 2;
    out.push(`<text transform="translate(${x + font / 3},${top - 6}) rotate(-90)">${escapeXml(visible(t))}</text>`);
  });
  outputTokens.forEach((t, i) => {
    const y = top + i * cell + cell / 2 + font / 3;
    out.push(`<text x="${left - 6}" y="${y}" text-anchor="end">${escapeXml(visible(t))}</text>`);
    const row = weights[i];
    for (let j = 0; j < sourceTokens.length; j++) {
      const w = Math.max(0, Math.min(1, Number(row?.[j] ?? 0)));
      // white -> #08306b (dark blue)
      const shade = (from: number, to: number): number => Math.round(from + (to - from) * w);
      const fill = `rgb(${shade(255, 8)},${shade(255, 48)},${shade(255, 107)})`;
      out.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd" stroke-width="0.5"><title>${escapeXml(visible(t))} / ${escapeXml(visible(sourceTokens[j]!))}: ${w.toFixed(3)}</title></rect>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
