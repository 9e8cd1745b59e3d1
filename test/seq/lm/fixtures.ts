/**
 * Generated texts for the language-model tests, from the project's seeded generator.
 */
import { seededRandom } from '../../seeded-random.js';

/**
 * A deterministic character sequence: a random cycle of `period` letters from `alphabet`, written
 * as lines of `lineLength` characters (each line end is an `<EOS>` token), `lines` lines long. With
 * lineLength = period (the default) every line is the same, so the next token is determined by
 * the position since the last `<EOS>` and a model can reach near-zero loss.
 */
export function cyclicText(seed: number, options: { period?: number; alphabet?: string; lineLength?: number; lines?: number } = {}): string {
  const { period = 12, alphabet = 'abcd', lines = 200 } = options;
  const lineLength = options.lineLength ?? period;
  const next = seededRandom(seed);
  const cycle = Array.from({ length: period }, () => alphabet[Math.floor(next() * alphabet.length)]!);
  const out: string[] = [];
  let k = 0;
  for (let l = 0; l < lines; l++) {
    let line = '';
    for (let c = 0; c < lineLength; c++) line += cycle[k++ % period];
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}

/** Random words from a small vocabulary, `lines` lines of 3..10 words. */
export function wordText(seed: number, lines = 50, words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'far', 'away']): string {
  const next = seededRandom(seed);
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    const n = 3 + Math.floor(next() * 8);
    out.push(Array.from({ length: n }, () => words[Math.floor(next() * words.length)]!).join(' '));
  }
  return out.join('\n');
}
