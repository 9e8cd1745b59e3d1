/**
 * Barnes-Hut t-SNE: the sparse affinities (neighbours, perplexity, symmetry), the tree's gradient
 * against the exact formula (theta 0 exact, theta 0.5 close), and the map itself: planted clusters
 * stay apart with their neighbours kept, the same seed gives the same coordinates bit for bit,
 * and points at the same place do not break the tree.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/embeddings/shared/rng.js';
import { barnesHutTsne, gaussian, tsneGradient } from '../../src/report/barnes-hut-tsne.js';
import { conditionalAffinities, nearestNeighbours, symmetrise, type SparseAffinities } from '../../src/report/tsne-affinities.js';
import { TsneQuadtree } from '../../src/report/tsne-quadtree.js';

/** `clusters` Gaussian blobs of `size` points in `dim` dimensions, centres 10 apart, spread 1. */
function blobs(clusters: number, size: number, dim: number, seed = 5): { x: Float64Array; labels: Int32Array; n: number } {
  const g = gaussian(seed);
  const n = clusters * size;
  const x = new Float64Array(n * dim);
  const labels = new Int32Array(n);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => 10 * g()));
  for (let i = 0; i < n; i++) {
    const c = i % clusters; // interleaved: the input order says nothing of the clusters
    labels[i] = c;
    for (let t = 0; t < dim; t++) x[i * dim + t] = centres[c]![t]! + g();
  }
  return { x, labels, n };
}

function exactGradient(p: SparseAffinities, y: Float64Array, exaggeration: number): Float64Array {
  const n = p.n;
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) dense[i * n + p.cols[e]!] = p.vals[e]!;
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += 1 / (1 + (y[2 * i]! - y[2 * j]!) ** 2 + (y[2 * i + 1]! - y[2 * j + 1]!) ** 2);
  const g = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const w = 1 / (1 + dx * dx + dy * dy);
      const f = exaggeration * dense[i * n + j]! * w - (w * w) / z;
      g[2 * i]! += 4 * f * dx;
      g[2 * i + 1]! += 4 * f * dy;
    }
  }
  return g;
}

function affinitiesOf(x: Float64Array, n: number, d: number, perplexity: number): SparseAffinities {
  const k = Math.floor(3 * perplexity);
  const { neighbours, distances } = nearestNeighbours(x, n, d, k);
  return symmetrise(neighbours, conditionalAffinities(distances, n, k, perplexity), n, k);
}

describe('t-SNE affinities', () => {
  it('nearest neighbours are those of a full sort, nearest first, ties to the lower index', () => {
    const rng = new SeededRandom(2);
    const n = 60;
    const d = 4;
    // Coordinates on a coarse grid so that equal distances occur.
    const x = Float64Array.from({ length: n * d }, () => Math.floor(rng.nextFloat() * 4));
    const k = 7;
    const { neighbours, distances } = nearestNeighbours(x, n, d, k);
    for (let i = 0; i < n; i++) {
      const all = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
      const dist = (j: number): number => Array.from({ length: d }, (_, t) => (x[i * d + t]! - x[j * d + t]!) ** 2).reduce((a, b) => a + b, 0);
      all.sort((a, b) => dist(a) - dist(b) || a - b);
      expect(Array.from(neighbours.subarray(i * k, (i + 1) * k))).toEqual(all.slice(0, k));
      expect(Array.from(distances.subarray(i * k, (i + 1) * k))).toEqual(all.slice(0, k).map(dist));
    }
  });

  it('each conditional row has the perplexity asked for; P is symmetric and sums to 1', () => {
    const { x, n } = blobs(3, 40, 10);
    const perplexity = 8;
    const k = 24;
    const { neighbours, distances } = nearestNeighbours(x, n, 10, k);
    const conditional = conditionalAffinities(distances, n, k, perplexity);
    for (let i = 0; i < n; i++) {
      let h = 0;
      for (let r = 0; r < k; r++) {
        const v = conditional[i * k + r]!;
        if (v > 0) h -= v * Math.log(v);
      }
      expect(Math.exp(h)).toBeCloseTo(perplexity, 3);
    }
    const p = symmetrise(neighbours, conditional, n, k);
    const dense = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < n; i++) {
      const seen = new Set<number>();
      for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
        expect(seen.has(p.cols[e]!)).toBe(false); // repeats merged
        expect(p.cols[e]).not.toBe(i);
        seen.add(p.cols[e]!);
        dense.set(`${i},${p.cols[e]}`, p.vals[e]!);
        total += p.vals[e]!;
      }
    }
    expect(total).toBeCloseTo(1, 12);
    for (const [key, v] of dense) {
      const [i, j] = key.split(',');
      expect(dense.get(`${j},${i}`)).toBeCloseTo(v, 15);
    }
  });
});

describe('Barnes-Hut gradient', () => {
  const { x, n } = blobs(4, 25, 8, 9);
  const p = affinitiesOf(x, n, 8, 10);
  const g = gaussian(3);
  const y = Float64Array.from({ length: 2 * n }, () => 5 * g());
  const exact = exactGradient(p, y, 12);
  const tree = new TsneQuadtree(8);
  const gradient = new Float64Array(2 * n);
  const scratch = new Float64Array(2 * n);

  it('with theta 0 is the exact gradient', () => {
    tsneGradient(p, y, 12, 0, tree, gradient, scratch);
    for (let i = 0; i < 2 * n; i++) expect(gradient[i]).toBeCloseTo(exact[i]!, 12);
  });

  it('with theta 0.5 is close to it', () => {
    tsneGradient(p, y, 12, 0.5, tree, gradient, scratch);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < 2 * n; i++) {
      err += (gradient[i]! - exact[i]!) ** 2;
      norm += exact[i]! ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.05);
  });

  it('points at the very same place share a leaf (no endless splitting, no force between them)', () => {
    const m = 50;
    const same = new Float64Array(2 * m); // all at the origin but the last two
    same[2 * (m - 2)] = 1;
    same[2 * (m - 1) + 1] = 1;
    const t = new TsneQuadtree(4);
    t.build(same, m);
    expect(t.size).toBeLessThan(40);
    const force = new Float64Array(2 * m);
    const z = t.repulsion(0, 0, 0, 0, force);
    // 47 others at distance 0 (q = 1), two at distance 1 (q = 1/2)
    expect(z).toBeCloseTo(47 + 2 * 0.5, 12);
    expect(force[0]).toBeCloseTo(-0.25, 12);
    expect(force[1]).toBeCloseTo(-0.25, 12);
  });
});

describe('Barnes-Hut t-SNE maps', () => {
  const clusters = 6;
  const { x, labels, n } = blobs(clusters, 50, 30);
  const options = { perplexity: 20, iterations: 400, seed: 7 };
  const y = barnesHutTsne(x, n, 30, options);

  it('keeps planted clusters apart and each point among its own', () => {
    // The 10 nearest points on the map of every point are from its cluster.
    let kept = 0;
    const k = 10;
    for (let i = 0; i < n; i++) {
      const order = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .sort((a, b) => (y[2 * a]! - y[2 * i]!) ** 2 + (y[2 * a + 1]! - y[2 * i + 1]!) ** 2 - ((y[2 * b]! - y[2 * i]!) ** 2 + (y[2 * b + 1]! - y[2 * i + 1]!) ** 2));
      for (const j of order.slice(0, k)) if (labels[j] === labels[i]) kept++;
    }
    expect(kept / (n * k)).toBeGreaterThan(0.99);
    // Every cluster is far smaller than the gaps between cluster centres.
    const centre = Array.from({ length: clusters }, () => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      centre[labels[i]!]![0]! += y[2 * i]!;
      centre[labels[i]!]![1]! += y[2 * i + 1]!;
      centre[labels[i]!]![2]!++;
    }
    for (const c of centre) {
      c[0]! /= c[2]!;
      c[1]! /= c[2]!;
    }
    let radius = 0;
    for (let i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(y[2 * i]! - centre[labels[i]!]![0]!, y[2 * i + 1]! - centre[labels[i]!]![1]!));
    let gap = Infinity;
    for (let a = 0; a < clusters; a++) for (let b = a + 1; b < clusters; b++) gap = Math.min(gap, Math.hypot(centre[a]![0]! - centre[b]![0]!, centre[a]![1]! - centre[b]![1]!));
    expect(gap).toBeGreaterThan(1.5 * radius);
  });

  it('the same seed gives the same coordinates bit for bit; another seed another layout', () => {
    const again = barnesHutTsne(x, n, 30, options);
    expect(Buffer.from(again.buffer).equals(Buffer.from(y.buffer))).toBe(true);
    const other = barnesHutTsne(x, n, 30, { ...options, seed: 8 });
    expect(Buffer.from(other.buffer).equals(Buffer.from(y.buffer))).toBe(false);
  });

  it('reports progress up to the end and refuses too few points', () => {
    const seen: number[] = [];
    barnesHutTsne(x.subarray(0, 20 * 30), 20, 30, { iterations: 100, onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0.05);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
    expect(() => barnesHutTsne(x, 2, 30)).toThrow(/at least 3 points/);
  });
});
