/**
 * Corpus BLEU on hand-computed cases and against NLTK's corpus_bleu figure on the same output;
 * exact match and token accuracy.
 */
import { describe, expect, it } from 'vitest';
import { corpusBleu, sequenceAccuracy } from '../../../src/seq/metrics/index.js';

const words = (s: string): string[] => s.split(' ');

describe('corpusBleu', () => {
  it('a perfect match scores 1; a hypothesis with no 4-gram match scores 0', () => {
    expect(corpusBleu([words('a b c d e')], [words('a b c d e')]).bleu).toBe(1);
    const r = corpusBleu([words('the the the the')], [words('the cat')]);
    expect(r.precisions[0]).toBe(1 / 4); // "the" clipped to its one occurrence in the reference
    expect(r.bleu).toBe(0);
  });

  it('hand-computed: precisions 5/5, 3/4, 2/3, 1/2 and brevity penalty exp(1 - 6/5)', () => {
    const r = corpusBleu([words('the cat sat on mat')], [words('the cat sat on the mat')]);
    expect(r.precisions).toEqual([1, 3 / 4, 2 / 3, 1 / 2]);
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(-0.2), 15);
    expect(r.bleu).toBeCloseTo(Math.exp(-0.2) * Math.pow(1 * 0.75 * (2 / 3) * 0.5, 0.25), 15);
  });

  it('counts are summed over the corpus before dividing (not an average of sentence scores), as NLTK corpus_bleu', () => {
    const hyps = [words('the cat is on the mat'), words('there is a cat here'), words('a b c d e f g')];
    const refs = [[words('the cat sat on the mat')], [words('there is a cat on the mat')], [words('a b c d x f g h'), words('a b c d e f y')]];
    // nltk.translate.bleu_score.corpus_bleu(refs, hyps) with NLTK 3.8
    expect(corpusBleu(hyps, refs).bleu).toBeCloseTo(0.5863581860801406, 12);
    // the first hypothesis alone has no 4-gram match: 0 alone, yet the corpus scores well above 0
    expect(corpusBleu([hyps[0]!], [refs[0]!]).bleu).toBe(0);
  });

  it('with several references the closest length is the reference length (the shorter on a tie)', () => {
    const r = corpusBleu([words('a b c d e')], [[words('a b c d e f g'), words('a b c')]]);
    expect(r.referenceLength).toBe(3);
    expect(r.brevityPenalty).toBe(1);
    expect(corpusBleu([words('a b c d')], [[words('a b c d e'), words('a b c')]]).referenceLength).toBe(3);
  });
});

describe('sequenceAccuracy', () => {
  it('exact match per sequence, token accuracy per reference position', () => {
    const r = sequenceAccuracy([['1', '2', '3'], ['1', '2'], ['9', '2', '3', '4']], [['1', '2', '3'], ['1', '2', '3'], ['1', '2', '3']]);
    expect(r.exactMatch).toBe(1 / 3);
    expect(r.tokenAccuracy).toBe((3 + 2 + 2) / 9);
    expect(r.sequences).toBe(3);
  });
});
