import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateAnalogies, evaluateWordPairs, readAnalogyQuestions, readWordPairs } from '../../src/vectors/evaluate/index.js';
import { loadVectors } from '../../src/vectors/formats/index.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';

const DATA = new URL('../../../shared/data/', import.meta.url).pathname;
const GLOVE = `${DATA}embeddings/glove.6B.100d.top50k.txt.gz`;
const present = existsSync(GLOVE) && existsSync(`${DATA}eval/questions-words.txt`);
if (!present) console.warn(`skipping real GloVe tests: ${GLOVE} or ../shared/data/eval is not present`);

/** Numbers gensim 4.2 gives on the same file (KeyedVectors.load_word2vec_format(no_header=True)). */
describe.skipIf(!present)('shared GloVe 6B 100d top 50k', () => {
  it('loads, answers and evaluates exactly as gensim', async () => {
    const kv = await KeyedVectors.fromFile(GLOVE);
    const set = kv.set;
    expect([set.size, set.dim]).toEqual([50000, 100]);
    expect(set.words.slice(0, 4)).toEqual(['the', ',', '.', 'of']);
    expect(set.vectors.buffer.byteLength).toBeLessThanOrEqual(set.vectors.byteLength * 1.07);
    expect((await loadVectors(GLOVE, { limit: 10 })).words).toEqual(set.words.slice(0, 10));
    const top = kv.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 1 })[0]!;
    expect(top.word).toBe('queen');
    expect(top.similarity).toBeCloseTo(0.7698541, 5);
    const ws = evaluateWordPairs(kv, await readWordPairs(`${DATA}eval/wordsim353.txt`));
    expect(ws.spearman).toBeCloseTo(0.5503657381652559, 6);
    expect(ws.oov).toBe(4);
    const analogies = evaluateAnalogies(kv, await readAnalogyQuestions(`${DATA}eval/questions-words.txt`), { restrictVocab: 5000 });
    expect([analogies.total.correct, analogies.total.answered]).toEqual([2392, 3104]);
  });
});
