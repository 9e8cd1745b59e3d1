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

/** Labelled lines (`__label__pos the film was good`) of the classifier tests' bag-of-words task. */
export async function sentimentLines(examples: number, seed: number): Promise<string> {
  const { sentimentTask } = await import('../seq/classify/fixtures.js');
  return `${sentimentTask(examples, seed).examples.map((e) => `__label__${e.label} ${e.text}`).join('\n')}\n`;
}

/**
 * Trains and saves a tiny classifier on the sentiment task over random vectors (well under a
 * second for avg; a few seconds for rnn on the cpu backend). avg uses word bigrams, so the
 * browser's n-gram hashing is exercised too.
 */
export async function writeTinyClassifier(dir: string, model: 'avg' | 'rnn'): Promise<void> {
  const { sentimentTask, randomVectors, SENTIMENT_VOCAB } = await import('../seq/classify/fixtures.js');
  const { trainClassifier } = await import('../../src/seq/classify/index.js');
  const options = model === 'avg'
    ? { model, wordNgrams: 2, buckets: 1000, epochs: 5, lr: 0.5, valFraction: 0, seed: 3, threads: 1 }
    : { model, units: 8, epochs: 2, batch: 16, lr: 0.02, pooling: 'max' as const, valFraction: 0, seed: 3, threads: 1 };
  const classifier = await trainClassifier(sentimentTask(200, 1), randomVectors(SENTIMENT_VOCAB, 8, 2), options);
  try {
    await classifier.save(dir);
  } finally {
    classifier.dispose();
  }
}

/** Trains and saves a tiny character seq2seq model that reverses digit strings (a few seconds on cpu). */
export async function writeTinySeq2seq(dir: string): Promise<void> {
  const { reversedDigits } = await import('../seq/seq2seq/fixtures.js');
  const { saveSeq2seqModel, trainSeq2seq } = await import('../../src/seq/seq2seq/index.js');
  const model = await trainSeq2seq(reversedDigits(3, 120, 2, 4), { units: 16, embedding: 8, batch: 16, lr: 0.01, valDecode: 10, threads: 1, epochs: 1 });
  try {
    await saveSeq2seqModel(model, dir);
  } finally {
    model.dispose();
  }
}
