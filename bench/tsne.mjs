#!/usr/bin/env node
// t-SNE maps of the n most frequent GloVe 6B 100d words: wordloom's Barnes-Hut t-SNE
// (src/report/barnes-hut-tsne.ts, theta 0.5, 1000 iterations) against the exact t-SNE of
// @keckelt/tsne (karpathy's tsnejs; what `wordloom plot --method tsne` used before), both on the
// same input (unit vectors reduced to 50 dimensions by PCA, as `wordloom plot` does), perplexity 30.
// Quality: the share of each word's 10 nearest neighbours in the 50-d input that are among its
// 10 nearest on the map (does not depend on the machine's load; the times do: see othersCpu).
//
//   node bench/tsne.mjs [--sizes 1000,2000,5000] [--exact-max 2000] [--exact-steps 500] [--quick]
//
// --quick: 1,000 words only, the exact arm for 100 steps. The exact arm is skipped above
// --exact-max words (5,000 words took 712 s on a loaded machine). Each arm runs in its own child.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { failer, log, machine, root, runChild, table } from './lib/harness.mjs';

const fail = failer('tsne');
const GLOVE = join(root, '../shared/data/embeddings/glove.6B.100d.top50k.txt.gz');

async function input(n) {
  const { PCA } = await import('ml-pca');
  const { KeyedVectors } = await import(join(root, 'dist/vectors/keyed-vectors.js'));
  const kv = await KeyedVectors.fromFile(GLOVE, { limit: n });
  const rows = [];
  for (let i = 0; i < n; i++) {
    const v = Array.from(kv.get(kv.words[i]));
    const s = Math.hypot(...v);
    rows.push(v.map((x) => x / s));
  }
  const pca = new PCA(rows, { method: 'covarianceMatrix', center: true });
  return pca.predict(rows, { nComponents: 50 }).to2DArray();
}

/** Mean share of the k nearest input neighbours kept among the k nearest on the map. */
function neighboursKept(x, y, k = 10) {
  const n = x.length;
  const knn = (dist) => {
    const out = [];
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) d[j] = j === i ? Infinity : dist(i, j);
      const idx = Array.from({ length: n }, (_, j) => j);
      out.push(new Set(idx.sort((a, b) => d[a] - d[b] || a - b).slice(0, k)));
    }
    return out;
  };
  const inX = knn((i, j) => x[i].reduce((s, v, t) => s + (v - x[j][t]) ** 2, 0));
  const inY = knn((i, j) => (y[i][0] - y[j][0]) ** 2 + (y[i][1] - y[j][1]) ** 2);
  let kept = 0;
  for (let i = 0; i < n; i++) for (const j of inY[i]) if (inX[i].has(j)) kept++;
  return kept / (n * k);
}

async function child(arm, n, steps) {
  const x = await input(n);
  const t0 = performance.now();
  let y;
  if (arm === 'exact') {
    const { TSNE } = await import('@keckelt/tsne');
    const model = new TSNE({ perplexity: 30, dim: 2, epsilon: 10 });
    model.initDataRaw(x);
    for (let i = 0; i < steps; i++) model.step();
    y = model.getSolution();
  } else {
    const { barnesHutTsne } = await import(join(root, 'dist/report/barnes-hut-tsne.js'));
    const flat = new Float64Array(n * 50);
    x.forEach((r, i) => flat.set(r, i * 50));
    const out = barnesHutTsne(flat, n, 50, { perplexity: 30, iterations: steps, seed: 1 });
    y = Array.from({ length: n }, (_, i) => [out[2 * i], out[2 * i + 1]]);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ arm, n, steps, seconds, kept10: neighboursKept(x, y), load1: loadavg()[0] }));
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await child(argv[1], Number(argv[2]), Number(argv[3]));
  process.exit(0);
}
let sizes = [1000, 2000, 5000];
let exactMax = 2000;
let exactSteps = 500;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${a} needs a value`));
  if (a === '--sizes') sizes = value().split(',').map(Number);
  else if (a === '--exact-max') exactMax = Number(value());
  else if (a === '--exact-steps') exactSteps = Number(value());
  else if (a === '--quick') {
    sizes = [1000];
    exactSteps = 100;
  } else fail(`unknown option ${a}`);
}
if (sizes.some((n) => !Number.isInteger(n) || n < 100)) fail('--sizes expects integers of at least 100');
if (!existsSync(GLOVE)) {
  log(`bench/tsne: skipped: ${GLOVE} is missing (see ../shared/data/README.md)`);
  process.exit(0);
}
if (!existsSync(join(root, 'dist/report/barnes-hut-tsne.js'))) fail('run `npm run build` first');

const m = machine();
log(`${m.cpu}, ${m.nproc} cores, node ${m.node}, commit ${m.commit}`);
const rows = [];
for (const n of sizes) {
  const arms = [['barnes-hut', 1000], ...(n <= exactMax ? [['exact', exactSteps]] : [])];
  for (const [arm, steps] of arms) {
    log(`${arm} t-SNE of ${n} words, ${steps} steps...`);
    const r = runChild(process.execPath, [join(root, 'bench/tsne.mjs'), '--child', arm, String(n), String(steps)]);
    if (r.error) fail(`${arm} ${n}: ${r.error}`);
    rows.push([String(n), arm === 'exact' ? '@keckelt/tsne (exact)' : 'wordloom Barnes-Hut', String(steps), r.seconds.toFixed(1), r.wallSeconds.toFixed(1), (100 * r.kept10).toFixed(1), r.othersCpu === undefined ? '?' : `${Math.round(100 * r.othersCpu)}%`]);
  }
}
console.log(table(['words', 'method', 'steps', 't-SNE s', 'wall s', '10-NN kept %', 'others CPU'], rows, 2));
