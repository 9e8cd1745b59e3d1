/**
 * Generated pairs for the seq2seq tests, from the project's seeded generator.
 */
import { seededRandom } from '../../seeded-random.js';
import type { Pair } from '../../../src/seq/seq2seq/index.js';

/** `count` random digit strings of minLength..maxLength digits, each paired with its reverse. */
export function reversedDigits(seed: number, count: number, minLength = 3, maxLength = 6): Pair[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const n = minLength + Math.floor(next() * (maxLength - minLength + 1));
    const source = Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
    return { source, target: [...source].reverse().join('') };
  });
}
