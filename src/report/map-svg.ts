/**
 * A labelled 2-D word map as a standalone SVG: one dot and label per word, coloured by group,
 * a legend when there are groups. The same SVG is embedded in the HTML map (map-html.ts) and in
 * reports. Both axes share one scale, so distances on the page are comparable in any direction.
 */
import { colourOf, coord, escapeXml } from './xml.js';

export interface WordMap {
  words: readonly string[];
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** Per word, an index into `groupNames`, or null for a word in no group. */
  groups?: readonly (number | null)[];
  groupNames?: readonly string[];
  /** A heading drawn at the top left (e.g. the file and the method). */
  title?: string;
}

export interface MapSvgOptions {
  width?: number;
  height?: number;
  /** Id prefix and class hooks for the HTML page's script; default 'map'. */
  id?: string;
}

const MARGIN = 36;
const LEGEND_WIDTH = 170;

/** The map as an SVG document (with its XML namespace, so it opens on its own). */
export function renderMapSvg(map: WordMap, options: MapSvgOptions = {}): string {
  const n = map.words.length;
  if (map.xs.length !== n || map.ys.length !== n) throw new RangeError(`renderMapSvg: ${n} words but ${map.xs.length} x and ${map.ys.length} y`);
  const width = options.width ?? 960;
  const height = options.height ?? 720;
  const id = options.id ?? 'map';
  const names = map.groupNames ?? [];
  const legend = names.length > 0;
  const top = MARGIN + (map.title ? 14 : 0);
  const plotW = width - 2 * MARGIN - (legend ? LEGEND_WIDTH : 0);
  const plotH = height - top - MARGIN;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, map.xs[i]!);
    maxX = Math.max(maxX, map.xs[i]!);
    minY = Math.min(minY, map.ys[i]!);
    maxY = Math.max(maxY, map.ys[i]!);
  }
  const span = Math.max(maxX - minX, maxY - minY, 1e-12);
  const scale = Math.min(plotW / Math.max(maxX - minX, span * 1e-3), plotH / Math.max(maxY - minY, span * 1e-3));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (x: number): number => MARGIN + plotW / 2 + (x - cx) * scale;
  const py = (y: number): number => top + plotH / 2 - (y - cy) * scale; // y up, as in a plot
  const font = n > 400 ? 8 : n > 150 ? 10 : 12;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(id)}" class="wordmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (map.title) out.push(`<text x="${MARGIN}" y="${MARGIN - 8}" font-size="14" font-weight="600" fill="#222">${escapeXml(map.title)}</text>`);
  out.push(`<g class="points" font-size="${font}">`);
  for (let i = 0; i < n; i++) {
    const g = map.groups?.[i] ?? null;
    const word = map.words[i]!;
    const x = coord(px(map.xs[i]!));
    const y = coord(py(map.ys[i]!));
    const tip = g === null ? word : `${word} (${names[g] ?? g})`;
    out.push(
      `<g class="w" data-i="${i}"><title>${escapeXml(tip)}</title><circle cx="${x}" cy="${y}" r="3" fill="${colourOf(g)}"/>` +
        `<text x="${coord(px(map.xs[i]!) + 4)}" y="${coord(py(map.ys[i]!) + 3)}" fill="#333">${escapeXml(word)}</text></g>`,
    );
  }
  out.push('</g>');
  if (legend) {
    const lx = width - MARGIN - LEGEND_WIDTH + 16;
    out.push(`<g class="legend" font-size="12">`);
    names.forEach((name, k) => {
      const y = top + 8 + k * 20;
      out.push(`<circle cx="${lx}" cy="${y}" r="5" fill="${colourOf(k)}"/><text x="${lx + 12}" y="${y + 4}" fill="#222">${escapeXml(name)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}
