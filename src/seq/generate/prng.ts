/**
 * xoshiro128** (Blackman and Vigna, 2018): a small, fast, seeded generator with a 2^128 − 1
 * period, for sampling. Generation never reads Math.random: the same seed gives the same text.
 * Pure JavaScript (32-bit integer arithmetic), so it runs the same in Node and in a browser.
 */
export class Xoshiro128 {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * `seed` is any unsigned 32-bit integer; `stream` picks one of 2^32 independent-looking
   * streams for that seed (generation uses stream i for sample i, so sample 0 of a batch is the
   * text a single sample with the same seed gives).
   */
  constructor(seed: number, stream = 0) {
    this.reseed(seed, stream);
  }

  /** Restarts the generator as if it had just been constructed with these arguments. */
  reseed(seed: number, stream = 0): void {
    // splitmix32 over (seed, stream) fills the four words; they cannot all be zero in practice,
    // and the fallback keeps the all-zero state (a fixed point) out for certain.
    let x = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
    let y = stream | 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x ^ y;
      y = Math.imul(y ^ 0x5bd1e995, 0x27d4eb2f) | 0;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Sets the raw state (four 32-bit words, not all zero): for checking against published outputs. */
  setState(s0: number, s1: number, s2: number, s3: number): void {
    if (((s0 | s1 | s2 | s3) | 0) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
