/**
 * The options declarations: every trainer's defaults, recorded settings and flags come from one
 * table, so these check that the tables say what the trainers did before they were tables.
 */
import { describe, expect, it } from 'vitest';
import { RECORDED_OPTIONS, WORD2VEC_DEFAULTS, WORD2VEC_OPTION_SPECS, resolveWord2VecOptions } from '../../src/embeddings/word2vec/options.js';
import { checkSetting, defaultsOf, recordedKeysOf, type OptionSpec } from '../../src/util/option-spec.js';
import { specOptions, settingsFromFlags } from '../../src/cli/spec-options.js';

const kebab = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

describe('option declarations', () => {
  it('derive defaults and recorded settings from the table', () => {
    const specs: Record<'a' | 'b' | 'c', OptionSpec> = {
      a: { flag: '--a', kind: 'integer', min: 1, help: 'a', default: 3, defaultText: '3', recorded: true },
      b: { flag: '--b', kind: 'number', above: 0, help: 'b', defaultText: 'depends', recorded: false },
      c: { flag: '--c', kind: 'boolean', help: 'c', default: false, defaultText: 'off', recorded: true, cli: false },
    };
    expect(defaultsOf(specs)).toEqual({ a: 3, c: false });
    expect(recordedKeysOf(specs)).toEqual(['a', 'c']);
    expect(specOptions(specs).map((o) => o.option.long)).toEqual(['--a', '--b']);
    expect(() => checkSetting(specs.b, Infinity)).toThrow('option --b must be a number greater than 0, got Infinity');
  });

  it("word2vec's table keeps its flags, defaults and checkpoint fields", () => {
    for (const [key, spec] of Object.entries(WORD2VEC_OPTION_SPECS)) expect(spec.flag, key).toBe(kebab(key));
    expect(WORD2VEC_DEFAULTS).toMatchObject({ cbow: false, hs: false, dim: 100, window: 5, negative: 5, sample: 1e-3, minCount: 5, maxVocab: 0, epochs: 5, seed: 1 });
    expect([...RECORDED_OPTIONS].sort()).toEqual(
      ['cbow', 'hs', 'dim', 'window', 'negative', 'sample', 'minCount', 'maxVocab', 'epochs', 'alpha', 'minAlpha', 'seed', 'lowercase', 'tokenizer', 'maxSentence'].sort(),
    );
    expect(resolveWord2VecOptions({ cbow: true })).toMatchObject({ alpha: 0.05, minAlpha: 0.05 * 1e-4 });
    expect(() => resolveWord2VecOptions({ maxVocab: -1 })).toThrow('option --max-vocab must be an integer at least 0, got -1 (0 means no limit)');
    const flags = specOptions(WORD2VEC_OPTION_SPECS);
    expect(flags.some((f) => f.key === 'tmpDir' || f.key === 'checkpoint' || f.key === 'maxSentence')).toBe(false);
    expect(settingsFromFlags(flags, { minCount: 2, window: undefined })).toEqual({ minCount: 2 });
  });
});
