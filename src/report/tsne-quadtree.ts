/**
 * The quadtree of Barnes-Hut t-SNE (van der Maaten 2014): every cell holds the number of points
 * under it and their centre of mass, so the repulsion of a far cell is computed once for all its
 * points. Nodes live in flat typed arrays that are kept and reused from one iteration to the next
 * (build() clears them, and grows them only when a layout needs more nodes than any before).
 *
 * A leaf holds one point; points at exactly the same place (or closer than MIN_HALF_WIDTH, where
 * splitting would go on for ever) share one leaf, which then counts them all.
 */

/** Below this half-width a cell is not split again: its points are treated as one place. */
const MIN_HALF_WIDTH = 1e-10;
const NO_CHILD = -1;

export class TsneQuadtree {
  /** Cell centre and half-width. */
  private cx: Float64Array;
  private cy: Float64Array;
  private half: Float64Array;
  /** Sum of the coordinates of the points under the cell (centre of mass = sum / count). */
  private sumX: Float64Array;
  private sumY: Float64Array;
  private count: Int32Array;
  /** Index of the first of 4 children (NO_CHILD for a leaf). */
  private child: Int32Array;
  /** A leaf's (first) point, -1 when empty. */
  private point: Int32Array;
  /**
   * What the traversal reads, packed per cell for locality (4 floats: centre of mass x, y, squared
   * width, count), written by build() once the tree is complete.
   */
  private packed: Float64Array;
  private nodes = 0;
  /** Depth-first traversal stack, sized for the deepest tree splits can make. */
  private readonly stack = new Int32Array(4 * 1100);

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.cx = new Float64Array(c);
    this.cy = new Float64Array(c);
    this.half = new Float64Array(c);
    this.sumX = new Float64Array(c);
    this.sumY = new Float64Array(c);
    this.count = new Int32Array(c);
    this.child = new Int32Array(c);
    this.point = new Int32Array(c);
    this.packed = new Float64Array(4 * c);
  }

  /** Cells in use after the last build(). */
  get size(): number {
    return this.nodes;
  }

  /** Builds the tree of n points y = [x0, y0, x1, y1, ...]. */
  build(y: Float64Array, n: number): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i]!;
      const py = y[2 * i + 1]!;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
    this.nodes = 0;
    // A little margin so points on the border fall strictly inside.
    const half = Math.max(maxX - minX, maxY - minY, MIN_HALF_WIDTH) * 0.5 * (1 + 1e-5) + 1e-5;
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, half);
    for (let i = 0; i < n; i++) this.insert(i, y[2 * i]!, y[2 * i + 1]!);
    if (this.packed.length < 4 * this.nodes) this.packed = new Float64Array(4 * this.cx.length);
    const packed = this.packed;
    for (let k = 0; k < this.nodes; k++) {
      const count = this.count[k]!;
      const width = 2 * this.half[k]!;
      packed[4 * k] = count > 0 ? this.sumX[k]! / count : 0;
      packed[4 * k + 1] = count > 0 ? this.sumY[k]! / count : 0;
      packed[4 * k + 2] = width * width;
      packed[4 * k + 3] = count;
    }
  }

  private newNode(x: number, y: number, half: number): number {
    if (this.nodes === this.cx.length) this.grow();
    const k = this.nodes++;
    this.cx[k] = x;
    this.cy[k] = y;
    this.half[k] = half;
    this.sumX[k] = 0;
    this.sumY[k] = 0;
    this.count[k] = 0;
    this.child[k] = NO_CHILD;
    this.point[k] = -1;
    return k;
  }

  private grow(): void {
    const c = this.cx.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    this.cx = f(this.cx);
    this.cy = f(this.cy);
    this.half = f(this.half);
    this.sumX = f(this.sumX);
    this.sumY = f(this.sumY);
    this.count = g(this.count);
    this.child = g(this.child);
    this.point = g(this.point);
  }

  /** The child of `node` whose quadrant holds (x, y): 0 = west-south, 1 = east-south, 2 = west-north, 3 = east-north. */
  private quadrant(node: number, x: number, y: number): number {
    return this.child[node]! + (x > this.cx[node]! ? 1 : 0) + (y > this.cy[node]! ? 2 : 0);
  }

  private insert(p: number, x: number, y: number): void {
    let node = 0;
    for (;;) {
      this.count[node]!++;
      this.sumX[node]! += x;
      this.sumY[node]! += y;
      if (this.child[node] !== NO_CHILD) {
        node = this.quadrant(node, x, y);
        continue;
      }
      if (this.count[node] === 1) {
        this.point[node] = p; // an empty leaf takes the point
        return;
      }
      // A leaf that had a point: split it, unless the points cannot be told apart.
      const half = this.half[node]! / 2;
      const other = this.point[node]!;
      const ox = (this.sumX[node]! - x) / (this.count[node]! - 1);
      const oy = (this.sumY[node]! - y) / (this.count[node]! - 1);
      if (half < MIN_HALF_WIDTH || (ox === x && oy === y)) return; // shared leaf: counted, centre of mass updated
      const first = this.nodes;
      // Children are created before the index is stored: newNode may grow (replace) the arrays.
      this.newNode(this.cx[node]! - half, this.cy[node]! - half, half);
      this.newNode(this.cx[node]! + half, this.cy[node]! - half, half);
      this.newNode(this.cx[node]! - half, this.cy[node]! + half, half);
      this.newNode(this.cx[node]! + half, this.cy[node]! + half, half);
      this.child[node] = first;
      this.point[node] = -1;
      // The old point (or old shared leaf of count - 1 points) moves down as it was.
      const moved = this.quadrant(node, ox, oy);
      this.count[moved] = this.count[node]! - 1;
      this.sumX[moved] = this.sumX[node]! - x;
      this.sumY[moved] = this.sumY[node]! - y;
      this.point[moved] = other;
      node = this.quadrant(node, x, y);
    }
  }

  /**
   * The repulsion on point i at (x, y): adds sum_j q_ij^2 (y_i - y_j) to force[2i], force[2i + 1]
   * (with q_ij = 1 / (1 + |y_i - y_j|^2) unnormalised) and returns sum_j q_ij (its share of Z), where
   * a cell seen at an angle smaller than theta (its width / its distance < theta) stands for all
   * its points at their centre of mass. theta = 0 is exact.
   */
  repulsion(i: number, x: number, y: number, theta: number, force: Float64Array): number {
    const stack = this.stack;
    const packed = this.packed;
    const child = this.child;
    const point = this.point;
    const theta2 = theta * theta;
    const tiny = MIN_HALF_WIDTH * MIN_HALF_WIDTH;
    let top = 0;
    stack[top++] = 0;
    let z = 0;
    let fx = 0;
    let fy = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const b = 4 * node;
      const count = packed[b + 3]!;
      if (count === 0) continue;
      const dx = x - packed[b]!;
      const dy = y - packed[b + 1]!;
      const d2 = dx * dx + dy * dy;
      const c = child[node]!;
      if (c === NO_CHILD) {
        // i's own leaf (its centre of mass is i's place up to rounding), with any points at the
        // very same place: no force, q = 1 each, i itself left out.
        if (point[node] === i || d2 < tiny) {
          z += count - 1;
          continue;
        }
      } else if (packed[b + 2]! >= theta2 * d2) {
        stack[top++] = c;
        stack[top++] = c + 1;
        stack[top++] = c + 2;
        stack[top++] = c + 3;
        continue;
      }
      const q = 1 / (1 + d2);
      const mq = count * q;
      z += mq;
      const mq2 = mq * q;
      fx += mq2 * dx;
      fy += mq2 * dy;
    }
    force[2 * i]! += fx;
    force[2 * i + 1]! += fy;
    return z;
  }
}
