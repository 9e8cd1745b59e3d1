/**
 * A small seeded generator (mulberry32): training code must be reproducible from a seed, so
 * nothing in it reads Math.random. Period 2^32 is ample for per-thread subsampling and init.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = mixSeed(seed);
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The whole generator state (an unsigned 32-bit number), to continue the stream elsewhere. */
  getState(): number {
    return this.state >>> 0;
  }

  /** Continues the stream from a getState() value. */
  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new RangeError(`random state ${state} is not an unsigned 32-bit integer`);
    this.state = state | 0;
  }

  /** A uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }
}

/** Scrambles a seed (any finite number) so that nearby seeds give unrelated streams. */
export function mixSeed(seed: number, salt = 0): number {
  let h = (Math.floor(seed) ^ Math.imul(salt + 1, 0x9e3779b9)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
