/** Generated classification tasks and word vectors for the classifier tests (no data files needed). */
import { writeFileSync } from 'node:fs';
import { VectorSet } from '../../../src/vectors/vector-set.js';
import { parseLabelledText, type LabelledSet } from '../../../src/seq/classify/index.js';
import { seededRandom } from '../../seeded-random.js';

/** Random vectors (uniform in ±1) for `words`. */
export function randomVectors(words: readonly string[], dim: number, seed: number): VectorSet {
  const next = seededRandom(seed);
  const values = new Float32Array(words.length * dim);
  for (let i = 0; i < values.length; i++) values[i] = 2 * next() - 1;
  return new VectorSet(words.slice(), values, dim);
}

export const FILLERS = ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'];
export const ORDER_WORDS = ['alpha', 'beta', ...FILLERS];

/**
 * A task only word order solves: every sentence holds `alpha` and `beta` once among random fillers;
 * the label is 1 when alpha comes first. The bag of words says nothing about the label.
 */
export function orderTask(examples: number, seed: number): LabelledSet {
  const next = seededRandom(seed);
  const lines: string[] = [];
  for (let i = 0; i < examples; i++) {
    const words = Array.from({ length: 2 + Math.floor(next() * 3) }, () => FILLERS[Math.floor(next() * FILLERS.length)]!);
    const a = Math.floor(next() * (words.length + 1));
    words.splice(a, 0, 'alpha');
    const b = Math.floor(next() * (words.length + 1));
    words.splice(b, 0, 'beta');
    lines.push(`${words.indexOf('alpha') < words.indexOf('beta') ? 1 : 0}\t${words.join(' ')}`);
  }
  return parseLabelledText(lines.join('\n'), `order-task-${seed}`);
}

export const SENTIMENT_WORDS = { pos: ['good', 'great', 'fine', 'nice'], neg: ['bad', 'awful', 'poor', 'dull'], neutral: ['film', 'the', 'a', 'plot', 'was', 'it'] };

/** A task the bag of words solves: the label is which of a positive or a negative word the sentence holds. */
export function sentimentTask(examples: number, seed: number): LabelledSet {
  const next = seededRandom(seed);
  const pick = (list: readonly string[]): string => list[Math.floor(next() * list.length)]!;
  const lines: string[] = [];
  for (let i = 0; i < examples; i++) {
    const positive = next() < 0.5;
    const words = Array.from({ length: 3 + Math.floor(next() * 3) }, () => pick(SENTIMENT_WORDS.neutral));
    words.splice(Math.floor(next() * words.length), 0, pick(positive ? SENTIMENT_WORDS.pos : SENTIMENT_WORDS.neg));
    lines.push(`__label__${positive ? 'pos' : 'neg'} ${words.join(' ')}`);
  }
  return parseLabelledText(lines.join('\n'), `sentiment-task-${seed}`);
}

export const SENTIMENT_VOCAB = [...SENTIMENT_WORDS.pos, ...SENTIMENT_WORDS.neg, ...SENTIMENT_WORDS.neutral];

/** `label<TAB>text` lines of a labelled set, as a classify training file holds them. */
export function labelledLines(set: LabelledSet): string {
  return `${set.examples.map((e) => `${e.label}\t${e.text}`).join('\n')}\n`;
}

/** Writes random `dim`-dimensional vectors of `words` as a GloVe-style text file (no header). */
export function writeVectorsFile(path: string, words: readonly string[], dim: number, seed: number): void {
  const v = randomVectors(words, dim, seed);
  writeFileSync(path, v.words.map((w, i) => `${w} ${Array.from(v.vectors.subarray(i * dim, i * dim + dim), (x) => x.toFixed(5)).join(' ')}`).join('\n') + '\n');
}
