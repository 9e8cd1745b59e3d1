import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeyedVectors } from '../../../src/vectors/keyed-vectors.js';
import { debiasWithReport, readPairList, readWordList } from '../../../src/vectors/debias/index.js';

const DATA = new URL('../../../../shared/data/', import.meta.url).pathname;
const GLOVE = `${DATA}embeddings/glove.6B.100d.top50k.txt.gz`;
const present = existsSync(GLOVE) && existsSync(`${DATA}debias/professions.json`);
if (!present) console.warn(`skipping the GloVe debiasing test: ${GLOVE} or ../shared/data/debias is not present`);

describe.skipIf(!present)('hard debiasing of the shared GloVe 6B 100d top 50k', () => {
  it('removes direct bias on professions, keeps gendered analogies, equalizes symmetrically', async () => {
    const kv = await KeyedVectors.fromFile(GLOVE);
    const list = (name: string) => `${DATA}debias/${name}.json`;
    const r = debiasWithReport(kv, {
      definitional: await readPairList(list('definitional_pairs')),
      equalize: await readPairList(list('equalize_pairs')),
      specific: await readWordList(list('gender_specific_full')),
      neutral: await readWordList(list('professions')),
    });
    expect(r.direction.pairs.length).toBe(10);
    expect(r.direction.explainedVariance[0]).toBeGreaterThan(1.5 * r.direction.explainedVariance[1]!);
    expect(r.before.directBias).toBeGreaterThan(0.1);
    expect(r.after.directBias).toBeLessThan(1e-6);
    expect(r.symmetry.symmetric).toBe(true);
    const probe = (m: typeof r.before, query: string) => m.probes.find((p) => p.query === query)!.answers[0]!.word;
    expect(probe(r.before, 'he:janitor::she:?')).toBe('housekeeper');
    expect(probe(r.after, 'he:janitor::she:?')).not.toBe('housekeeper');
    expect(probe(r.after, 'man:king::woman:?')).toBe('queen');
    expect(probe(r.after, 'he:brother::she:?')).toBe('sister');
  });
});
