/**
 * The k largest scores seen so far, in a min-heap of fixed size: offering n scores costs
 * O(n log k) with no allocation, instead of sorting all n. Equal scores keep the lower row
 * index first, so results are deterministic.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(Math.max(1, capacity));
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** The score a candidate must beat once the heap is full; -Infinity before. */
  get threshold(): number {
    return this.count < this.capacity ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  clear(): void {
    this.count = 0;
  }

  /** Offers rows 0..n-1 of `scores` (a tight loop: most rows fail the threshold test). */
  offerAll(scores: Float32Array | Float64Array, n: number): void {
    let threshold = this.threshold;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      if (s > threshold) {
        this.offer(s, i);
        threshold = this.threshold;
      }
    }
  }

  offer(score: number, id: number): void {
    if (this.capacity === 0 || Number.isNaN(score)) return;
    if (this.count < this.capacity) {
      let i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, id, parent)) break;
        this.scores[i] = this.scores[parent]!;
        this.ids[i] = this.ids[parent]!;
        i = parent;
      }
      this.scores[i] = score;
      this.ids[i] = id;
      return;
    }
    if (!this.better(score, id, 0)) return;
    // Replace the root (the current worst) and sift down.
    let i = 0;
    const n = this.count;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.worseAt(right, left) ? right : left;
      if (!this.worseThan(child, score, id)) break;
      this.scores[i] = this.scores[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.ids[i] = id;
  }

  /** Results best first. */
  sorted(): { ids: number[]; scores: number[] } {
    const order = Array.from({ length: this.count }, (_, i) => i);
    order.sort((a, b) => this.scores[b]! - this.scores[a]! || this.ids[a]! - this.ids[b]!);
    return { ids: order.map((i) => this.ids[i]!), scores: order.map((i) => this.scores[i]!) };
  }

  /** (score, id) ranks below heap slot j: lower score, or equal score and higher id. */
  private worse(score: number, id: number, j: number): boolean {
    const s = this.scores[j]!;
    return score < s || (score === s && id > this.ids[j]!);
  }

  private better(score: number, id: number, j: number): boolean {
    const s = this.scores[j]!;
    return score > s || (score === s && id < this.ids[j]!);
  }

  private worseAt(a: number, b: number): boolean {
    return this.worse(this.scores[a]!, this.ids[a]!, b);
  }

  /** Slot `child` ranks below the candidate (score, id). */
  private worseThan(child: number, score: number, id: number): boolean {
    const s = this.scores[child]!;
    return s < score || (s === score && this.ids[child]! > id);
  }
}
