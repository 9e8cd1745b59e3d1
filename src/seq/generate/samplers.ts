/**
 * Samplers pick one token id from one sample's processed logits (transformers.js's
 * `src/generation/logits_sampler.js`): greedy takes the highest logit, multinomial draws from
 * softmax(logits) with a seeded generator. Neither allocates per call.
 */
import type { Xoshiro128 } from './prng.js';

export interface Sampler {
  /** A token id drawn from `logits` (one score per id; -Infinity means "never"). */
  sample(logits: Float32Array): number;
}

/** The id of the highest logit (the lowest such id on ties), or -1 when every logit is -Infinity or NaN. */
export function argmax(logits: Float32Array): number {
  let best = -1;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! > max) {
      max = logits[i]!;
      best = i;
    }
  }
  return best;
}

/** Greedy decoding: always the most probable token (what temperature 0 means). */
export class GreedySampler implements Sampler {
  sample(logits: Float32Array): number {
    const id = argmax(logits);
    if (id < 0) throw new RangeError('every token was suppressed or scored NaN: nothing left to sample');
    return id;
  }
}

/**
 * Draws token i with probability softmax(logits)_i, using one uniform from `rng` per draw
 * (inverse transform over the ids in order). The softmax is computed in float64 with the maximum
 * subtracted, so large logits neither overflow nor lose the small probabilities.
 */
export class MultinomialSampler implements Sampler {
  readonly rng: Xoshiro128;
  private weights = new Float64Array(0);
  constructor(rng: Xoshiro128) {
    this.rng = rng;
  }
  sample(logits: Float32Array): number {
    const n = logits.length;
    if (this.weights.length !== n) this.weights = new Float64Array(n);
    const w = this.weights;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
    if (max === -Infinity) throw new RangeError('every token was suppressed or scored NaN: nothing left to sample');
    if (max === Infinity) return argmax(logits); // an infinite logit takes all the mass
    let sum = 0;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const v = logits[i]!;
      const e = v > -Infinity ? Math.exp(v - max) : 0; // NaN fails the test too
      w[i] = e;
      sum += e;
      if (e > 0) last = i;
    }
    const u = this.rng.nextFloat() * sum;
    let cumulative = 0;
    for (let i = 0; i < n; i++) {
      cumulative += w[i]!;
      if (u < cumulative) return i;
    }
    return last; // u within rounding of the total
  }
}
