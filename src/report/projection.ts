/**
 * 2-D projections of word vectors for maps: PCA (ml-pca), t-SNE (Barnes-Hut, barnes-hut-tsne.ts:
 * no maintained package has it, see there) and UMAP (umap-js). Seeded: the same vectors, method
 * and seed give the same map. umap-js takes a random function, given here on the project's
 * generator; t-SNE draws its starting layout from the same generator.
 *
 * t-SNE first reduces the rows to at most 50 dimensions by PCA (as scikit-learn's and the paper's
 * practice), which makes the neighbour search cheap; then it costs O(n log n) an iteration.
 */
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { SeededRandom } from '../embeddings/shared/rng.js';
import { WordloomError } from '../errors.js';
import { barnesHutTsne } from './barnes-hut-tsne.js';

export const PROJECTION_METHODS = ['pca', 'tsne', 'umap'] as const;
export type ProjectionMethod = (typeof PROJECTION_METHODS)[number];

export interface ProjectionOptions {
  method: ProjectionMethod;
  /** Seeds t-SNE's starting layout and UMAP's sampling. Default 1. */
  seed?: number;
  /** t-SNE: effective number of neighbours (default min(30, (n - 1) / 3)). */
  perplexity?: number;
  /** t-SNE gradient steps (default 1000) / UMAP epochs (default: umap-js's choice by size). */
  iterations?: number;
  /** UMAP: neighbours of the graph (default min(15, n - 1)). */
  neighbours?: number;
  /** Called now and then with the share done (0..1). */
  onProgress?: (fraction: number) => void;
}

/** Rows of `vectors` (n x dim, row-major) as n points: xs[i], ys[i]. */
export interface Projection {
  xs: Float64Array;
  ys: Float64Array;
  method: ProjectionMethod;
}

/** Projects n rows of `dim` numbers to the plane. Needs at least 2 rows (t-SNE and UMAP: 3). */
export async function project(vectors: Float32Array, n: number, dim: number, options: ProjectionOptions): Promise<Projection> {
  if (n < 2) throw new WordloomError('EEMPTY', `a map needs at least 2 words, got ${n}`);
  if (vectors.length < n * dim) throw new RangeError(`project: ${vectors.length} numbers for ${n} x ${dim}`);
  const seed = options.seed ?? 1;
  const rows = toRows(vectors, n, dim);
  let points: number[][];
  switch (options.method) {
    case 'pca':
      points = principalComponents(rows, 2);
      break;
    case 'tsne':
      points = n < 3 ? principalComponents(rows, 2) : tsne(principalComponents(rows, Math.min(50, dim, n)), seed, options);
      break;
    case 'umap':
      points = await umap(rows, seed, options);
      break;
    default:
      throw new WordloomError('EOPTION', `unknown projection method ${JSON.stringify(options.method)} (expected ${PROJECTION_METHODS.join(', ')})`);
  }
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = points[i]![0] ?? 0;
    ys[i] = points[i]![1] ?? 0;
  }
  options.onProgress?.(1);
  return { xs, ys, method: options.method };
}

function toRows(vectors: Float32Array, n: number, dim: number): number[][] {
  const rows = new Array<number[]>(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(vectors.subarray(i * dim, (i + 1) * dim));
  return rows;
}

/**
 * The first `k` principal components. The covariance route (dim x dim) is used: it is much
 * faster than an SVD of n x dim for the tall matrices of word maps. Each component's sign is
 * fixed (its largest-magnitude loading positive) so a map never flips between library versions.
 */
function principalComponents(rows: number[][], k: number): number[][] {
  const dim = rows[0]!.length;
  const pca = new PCA(rows, { method: 'covarianceMatrix', center: true });
  const components = Math.min(k, dim);
  const projected = pca.predict(rows, { nComponents: components }).to2DArray();
  const loadings = pca.getLoadings().to2DArray(); // components x dim
  for (let c = 0; c < components; c++) {
    const row = loadings[c] ?? [];
    let largest = 0;
    for (const v of row) if (Math.abs(v) > Math.abs(largest)) largest = v;
    if (largest < 0) for (const p of projected) p[c] = -p[c]!;
  }
  // Fewer dimensions than asked (a 1-d set): pad with zeros.
  return projected.map((p) => (p.length >= k ? p : [...p, ...new Array<number>(k - p.length).fill(0)]));
}

function tsne(rows: number[][], seed: number, options: ProjectionOptions): number[][] {
  const n = rows.length;
  const d = rows[0]!.length;
  const x = new Float64Array(n * d);
  rows.forEach((r, i) => x.set(r, i * d));
  const y = barnesHutTsne(x, n, d, {
    seed,
    ...(options.perplexity !== undefined ? { perplexity: options.perplexity } : {}),
    ...(options.iterations !== undefined ? { iterations: options.iterations } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return Array.from({ length: n }, (_, i) => [y[2 * i]!, y[2 * i + 1]!]);
}

async function umap(rows: number[][], seed: number, options: ProjectionOptions): Promise<number[][]> {
  const n = rows.length;
  if (n < 3) return principalComponents(rows, 2);
  const rng = new SeededRandom(seed);
  const model = new UMAP({
    nComponents: 2,
    nNeighbors: options.neighbours ?? Math.max(2, Math.min(15, n - 1)),
    ...(options.iterations !== undefined ? { nEpochs: options.iterations } : {}),
    random: () => rng.nextFloat(),
  });
  const epochs = model.initializeFit(rows);
  const every = Math.max(1, Math.floor(epochs / 20));
  for (let i = 0; i < epochs; i++) {
    model.step();
    if (i % every === 0) options.onProgress?.(i / epochs);
  }
  return model.getEmbedding();
}
