/**
 * A labelled heatmap as inline SVG: seq2seq attention (rows = output tokens, columns = input
 * tokens, each row a distribution) and classifier confusion matrices (rows = true class,
 * columns = predicted, counts). Cells are shaded from white to blue by value / max (or by row
 * share with `normalizeRows`), and carry their value as a tooltip (and as text when asked).
 */
import { coord, escapeXml } from './xml.js';

export interface Heatmap {
  title?: string;
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  /** rows x columns values, row-major. */
  values: ArrayLike<number>;
  /** Axis names, e.g. 'output' / 'input' or 'true class' / 'predicted'. */
  rowAxis?: string;
  columnAxis?: string;
  /** Shade each row by its own maximum (confusion matrices by recall); default: the global maximum. */
  normalizeRows?: boolean;
  /** Write each cell's value in it (confusion matrices); default only as a tooltip. */
  showValues?: boolean;
  /** How a value is written: default up to 3 significant digits. */
  format?: (value: number) => string;
}

const CELL = 26;

export function renderHeatmap(map: Heatmap): string {
  const rows = map.rowLabels.length;
  const cols = map.columnLabels.length;
  if (map.values.length !== rows * cols) throw new RangeError(`renderHeatmap: ${map.values.length} values for ${rows} x ${cols}`);
  const format = map.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const longest = (labels: readonly string[]): number => Math.min(16, Math.max(1, ...labels.map((l) => l.length)));
  const left = 16 + longest(map.rowLabels) * 7 + (map.rowAxis ? 16 : 0);
  const top = (map.title ? 22 : 0) + 10 + longest(map.columnLabels) * 7 + (map.columnAxis ? 16 : 0);
  const width = left + cols * CELL + 10;
  const height = top + rows * CELL + 10;
  const short = (l: string): string => (l.length > 16 ? `${l.slice(0, 15)}…` : l);
  let globalMax = 0;
  for (let i = 0; i < map.values.length; i++) globalMax = Math.max(globalMax, map.values[i]!);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  if (map.title) out.push(`<text x="4" y="15" font-size="13" font-weight="600" fill="#222">${escapeXml(map.title)}</text>`);
  if (map.columnAxis) out.push(`<text x="${left + (cols * CELL) / 2}" y="${(map.title ? 22 : 0) + 12}" text-anchor="middle" fill="#555">${escapeXml(map.columnAxis)}</text>`);
  if (map.rowAxis) out.push(`<text transform="translate(12 ${top + (rows * CELL) / 2}) rotate(-90)" text-anchor="middle" fill="#555">${escapeXml(map.rowAxis)}</text>`);
  map.columnLabels.forEach((l, c) => {
    const x = left + c * CELL + CELL / 2 + 4;
    out.push(`<text transform="translate(${coord(x)} ${top - 4}) rotate(-60)" fill="#333">${escapeXml(short(l))}</text>`);
  });
  for (let r = 0; r < rows; r++) {
    out.push(`<text x="${left - 4}" y="${top + r * CELL + CELL / 2 + 4}" text-anchor="end" fill="#333">${escapeXml(short(map.rowLabels[r]!))}</text>`);
    let rowMax = 0;
    for (let c = 0; c < cols; c++) rowMax = Math.max(rowMax, map.values[r * cols + c]!);
    const max = map.normalizeRows ? rowMax : globalMax;
    for (let c = 0; c < cols; c++) {
      const v = map.values[r * cols + c]!;
      const t = max > 0 && Number.isFinite(v) ? Math.max(0, Math.min(1, v / max)) : 0;
      const fill = `rgb(${Math.round(255 - t * 222)},${Math.round(255 - t * 153)},${Math.round(255 - t * 75)})`;
      const x = left + c * CELL;
      const y = top + r * CELL;
      out.push(
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#fff"><title>${escapeXml(`${map.rowLabels[r]} / ${map.columnLabels[c]}: ${format(v)}`)}</title></rect>`,
      );
      if (map.showValues) out.push(`<text x="${x + CELL / 2}" y="${y + CELL / 2 + 4}" text-anchor="middle" fill="${t > 0.6 ? '#fff' : '#222'}" font-size="10">${escapeXml(format(v))}</text>`);
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

/** An attention heatmap: one row per output token, one column per input token. */
export function attentionHeatmap(input: readonly string[], output: readonly string[], weights: ArrayLike<number>, title?: string): string {
  return renderHeatmap({ ...(title ? { title } : {}), rowLabels: output, columnLabels: input, values: weights, rowAxis: 'output', columnAxis: 'input' });
}

/** A confusion matrix: counts[true * classes + predicted]. */
export function confusionMatrix(labels: readonly string[], counts: ArrayLike<number>, title?: string): string {
  return renderHeatmap({
    ...(title ? { title } : {}),
    rowLabels: labels,
    columnLabels: labels,
    values: counts,
    rowAxis: 'true class',
    columnAxis: 'predicted',
    normalizeRows: true,
    showValues: true,
    format: (v) => String(v),
  });
}
