/**
 * Word maps, charts, heatmaps, projector files and the report page: well-formed SVG and HTML with
 * the expected labels, seeded projections that keep planted groups together, and the CLI's
 * plot / export / report commands on the built program.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsLog } from '../../src/cli/metrics-log.js';
import { WordloomError } from '../../src/errors.js';
import { attentionHeatmap, confusionMatrix } from '../../src/report/heatmap.js';
import { renderLineChart } from '../../src/report/line-chart.js';
import { renderMapHtml } from '../../src/report/map-html.js';
import { renderMapSvg } from '../../src/report/map-svg.js';
import { metricsCharts, parseMetrics } from '../../src/report/metrics-file.js';
import { project, type ProjectionMethod } from '../../src/report/projection.js';
import { exportProjector } from '../../src/report/projector.js';
import { buildReport } from '../../src/report/report-page.js';
import { buildWordMap, debiasGroups, parseGroups, selectMapWords } from '../../src/report/word-map.js';
import { cliRunner, useBuiltCli } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { GROUPS, plantedVectors, writePlantedVectors } from './fixtures.js';
import { wellFormedProblems } from './well-formed.js';

useBuiltCli();
const dir = useTempFolder('wordloom-report-').dir;

const groupWords = Object.values(GROUPS).flat();
const groupOf = (w: string): string => Object.entries(GROUPS).find(([, ws]) => (ws as readonly string[]).includes(w))![0];

/** Share of points whose nearest other point (in the plane) is of their own group. */
function planePurity(words: readonly string[], xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < words.length; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < words.length; j++) {
      if (j === i) continue;
      const d = (xs[i]! - xs[j]!) ** 2 + (ys[i]! - ys[j]!) ** 2;
      if (d < bestD) [best, bestD] = [j, d];
    }
    if (groupOf(words[best]!) === groupOf(words[i]!)) same++;
  }
  return same / words.length;
}

describe('projections', () => {
  const vectors = plantedVectors();
  const rows = new Float32Array(groupWords.length * vectors.dim);
  groupWords.forEach((w, i) => rows.set(vectors.unitVector(w), i * vectors.dim));

  for (const method of ['pca', 'tsne', 'umap'] as ProjectionMethod[]) {
    it(`${method}: seeded (same seed, same map) and keeps the planted groups together`, async () => {
      const a = await project(rows, groupWords.length, vectors.dim, { method, seed: 5, iterations: method === 'pca' ? undefined : 120 });
      const b = await project(rows, groupWords.length, vectors.dim, { method, seed: 5, iterations: method === 'pca' ? undefined : 120 });
      expect(Array.from(a.xs)).toEqual(Array.from(b.xs));
      expect(Array.from(a.ys)).toEqual(Array.from(b.ys));
      expect(a.xs.every(Number.isFinite) && a.ys.every(Number.isFinite)).toBe(true);
      if (method !== 'pca') {
        const c = await project(rows, groupWords.length, vectors.dim, { method, seed: 6, iterations: 120 });
        expect(Array.from(c.xs)).not.toEqual(Array.from(a.xs));
      }
      expect(planePurity(groupWords, a.xs, a.ys)).toBeGreaterThanOrEqual(0.9);
    }, 60_000);
  }

  it('refuses a map of fewer than two words', async () => {
    await expect(project(new Float32Array(4), 1, 4, { method: 'pca' })).rejects.toThrow(/at least 2 words/);
  });
});

describe('maps as SVG and HTML', () => {
  it('a well-formed SVG with every word as a label, escaped, coloured by group with a legend', async () => {
    const vectors = plantedVectors();
    const groups = parseGroups(groupWords.map((w) => `${w}\t${groupOf(w)}`).join('\n'), 'groups.tsv');
    const words = selectMapWords(vectors, { words: ['<b>&amp;'], groups });
    expect(words).toEqual(['<b>&amp;', ...groupWords]);
    const map = await buildWordMap(vectors, words, { method: 'pca', groups, title: 'a <map>' });
    const svg = renderMapSvg(map);
    expect(wellFormedProblems(svg, 'xml')).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const w of groupWords) expect(svg).toContain(`>${w}</text>`);
    expect(svg).toContain('>&lt;b&gt;&amp;amp;</text>');
    expect(svg).toContain('>a &lt;map&gt;</text>');
    for (const g of Object.keys(GROUPS)) expect(svg).toMatch(new RegExp(`<g class="legend"[\\s\\S]*>${g}</text>`));
    expect(svg.match(/<circle /g)!.length).toBe(words.length + Object.keys(GROUPS).length);
    // each group one colour, and different groups different colours
    const colours = new Map<string, Set<string>>();
    for (const m of svg.matchAll(/<title>(\w+) \((\w+)\)<\/title><circle [^>]*fill="(#[0-9a-f]+)"/g)) {
      if (!colours.has(m[2]!)) colours.set(m[2]!, new Set());
      colours.get(m[2]!)!.add(m[3]!);
    }
    expect([...colours.values()].map((s) => s.size)).toEqual([1, 1, 1]);
    expect(new Set([...colours.values()].map((s) => [...s][0])).size).toBe(3);

    const html = renderMapHtml(map);
    expect(wellFormedProblems(html, 'html')).toEqual([]);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>a &lt;map&gt;</title>');
    expect(html).toContain(svg);
    expect(html).toContain("addEventListener('wheel'");
    expect(html).not.toMatch(/<script src=|<link /); // self-contained
  });

  it('groups files: word<TAB>group lines, comments, a clear error with the line; the debias lists', () => {
    expect([...parseGroups('# colours\nred\twarm colours\n\nblue cold\n', 'g.tsv')]).toEqual([
      ['red', 'warm colours'],
      ['blue', 'cold'],
    ]);
    expect(() => parseGroups('red\tA\nlonely\n', 'g.tsv')).toThrow(/g\.tsv line 2: expected a word and its group/);
    const debias = debiasGroups();
    expect(debias.get('she')).toMatch(/female/);
    expect(debias.get('he')).toMatch(/male/);
    expect(debias.get('nurse')).toMatch(/neutral/);
  });

  it('selects the named words (unknown ones are an error), group words, then the top n; warns about missing group words', () => {
    const vectors = plantedVectors();
    const warnings: string[] = [];
    expect(selectMapWords(vectors, { top: 3 })).toEqual(['apple', 'pear', 'plum']);
    expect(selectMapWords(vectors, { words: ['red'], top: 2 })).toEqual(['red', 'apple', 'pear']);
    expect(selectMapWords(vectors, { groups: new Map([['red', 'c'], ['nosuch', 'c']]), onWarning: (m) => warnings.push(m) })).toEqual(['red']);
    expect(warnings).toEqual(['1 of the 2 grouped words are not in planted (nosuch)']);
    expect(() => selectMapWords(vectors, { words: ['nosuch'] })).toThrow(WordloomError);
  });
});

describe('charts and heatmaps', () => {
  it('a line chart with gaps for missing values, its title, axis labels and legend', () => {
    const svg = renderLineChart({
      title: 'loss per epoch',
      xLabel: 'epoch',
      series: [
        { name: 'train loss', points: [[1, 2.5], [2, null], [3, 1.5], [4, 1.2]] },
        { name: 'val loss', points: [[1, 2.7], [2, 2.0], [3, 1.9], [4, 1.8]] },
      ],
    });
    expect(wellFormedProblems(svg, 'xml')).toEqual([]);
    for (const s of ['loss per epoch', '>epoch<', 'train loss', 'val loss']) expect(svg).toContain(s);
    // the null splits train loss into a lone point and a line of two
    expect(svg.match(/data-series="train loss"/g)!.length).toBe(1);
    expect(svg.match(/data-series="val loss"/g)!.length).toBe(1);
    expect(renderLineChart({ title: 'empty', xLabel: 'x', series: [{ name: 'a', points: [[0, null]] }] })).toContain('no figures');
  });

  it('attention heatmaps and confusion matrices: labels on both axes, values in cells', () => {
    const attention = attentionHeatmap(['je', 'suis', '<EOS>'], ['I', 'am'], [0.9, 0.05, 0.05, 0.1, 0.8, 0.1], 'attention');
    expect(wellFormedProblems(attention, 'xml')).toEqual([]);
    for (const s of ['>je</text>', '>suis</text>', '>&lt;EOS&gt;</text>', '>I</text>', '>am</text>', 'I / je: 0.9']) expect(attention).toContain(s);
    const confusion = confusionMatrix(['neg', 'pos'], [40, 10, 5, 45], 'confusion');
    expect(wellFormedProblems(confusion, 'xml')).toEqual([]);
    for (const s of ['true class', 'predicted', '>40</text>', '>45</text>', 'neg / pos: 10']) expect(confusion).toContain(s);
    expect(() => confusionMatrix(['a'], [1, 2])).toThrow(RangeError);
  });

  it('curves from a metrics log: losses together over steps, epoch figures over epochs, a cut-off line skipped', () => {
    const text = [
      '{"kind":"start","trainer":"lm","settings":{"units":8}}',
      '{"kind":"progress","epoch":1,"fraction":0.5,"step":1,"loss":2,"learningRate":0.01,"tokensPerSecond":100}',
      '{"kind":"progress","epoch":1,"fraction":1,"step":2,"loss":1.5,"learningRate":0.01,"tokensPerSecond":120}',
      '{"kind":"epoch","epoch":1,"trainLoss":1.7,"valLoss":1.8,"valPerplexity":6.05,"learningRate":0.01}',
      '{"kind":"progress","epoch":2,"fra',
    ].join('\n');
    const m = parseMetrics(text, 'x.metrics.jsonl');
    expect(m.skippedLines).toBe(1);
    expect(m.end).toBeNull();
    const charts = metricsCharts(m);
    expect(charts.map((c) => c.title)).toEqual(['training loss', 'learning rate', 'tokens per second', 'loss per epoch', 'val perplexity per epoch']);
    expect(charts[0]!.xLabel).toBe('training step');
    expect(charts[3]!.series.map((s) => s.name)).toEqual(['train loss', 'val loss']);
  });
});

describe('projector export', () => {
  it('tensors.tsv, metadata.tsv (with groups as a column) and both configs, in the same order', async () => {
    const vectors = plantedVectors();
    const out = join(dir, 'projector');
    const result = await exportProjector(vectors, out, { top: 10, groups: new Map([['apple', 'fruit']]) });
    expect(result).toMatchObject({ words: 10, dim: vectors.dim });
    const tensors = readFileSync(join(out, 'tensors.tsv'), 'utf8').trimEnd().split('\n');
    expect(tensors.length).toBe(10);
    expect(tensors[0]!.split('\t').map(Number)).toEqual(Array.from(vectors.vector('apple'), (v) => Number(v.toPrecision(7))));
    const metadata = readFileSync(join(out, 'metadata.tsv'), 'utf8').trimEnd().split('\n');
    expect(metadata.slice(0, 3)).toEqual(['word\tgroup', 'apple\tfruit', 'pear\t']);
    expect(JSON.parse(readFileSync(join(out, 'projector_config.json'), 'utf8'))).toEqual({
      embeddings: [{ tensorName: 'wordloom', tensorShape: [10, vectors.dim], tensorPath: 'tensors.tsv', metadataPath: 'metadata.tsv' }],
    });
    expect(readFileSync(join(out, 'projector_config.pbtxt'), 'utf8')).toContain('tensor_path: "tensors.tsv"');
  });
});

describe('report page', () => {
  it('a vectors report: curves from NAME.metrics.jsonl, settings, final figures, a map and neighbour lists, self-contained', async () => {
    const path = join(dir, 'models', 'planted.vec');
    await writePlantedVectors(path);
    const log = MetricsLog.open(join(dir, 'models', 'planted.vec.metrics.jsonl'), { trainer: 'word2vec', settings: { dim: 16, window: 5 } });
    for (let i = 1; i <= 10; i++) log.progress({ epoch: 1, epochs: 1, fraction: i / 10, loss: 3 / i, learningRate: 0.025 * (1 - i / 10), wordsPerSecondPerThread: 1000 });
    log.end({ words: 25, finalLoss: 0.3, settings: { dim: 16, window: 5, seed: 1 } });
    log.close();
    const warnings: string[] = [];
    const report = await buildReport(join(dir, 'models', 'planted'), { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(report.kind).toBe('vectors');
    expect(report.sections).toEqual(['Final figures', 'Training curves', 'Settings', 'Vectors', 'Map', 'Nearest neighbours']);
    const html = report.html;
    expect(wellFormedProblems(html, 'html')).toEqual([]);
    expect(html).not.toMatch(/<script src=|<link |https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('training loss');
    expect(html).toContain('<th>window</th><td>5</td>');
    expect(html).toContain('<th>finalLoss</th><td>0.3</td>');
    // apple's neighbours are the other fruit
    const row = /<tr><td>apple<\/td><td>([^<]*)<\/td><\/tr>/.exec(html)![1]!;
    expect(row.split(', ').slice(0, 5).map((n) => n.split(' ')[0]).sort()).toEqual(['cherry', 'grape', 'peach', 'pear', 'plum']);
  });

  it('a model with no metrics log still gets a report (and a warning); nothing at the path is a clear error', async () => {
    const path = join(dir, 'alone.vec');
    await writePlantedVectors(path);
    const warnings: string[] = [];
    const report = await buildReport(path, { onWarning: (m) => warnings.push(m) });
    expect(report.sections).toContain('Map');
    expect(warnings).toEqual([`no metrics log ${join(dir, 'alone.vec.metrics.jsonl')}: the report has no training curves`]);
    await expect(buildReport(join(dir, 'nothing'))).rejects.toThrow(/nothing: no model here/);
  });
});

describe('CLI: plot, export projector, report', () => {
  const run = cliRunner();

  it('plot writes an SVG or HTML map and says so; a wrong extension is a usage error before any work', async () => {
    const vectorsPath = join(dir, 'cli.vec');
    await writePlantedVectors(vectorsPath);
    const r = run('--json', '--quiet', 'plot', vectorsPath, 'apple', 'red', '--top', '5', '--method', 'tsne', '--iterations', '100', '-o', join(dir, 'cli-map.html'));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ words: 6, method: 'tsne', seed: 1 });
    const html = readFileSync(join(dir, 'cli-map.html'), 'utf8');
    expect(wellFormedProblems(html, 'html')).toEqual([]);
    for (const w of ['apple', 'red', 'pear', 'plum', 'cherry', 'grape']) expect(html).toContain(`>${w}</text>`);
    const bad = run('plot', vectorsPath, '-o', join(dir, 'map.png'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`wordloom: -o ${join(dir, 'map.png')}: a map is written as .svg or .html\n`);
    const unknown = run('plot', vectorsPath, 'nosuchword', '-o', join(dir, 'map.svg'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^wordloom: .*nosuchword/);
    expect(existsSync(join(dir, 'map.svg'))).toBe(false);
  }, 120_000);

  it('export projector and report', async () => {
    const vectorsPath = join(dir, 'cli2.vec');
    await writePlantedVectors(vectorsPath);
    const e = run('--quiet', 'export', 'projector', vectorsPath, '-o', join(dir, 'proj'), '--top', '4');
    expect(e.code, e.stderr).toBe(0);
    expect(readFileSync(join(dir, 'proj', 'metadata.tsv'), 'utf8')).toBe('apple\npear\nplum\ncherry\n');
    const r = run('--json', 'report', vectorsPath, '-o', join(dir, 'report.html'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'vectors', metrics: null });
    expect(r.stderr).toMatch(/warning: no metrics log/);
  }, 120_000);
});
