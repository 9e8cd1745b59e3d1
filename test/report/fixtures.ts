/**
 * Fixtures for the report tests, made in code: vectors with planted groups and a planted
 * analogy, and a tiny character language model trained for a few steps.
 */
import { SeededRandom } from '../../src/embeddings/shared/rng.js';
import { VectorSet } from '../../src/vectors/vector-set.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { saveVectors } from '../../src/vectors/formats/index.js';

export const GROUPS = {
  fruit: ['apple', 'pear', 'plum', 'cherry', 'grape', 'peach'],
  tool: ['hammer', 'saw', 'drill', 'chisel', 'wrench', 'pliers'],
  colour: ['red', 'green', 'blue', 'yellow', 'purple', 'orange'],
} as const;

/** king - man + woman = queen holds by construction (royal, male and female directions). */
export const ANALOGY_WORDS = ['king', 'queen', 'man', 'woman', 'prince', 'princess'] as const;

export const DIM = 16;

/**
 * Group words: their group's centre (a basis direction) plus small seeded noise. Analogy words:
 * royal (dim 3) and male (4) / female (5) directions, so king - man + woman lands on queen.
 * A word with markup characters tests escaping.
 */
export function plantedVectors(seed = 3): KeyedVectors {
  const rng = new SeededRandom(seed);
  const noise = (): number => (rng.nextFloat() - 0.5) * 0.3;
  const words: string[] = [];
  const rows: number[][] = [];
  Object.values(GROUPS).forEach((group, g) => {
    for (const w of group) {
      const v = Array.from({ length: DIM }, noise);
      v[g] += 2;
      words.push(w);
      rows.push(v);
    }
  });
  const base: Record<string, number[]> = { king: [3, 4], queen: [3, 5], man: [4], woman: [5], prince: [3, 4, 6], princess: [3, 5, 6] };
  for (const w of ANALOGY_WORDS) {
    const v = Array.from({ length: DIM }, () => noise() * 0.1);
    for (const d of base[w]!) v[d] += 1;
    words.push(w);
    rows.push(v);
  }
  words.push('<b>&amp;');
  rows.push(Array.from({ length: DIM }, noise));
  return new KeyedVectors(new VectorSet(words, Float32Array.from(rows.flat()), DIM), { name: 'planted' });
}

export async function writePlantedVectors(path: string): Promise<KeyedVectors> {
  const vectors = plantedVectors();
  await saveVectors(path, vectors.set, { format: 'word2vec-text' });
  return vectors;
}

/** Short lines over a few letters: a character model learns them in a few steps. */
export function tinyLanguageText(lines = 80): string {
  const rng = new SeededRandom(11);
  const words = ['abc', 'bca', 'cab', 'dab', 'bad', 'cad'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(Array.from({ length: 2 + (rng.nextUint32() % 3) }, () => words[rng.nextUint32() % words.length]!).join(' '));
  return `${out.join('\n')}\n`;
}

/** Trains and saves a tiny character LSTM model (a second or two on the cpu backend). */
export async function writeTinyLanguageModel(dir: string): Promise<void> {
  const { trainLanguageModel } = await import('../../src/seq/lm/index.js');
  const model = await trainLanguageModel(tinyLanguageText(), { layers: 1, units: 8, embedding: 4, batch: 4, seqLen: 8, epochs: 1, lr: 0.02, threads: 1 });
  try {
    await model.save(dir);
  } finally {
    model.dispose();
  }
}
