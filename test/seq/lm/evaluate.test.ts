/**
 * Validation figures on hand-checkable cases: a model whose logits are a known constant vector
 * (every weight zero but the output bias) scores exactly the mean of logsumexp(b) - b[target]
 * over the positions the stream layout predicts; evaluating the validation file of a run
 * reproduces the run's own validation figures.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLanguageModel, LanguageModel, trainLanguageModel, LANGUAGE_MODEL_FORMAT, LANGUAGE_MODEL_FORMAT_VERSION } from '../../../src/seq/lm/index.js';
import { buildNetwork } from '../../../src/seq/lm/network.js';
import { encodeText } from '../../../src/seq/lm/text-codec.js';
import { Vocabulary } from '../../../src/text/vocabulary.js';
import { useCpuBackend } from '../layers/harness.js';
import { cyclicText } from './fixtures.js';

beforeAll(useCpuBackend);
const dir = mkdtempSync(join(tmpdir(), 'wordloom-lm-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A char model over 'a', 'b' whose logits are always `bias` (all other weights zero). */
function constantModel(bias: number[]): LanguageModel {
  const vocabulary = Vocabulary.fromCounts([['<EOS>', 1], ['a', 2], ['b', 1]]);
  const architecture = { vocabularySize: vocabulary.size, cell: 'lstm' as const, layers: 1, units: 3, embedding: 2, tieWeights: false };
  let seed = 0;
  const model = buildNetwork(architecture, () => seed++);
  model.setWeights(model.getWeights().map((w, i, all) => (i === all.length - 1 ? tf.tensor1d(bias) : tf.zerosLike(w))));
  return new LanguageModel(model, vocabulary, {
    format: LANGUAGE_MODEL_FORMAT,
    version: LANGUAGE_MODEL_FORMAT_VERSION,
    level: 'char',
    tokenizer: 'characters',
    lowercase: false,
    architecture,
    training: null,
    validation: null,
  });
}

describe('evaluateLanguageModel', () => {
  it('a model with constant logits scores the mean of logsumexp(b) - b[target] over the predicted positions', async () => {
    const bias = [-1, 0.5, -2, 1, 2, 0];
    const lm = constantModel(bias);
    expect(lm.vocabulary.wordList()).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'a', 'b']);
    const lse = Math.log(bias.reduce((s, b) => s + Math.exp(b), 0));
    const text = 'aab\nba\nabba\n';
    const ids = Array.from(encodeText(text, lm.vocabulary, lm.textSettings)); // a a b EOS b a EOS a b b a EOS: 12 ids
    expect(ids).toEqual([4, 4, 5, 3, 5, 4, 3, 4, 5, 5, 4, 3]);
    for (const [batch, seqLen] of [[1, 5], [3, 2], [5, 64]] as const) {
      // streams of length L = floor(11 / batch); stream s predicts ids[s * L + 1 .. s * L + L].
      const L = Math.floor(11 / batch);
      let sum = 0;
      for (let s = 0; s < batch; s++) for (let t = 1; t <= L; t++) sum += lse - bias[ids[s * L + t]!]!;
      const expected = sum / (batch * L);
      const result = await evaluateLanguageModel(lm, text, { batch, seqLen });
      expect(result.tokens).toBe(batch * L);
      expect(result.loss).toBeCloseTo(expected, 6);
      expect(result.perplexity).toBeCloseTo(Math.exp(expected), 5);
      expect(result.bitsPerChar).toBeCloseTo(expected / Math.LN2, 6);
    }
    // 'c' is not in the vocabulary: it is <UNK> (id 1), scored like any other id.
    const unk = await evaluateLanguageModel(lm, 'ac\n', { batch: 1 });
    expect(unk.loss).toBeCloseTo((2 * lse - bias[1]! - bias[3]!) / 2, 6);
    await expect(evaluateLanguageModel(lm, '')).rejects.toThrow('the text is too short to evaluate: it needs at least 2 tokens, it has 0');
    lm.dispose();
  });

  it('evaluating the validation file of a run, or its saved folder, reproduces the run\'s validation figures', async () => {
    const train = join(dir, 'train.txt');
    const val = join(dir, 'val.txt');
    writeFileSync(train, cyclicText(41, { lines: 80 }));
    writeFileSync(val, cyclicText(42, { lines: 15 }));
    const lm = await trainLanguageModel([train], { valFile: val, layers: 1, units: 8, embedding: 4, batch: 4, seqLen: 8, epochs: 2, threads: 2 });
    const figures = await evaluateLanguageModel(lm, [val]);
    expect(figures).toEqual(lm.config.validation);
    await lm.save(join(dir, 'model'));
    expect(await evaluateLanguageModel(join(dir, 'model'), [val])).toEqual(lm.config.validation);
    lm.dispose();
  });
});
