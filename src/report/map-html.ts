/**
 * The word map as a self-contained HTML page: the SVG of map-svg.ts inline, with zoom (wheel,
 * or the + / − / reset buttons), pan (drag), hover (the word and its group) and a search box
 * that finds a word and centres it. No external scripts, styles or fonts.
 */
import { renderMapSvg, type WordMap } from './map-svg.js';
import { escapeXml } from './xml.js';

export function renderMapHtml(map: WordMap, options: { title?: string } = {}): string {
  const title = options.title ?? map.title ?? 'word map';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${MAP_CSS}</style>
</head>
<body>
<div class="mapbox">
<div class="maptools"><input type="search" class="mapfind" placeholder="find a word" aria-label="find a word">
<button type="button" data-zoom="in" title="zoom in">+</button><button type="button" data-zoom="out" title="zoom out">−</button><button type="button" data-zoom="reset" title="whole map">reset</button>
<span class="mapinfo" aria-live="polite"></span></div>
${renderMapSvg(map)}
</div>
<script>${MAP_SCRIPT}</script>
</body>
</html>
`;
}

/** Styles shared with the report page, which embeds maps too. */
export const MAP_CSS = `
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 16px; color: #222; }
.mapbox { display: inline-block; border: 1px solid #ddd; border-radius: 6px; padding: 8px; background: #fafafa; }
.maptools { display: flex; gap: 6px; align-items: center; margin-bottom: 6px; font-size: 14px; }
.maptools button { min-width: 2em; }
.mapinfo { margin-left: 8px; color: #555; }
svg.wordmap { display: block; max-width: 100%; height: auto; cursor: grab; user-select: none; }
svg.wordmap g.w:hover circle, svg.wordmap g.w.hit circle { stroke: #000; stroke-width: 3px; vector-effect: non-scaling-stroke; }
svg.wordmap g.w:hover text, svg.wordmap g.w.hit text { font-weight: 700; fill: #000; }
`;

/** Zoom, pan, hover and find for every `.mapbox` on the page (plain browser JavaScript). */
export const MAP_SCRIPT = `
for (const box of document.querySelectorAll('.mapbox')) {
  const svg = box.querySelector('svg.wordmap');
  const info = box.querySelector('.mapinfo');
  const full = svg.viewBox.baseVal;
  const home = [full.x, full.y, full.width, full.height];
  let view = home.slice();
  // Dots and labels keep their size on the screen as the map zooms in, so zooming pulls a crowded
  // region's words apart instead of magnifying the crowd.
  const points = svg.querySelector('g.points');
  if (!points) continue;
  const baseFont = Number(points.getAttribute('font-size'));
  const marks = [...points.querySelectorAll('g.w')].map((g) => {
    const c = g.querySelector('circle');
    return [c, g.querySelector('text'), Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))];
  });
  const show = () => {
    svg.setAttribute('viewBox', view.join(' '));
    const s = Math.min(1, view[2] / home[2]);
    points.setAttribute('font-size', String(baseFont * s));
    for (const [c, t, x, y] of marks) {
      c.setAttribute('r', String(3 * s));
      t.setAttribute('x', String(x + 4 * s));
      t.setAttribute('y', String(y + 3 * s));
    }
  };
  const zoom = (factor, cx, cy) => {
    const w = view[2] * factor, h = view[3] * factor;
    view = [cx - (cx - view[0]) * factor, cy - (cy - view[1]) * factor, w, h];
    show();
  };
  const toSvg = (event) => {
    const r = svg.getBoundingClientRect();
    return [view[0] + (event.clientX - r.left) / r.width * view[2], view[1] + (event.clientY - r.top) / r.height * view[3]];
  };
  svg.addEventListener('wheel', (event) => { event.preventDefault(); const [x, y] = toSvg(event); zoom(event.deltaY < 0 ? 0.8 : 1.25, x, y); }, { passive: false });
  let drag = null;
  svg.addEventListener('pointerdown', (event) => { drag = [event.clientX, event.clientY, view[0], view[1]]; svg.setPointerCapture(event.pointerId); });
  svg.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    view[0] = drag[2] - (event.clientX - drag[0]) / r.width * view[2];
    view[1] = drag[3] - (event.clientY - drag[1]) / r.height * view[3];
    show();
  });
  svg.addEventListener('pointerup', () => { drag = null; });
  svg.addEventListener('pointerover', (event) => {
    const g = event.target.closest && event.target.closest('g.w');
    if (g && info) info.textContent = g.querySelector('title').textContent;
  });
  for (const button of box.querySelectorAll('button[data-zoom]')) {
    button.addEventListener('click', () => {
      const kind = button.dataset.zoom;
      if (kind === 'reset') { view = home.slice(); show(); return; }
      zoom(kind === 'in' ? 0.7 : 1 / 0.7, view[0] + view[2] / 2, view[1] + view[3] / 2);
    });
  }
  const find = box.querySelector('.mapfind');
  if (find) find.addEventListener('change', () => {
    for (const g of svg.querySelectorAll('g.w.hit')) g.classList.remove('hit');
    const wanted = find.value.trim();
    if (!wanted) return;
    const g = [...svg.querySelectorAll('g.w')].find((el) => el.querySelector('text').textContent === wanted);
    if (!g) { if (info) info.textContent = wanted + ': not on this map'; return; }
    g.classList.add('hit');
    const c = g.querySelector('circle');
    const w = home[2] / 4, h = home[3] / 4;
    view = [Number(c.getAttribute('cx')) - w / 2, Number(c.getAttribute('cy')) - h / 2, w, h];
    show();
    if (info) info.textContent = g.querySelector('title').textContent;
  });
}
`;
