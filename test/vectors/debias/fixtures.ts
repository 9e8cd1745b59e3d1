import { VectorSet } from '../../../src/vectors/vector-set.js';
import type { WordPairEntry } from '../../../src/vectors/debias/index.js';
import { seededGaussian } from '../fixtures.js';

export interface PlantedBias {
  set: VectorSet;
  /** The planted unit bias axis (float64). */
  axis: Float64Array;
  definitional: WordPairEntry[];
  equalize: WordPairEntry[];
  specific: string[];
  /** Neutral words, each with a planted bias along the axis (a standard normal multiple of it). */
  neutral: string[];
}

/**
 * Vectors with a planted bias axis: definitional and equalize pairs are a shared random base
 * plus or minus a multiple of the axis (female word first, on the + side) plus small noise;
 * gender-specific words lean far along the axis; neutral words are random plus a random
 * multiple of the axis.
 */
export function plantedBias(options: { dim?: number; neutral?: number; noise?: number; seed?: number } = {}): PlantedBias {
  const dim = options.dim ?? 24;
  const noise = options.noise ?? 0.05;
  const g = seededGaussian(options.seed ?? 7);
  const axis = Float64Array.from({ length: dim }, () => g());
  const axisNorm = Math.hypot(...axis);
  for (let k = 0; k < dim; k++) axis[k] = axis[k]! / axisNorm;
  const words: string[] = [];
  const rows: number[][] = [];
  const add = (word: string, base: number[], along: number, jitter: number) => {
    words.push(word);
    rows.push(base.map((x, k) => x + along * axis[k]! + jitter * g()));
  };
  const random = () => Array.from({ length: dim }, () => g());
  const pairs = (names: [string, string][], strength: number): WordPairEntry[] =>
    names.map(([f, m], i) => {
      const base = random();
      const s = strength * (0.8 + 0.1 * i);
      add(f, base, s, noise);
      add(m, base, -s, noise);
      return [f, m] as const;
    });
  const definitional = pairs(
    [['she', 'he'], ['her', 'his'], ['woman', 'man'], ['girl', 'boy'], ['mother', 'father'], ['daughter', 'son']],
    1.5,
  );
  const equalize = pairs([['queen', 'king'], ['sister', 'brother'], ['aunt', 'uncle'], ['niece', 'nephew']], 1.2);
  const specific = ['actress', 'beard', 'ballerina', 'fraternity'];
  specific.forEach((w, i) => add(w, random(), i % 2 === 0 ? 2 : -2, 0));
  const neutral: string[] = [];
  for (let i = 0; i < (options.neutral ?? 60); i++) {
    neutral.push(`job${i}`);
    add(`job${i}`, random(), g(), 0);
  }
  return { set: new VectorSet(words, Float32Array.from(rows.flat()), dim), axis, definitional, equalize, specific, neutral };
}

export function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

export function norm64(a: ArrayLike<number>): number {
  return Math.sqrt(dot64(a, a));
}
