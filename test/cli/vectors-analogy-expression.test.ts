import { describe, expect, it } from 'vitest';
import { parseAnalogyExpression } from '../../src/cli/similar.js';

describe('parseAnalogyExpression', () => {
  it('reads sums, glued signs and proportions', () => {
    const queen = { positive: ['king', 'woman'], negative: ['man'] };
    expect(parseAnalogyExpression('king - man + woman')).toEqual(queen);
    expect(parseAnalogyExpression('king -man +woman')).toEqual(queen);
    expect(parseAnalogyExpression('man:king::woman:?')).toEqual(queen);
    expect(parseAnalogyExpression('man : king :: woman : ?')).toEqual(queen);
    expect(parseAnalogyExpression('- man + king')).toEqual({ positive: ['king'], negative: ['man'] });
    expect(parseAnalogyExpression('paris')).toEqual({ positive: ['paris'], negative: [] });
  });

  it('rejects malformed expressions with a usage error', () => {
    for (const bad of ['king - - man', 'king man', 'king +', '- man', '']) {
      expect(() => parseAnalogyExpression(bad), bad).toThrow('cannot read analogy');
    }
  });
});
