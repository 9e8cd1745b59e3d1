/**
 * A line chart as inline SVG (training curves): one or more series over a shared x axis, with
 * "nice" ticks, axis labels and a legend. Points whose y is null or not finite (a NaN loss before
 * the first report) are gaps, not zeros.
 */
import { colourOf, coord, escapeXml } from './xml.js';

export interface Series {
  name: string;
  points: readonly (readonly [number, number | null])[];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel?: string;
  series: readonly Series[];
}

const W = 460;
const H = 260;
const LEFT = 58;
const RIGHT = 14;
const TOP = 28;
const BOTTOM = 40;

/** Round tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const label = (t: number): string => (Math.abs(t) >= 1e4 || (Math.abs(t) < 1e-3 && t !== 0) ? t.toExponential(1) : String(Number(t.toPrecision(4))));

export function renderLineChart(chart: LineChart): string {
  const finite = (y: number | null): y is number => y !== null && Number.isFinite(y);
  const all = chart.series.flatMap((s) => s.points.filter((p): p is readonly [number, number] => finite(p[1]) && Number.isFinite(p[0])));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${LEFT}" y="16" font-size="13" font-weight="600" fill="#222">${escapeXml(chart.title)}</text>`,
  ];
  if (all.length === 0) {
    out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888">no figures</text></svg>`);
    return out.join('\n');
  }
  let x0 = Math.min(...all.map((p) => p[0]));
  let x1 = Math.max(...all.map((p) => p[0]));
  let y0 = Math.min(...all.map((p) => p[1]));
  let y1 = Math.max(...all.map((p) => p[1]));
  if (x1 === x0) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  if (y1 === y0) [y0, y1] = [y0 - Math.abs(y0) * 0.05 - 0.5, y1 + Math.abs(y1) * 0.05 + 0.5];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const px = (x: number): number => LEFT + ((x - x0) / (x1 - x0)) * (W - LEFT - RIGHT);
  const py = (y: number): number => H - BOTTOM - ((y - y0) / (y1 - y0)) * (H - TOP - BOTTOM);
  out.push(`<g class="axes" stroke="#ccc">`);
  for (const t of niceTicks(y0, y1)) out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${coord(py(t))}" y2="${coord(py(t))}"/>`);
  out.push(`<line x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${H - BOTTOM}" stroke="#888"/><line x1="${LEFT}" x2="${W - RIGHT}" y1="${H - BOTTOM}" y2="${H - BOTTOM}" stroke="#888"/></g>`);
  out.push(`<g class="ticks" fill="#555">`);
  for (const t of niceTicks(y0, y1)) out.push(`<text x="${LEFT - 6}" y="${coord(py(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  for (const t of niceTicks(x0, x1, 6)) out.push(`<text x="${coord(px(t))}" y="${H - BOTTOM + 15}" text-anchor="middle">${label(t)}</text>`);
  out.push(`<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 6}" text-anchor="middle" fill="#333">${escapeXml(chart.xLabel)}</text>`);
  if (chart.yLabel) out.push(`<text transform="translate(14 ${(TOP + H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle" fill="#333">${escapeXml(chart.yLabel)}</text>`);
  out.push('</g>');
  chart.series.forEach((s, k) => {
    // Separate runs of finite points, so gaps stay gaps.
    const runs: string[][] = [[]];
    for (const [x, y] of s.points) {
      if (!finite(y) || !Number.isFinite(x)) {
        if (runs.at(-1)!.length > 0) runs.push([]);
        continue;
      }
      runs.at(-1)!.push(`${coord(px(x))},${coord(py(y))}`);
    }
    for (const run of runs) {
      if (run.length === 1) out.push(`<circle cx="${run[0]!.split(',')[0]}" cy="${run[0]!.split(',')[1]}" r="2.5" fill="${colourOf(k)}"/>`);
      else if (run.length > 1) out.push(`<polyline class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${colourOf(k)}" stroke-width="1.6" points="${run.join(' ')}"/>`);
    }
    if (s.points.length <= 30) {
      for (const [x, y] of s.points) if (finite(y)) out.push(`<circle cx="${coord(px(x))}" cy="${coord(py(y))}" r="2.5" fill="${colourOf(k)}"><title>${escapeXml(`${s.name}: ${label(y)} at ${label(x)}`)}</title></circle>`);
    }
  });
  if (chart.series.length > 1 || chart.series[0]!.name !== chart.title) {
    const lx = W - RIGHT - 150;
    chart.series.forEach((s, k) => {
      out.push(`<rect x="${lx}" y="${TOP + k * 15 - 8}" width="10" height="3" fill="${colourOf(k)}"/><text x="${lx + 14}" y="${TOP + k * 15 - 3}" fill="#333">${escapeXml(s.name)}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n');
}
