/**
 * An ensemble of recurrent classifiers is one classifier: its probabilities are the mean of its
 * members', it saves and loads with identical predictions, its model.json loads in plain
 * @tensorflow/tfjs and agrees, and members that read text differently are refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensembleClassifiers, loadClassifier, trainClassifier } from '../../../src/seq/classify/index.js';
import { encodeTexts } from '../../../src/seq/classify/word-table.js';
import { useCpuBackend } from '../layers/harness.js';
import { predictWithPlainTfjs } from '../plain-tfjs.js';
import { randomVectors, SENTIMENT_VOCAB, sentimentTask } from './fixtures.js';

beforeAll(useCpuBackend);

const texts = ['good film', 'the plot was awful', 'it was a fine nice film', 'dull'];

describe('classifier ensembles', () => {
  const vectors = randomVectors(SENTIMENT_VOCAB, 6, 7);
  const task = sentimentTask(120, 2);

  it('average their members, save as one plain tfjs model and load back the same', async () => {
    const a = await trainClassifier(task, vectors, { model: 'rnn', units: 5, epochs: 2, valFraction: 0, threads: 1, seed: 1, bidirectional: true, pooling: 'max' });
    const b = await trainClassifier(task, vectors, { model: 'rnn', units: 4, epochs: 2, valFraction: 0, threads: 1, seed: 2, cell: 'gru', pooling: 'max-mean' });
    const ensemble = ensembleClassifiers([a, b], ['a', 'b']);
    const pa = a.probabilities(texts).probabilities;
    const pb = b.probabilities(texts).probabilities;
    const pe = ensemble.probabilities(texts).probabilities;
    pe.forEach((p, i) => expect(p).toBeCloseTo((pa[i]! + pb[i]!) / 2, 6));
    expect(ensemble.config.ensemble!.sources).toEqual(['a', 'b']);

    const dir = join(mkdtempSync(join(tmpdir(), 'wordloom-ensemble-')), 'model');
    await ensemble.save(dir);
    const loaded = await loadClassifier(dir);
    expect(loaded.probabilities(texts).probabilities).toEqual(pe);
    // Plain tfjs, one sentence at a time (no padding, so max pooling needs no mask).
    const inputs = texts.map((t) => {
      const e = encodeTexts([a.tokenize(t)], a.vocabulary);
      return { values: Array.from(e.ids), shape: [1, e.ids.length] };
    });
    const plain = predictWithPlainTfjs({ ensemble: dir }, inputs)['ensemble']!;
    expect(plain.classes[plain.classes.length - 1]).toBe('Average');
    plain.results.flatMap((r) => r.values).forEach((p, i) => expect(p, String(i)).toBeCloseTo(pe[i]!, 5));
    for (const c of [a, b, ensemble, loaded]) c.dispose();
  });

  it('refuses averaged members and members with another vocabulary', async () => {
    const rnn = await trainClassifier(task, vectors, { model: 'rnn', units: 3, epochs: 1, valFraction: 0, threads: 1 });
    const avg = await trainClassifier(task, vectors, { model: 'avg', epochs: 1, valFraction: 0 });
    const other = await trainClassifier(sentimentTask(120, 2), randomVectors(SENTIMENT_VOCAB.slice(2), 6, 7), { model: 'rnn', units: 3, epochs: 1, valFraction: 0, threads: 1, unknown: 'unk' });
    expect(() => ensembleClassifiers([rnn], ['r'])).toThrow('an ensemble needs at least 2 classifiers (got 1)');
    expect(() => ensembleClassifiers([rnn, avg], ['r', 'v'])).toThrow('v is an avg classifier; an ensemble is made of single recurrent (rnn) classifiers');
    expect(() => ensembleClassifiers([rnn, other], ['r', 'o'])).toThrow(/o reads text differently from r \(unknown, vocabulary\)/);
    for (const c of [rnn, avg, other]) c.dispose();
  });
});
