import { describe, expect, it } from 'vitest';
import { cosMulScores } from '../../src/vectors/analogy-scores.js';
import { evaluateAnalogies } from '../../src/vectors/evaluate/analogies.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { randomSet, seededRandom } from './fixtures.js';

describe('one analogy scorer for queries and evaluation', () => {
  const kv = new KeyedVectors(randomSet(300, 12, 21));
  const random = seededRandom(5);
  const pick = () => kv.words[Math.floor(random() * kv.size)]!;
  const questions: [string, string, string][] = [];
  while (questions.length < 120) {
    const q: [string, string, string] = [pick(), pick(), pick()];
    if (new Set(q).size === 3) questions.push(q);
  }

  for (const method of ['3CosAdd', '3CosMul'] as const) {
    it(`${method}: the evaluation counts as correct exactly the answers KeyedVectors gives`, () => {
      const answer = ([a, b, c]: [string, string, string]) => {
        const query = { positive: [b, c], negative: [a], topn: 1 };
        return (method === '3CosAdd' ? kv.mostSimilar(query) : kv.mostSimilarCosMul(query))[0]!.word;
      };
      const report = evaluateAnalogies(
        kv,
        { sections: [{ name: 'random', questions: questions.map((q) => [...q, answer(q)] as [string, string, string, string]) }], skippedLines: [] },
        { caseInsensitive: false, method },
      );
      expect(report.total).toEqual({ correct: questions.length, answered: questions.length, accuracy: 1 });
    });
  }

  it('3CosMul writes into buffers the caller owns: KeyedVectors reuses its own for every query', () => {
    const first = kv.mostSimilarCosMul({ positive: ['w1', 'w2'], negative: ['w3'], topn: 3 });
    const out = new Float64Array(kv.size);
    const unit = (w: string) => kv.unitVector(w);
    cosMulScores(kv.unit, [unit('w1'), unit('w2')], [unit('w3')], kv.size, out);
    const best = first.map((n) => out[kv.indexOf(n.word)]);
    expect(first.map((n) => n.similarity)).toEqual(best);
    const buffer = (kv as unknown as { cosMulOut: Float64Array }).cosMulOut;
    kv.mostSimilarCosMul({ positive: ['w4'], negative: ['w5', 'w6'], topn: 3 });
    expect((kv as unknown as { cosMulOut: Float64Array }).cosMulOut).toBe(buffer);
    // several negative terms divide by the product of their scores
    const scratch = new Float64Array(kv.size);
    cosMulScores(kv.unit, [unit('w4')], [unit('w5'), unit('w6')], kv.size, out, scratch);
    const i = kv.indexOf('w7');
    const cos = (w: string) => (1 + kv.similarity(w, 'w7')) / 2;
    expect(out[i]).toBeCloseTo(cos('w4') / (cos('w5') * cos('w6') + 1e-6), 5);
    expect(() => cosMulScores(kv.unit, [unit('w4')], [unit('w5'), unit('w6')], kv.size, out)).toThrow(RangeError);
  });
});
