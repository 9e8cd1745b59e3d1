/**
 * Barnes-Hut t-SNE (van der Maaten, "Accelerating t-SNE using Tree-Based Algorithms", JMLR 2014),
 * written here as a pure numeric kernel over typed arrays.
 *
 * Why our own: the npm registry has no maintained Barnes-Hut (or FFT-accelerated) t-SNE. The two
 * packages there, @keckelt/tsne (karpathy's tsnejs) and tsne-js, and druidjs's TSNE, are exact:
 * every pair at every iteration, O(n^2) time and memory; 5,000 words took minutes. This is
 * O(n log n) an iteration:
 *   - input similarities over each point's 3 * perplexity nearest neighbours only (tsne-affinities.ts);
 *   - attraction over those sparse pairs, repulsion from a quadtree whose far cells (seen at an
 *     angle under theta = 0.5) act through their centre of mass (tsne-quadtree.ts);
 *   - the paper's optimiser: early exaggeration 12 for the first 250 iterations (a quarter of a
 *     shorter run) with momentum 0.5,
 *     then momentum 0.8; per-coordinate gains (+0.2 / x0.8, at least 0.01); learning rate
 *     max(200, n / 12) (Belkina et al. 2019: n / exaggeration for large n; 200 below 2,400 points);
 *     the layout re-centred every iteration.
 * Deterministic: the starting layout is N(0, 1e-4) from the project's seeded generator and every
 * sum runs in a fixed order on one thread, so the same input and seed give the same coordinates
 * bit for bit.
 */
import { SeededRandom } from '../embeddings/shared/rng.js';
import { conditionalAffinities, nearestNeighbours, symmetrise, type SparseAffinities } from './tsne-affinities.js';
import { TsneQuadtree } from './tsne-quadtree.js';

export interface BarnesHutTsneOptions {
  /** Effective number of neighbours; needs n - 1 >= 3 * perplexity (clamped to that). Default 30. */
  perplexity?: number;
  /** Gradient steps, the first `exaggerationIterations` of them exaggerated. Default 1000. */
  iterations?: number;
  /** Opening angle: 0 is exact (and O(n^2)), larger is faster and coarser. Default 0.5. */
  theta?: number;
  /** Default max(200, n / 12). */
  learningRate?: number;
  /** Default 12. */
  exaggeration?: number;
  /** Default 250, or a quarter of `iterations` when that is less (a short run still gets to relax). */
  exaggerationIterations?: number;
  /** Seeds the starting layout. Default 1. */
  seed?: number;
  /** Called now and then with the share done (0..1): neighbours are the first 5%. */
  onProgress?: (fraction: number) => void;
}

/**
 * Embeds n rows of x (n x d, row-major) in the plane. Returns [x0, y0, x1, y1, ...], centred on 0.
 * Needs n >= 3 (smaller inputs: lay them out by hand).
 */
export function barnesHutTsne(x: Float64Array | Float32Array, n: number, d: number, options: BarnesHutTsneOptions = {}): Float64Array {
  if (n < 3) throw new RangeError(`barnesHutTsne: needs at least 3 points, got ${n}`);
  if (x.length < n * d) throw new RangeError(`barnesHutTsne: ${x.length} numbers for ${n} x ${d}`);
  const perplexity = Math.max(1, Math.min(options.perplexity ?? 30, (n - 1) / 3));
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const input = x instanceof Float64Array ? x : Float64Array.from(x.subarray(0, n * d));
  const { neighbours, distances } = nearestNeighbours(input, n, d, k);
  options.onProgress?.(0.05);
  const p = symmetrise(neighbours, conditionalAffinities(distances, n, k, perplexity), n, k);
  const iterations = options.iterations ?? 1000;
  return optimiseLayout(p, {
    iterations,
    theta: options.theta ?? 0.5,
    learningRate: options.learningRate ?? Math.max(200, n / 12),
    exaggeration: options.exaggeration ?? 12,
    exaggerationIterations: options.exaggerationIterations ?? Math.min(250, Math.floor(iterations / 4)),
    seed: options.seed ?? 1,
    ...(options.onProgress ? { onProgress: (f: number) => options.onProgress!(0.05 + 0.95 * f) } : {}),
  });
}

interface LayoutSettings {
  iterations: number;
  theta: number;
  learningRate: number;
  exaggeration: number;
  exaggerationIterations: number;
  seed: number;
  onProgress?: (fraction: number) => void;
}

const INITIAL_SPREAD = 1e-4;
const MIN_GAIN = 0.01;

/** Gradient descent on KL(P || Q) from a seeded random start. */
export function optimiseLayout(p: SparseAffinities, s: LayoutSettings): Float64Array {
  const n = p.n;
  const y = new Float64Array(2 * n);
  const gauss = gaussian(s.seed);
  for (let i = 0; i < 2 * n; i++) y[i] = INITIAL_SPREAD * gauss();
  const gradient = new Float64Array(2 * n);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const scratch = new Float64Array(2 * n);
  const tree = new TsneQuadtree(4 * n);
  const every = Math.max(1, Math.floor(s.iterations / 50));
  for (let it = 0; it < s.iterations; it++) {
    const exaggerated = it < s.exaggerationIterations;
    tsneGradient(p, y, exaggerated ? s.exaggeration : 1, s.theta, tree, gradient, scratch);
    const momentum = exaggerated ? 0.5 : 0.8;
    for (let i = 0; i < 2 * n; i++) {
      const g = gradient[i]!;
      const gain = Math.sign(g) !== Math.sign(update[i]!) ? gains[i]! + 0.2 : gains[i]! * 0.8;
      gains[i] = gain < MIN_GAIN ? MIN_GAIN : gain;
      update[i] = momentum * update[i]! - s.learningRate * gains[i]! * g;
      y[i]! += update[i]!;
    }
    recentre(y, n);
    if (s.onProgress && it % every === 0) s.onProgress(it / s.iterations);
  }
  return y;
}

/**
 * The gradient of KL(P || Q) at layout y (van der Maaten 2014, eq. 5-7) into `gradient`:
 *   dC/dy_i = 4 (exaggeration * sum_j p_ij q_ij Z (y_i - y_j) - sum_j q_ij^2 Z (y_i - y_j))
 * with q_ij Z = 1 / (1 + |y_i - y_j|^2); the attractive sum over P's nonzero pairs, the repulsive
 * one (and Z) through the quadtree. `scratch` (2n) holds the repulsive sums.
 */
export function tsneGradient(p: SparseAffinities, y: Float64Array, exaggeration: number, theta: number, tree: TsneQuadtree, gradient: Float64Array, scratch: Float64Array): void {
  const n = p.n;
  tree.build(y, n);
  scratch.fill(0);
  let z = 0;
  for (let i = 0; i < n; i++) z += tree.repulsion(i, y[2 * i]!, y[2 * i + 1]!, theta, scratch);
  const invZ = z > 0 ? 1 / z : 0;
  for (let i = 0; i < n; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    let ax = 0;
    let ay = 0;
    for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
      const j = p.cols[e]!;
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      const w = p.vals[e]! / (1 + dx * dx + dy * dy);
      ax += w * dx;
      ay += w * dy;
    }
    gradient[2 * i] = 4 * (exaggeration * ax - scratch[2 * i]! * invZ);
    gradient[2 * i + 1] = 4 * (exaggeration * ay - scratch[2 * i + 1]! * invZ);
  }
}

function recentre(y: Float64Array, n: number): void {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += y[2 * i]!;
    my += y[2 * i + 1]!;
  }
  mx /= n;
  my /= n;
  for (let i = 0; i < n; i++) {
    y[2 * i]! -= mx;
    y[2 * i + 1]! -= my;
  }
}

/** Standard normal numbers (Marsaglia's polar method) from the project's seeded generator. */
export function gaussian(seed: number): () => number {
  const rng = new SeededRandom(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * rng.nextFloat() - 1;
      const v = 2 * rng.nextFloat() - 1;
      const r = u * u + v * v;
      if (r === 0 || r >= 1) continue;
      const c = Math.sqrt((-2 * Math.log(r)) / r);
      spare = v * c;
      return u * c;
    }
  };
}
