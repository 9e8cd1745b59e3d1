/**
 * The options declarations: every trainer's defaults, recorded settings and flags come from one
 * table, so these check that the tables say what the trainers did before they were tables.
 */
import { describe, expect, it } from 'vitest';
import { RECORDED_OPTIONS, WORD2VEC_DEFAULTS, WORD2VEC_OPTION_SPECS, resolveWord2VecOptions } from '../../src/embeddings/word2vec/options.js';
import { checkSetting, defaultsOf, recordedKeysOf, sameSetting, type OptionSpec } from '../../src/util/option-spec.js';
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

  it("an 'integers' option takes one number or a comma list, each element checked against the range", () => {
    const spec: OptionSpec = { flag: '--units', kind: 'integers', min: 1, max: 100, help: 'units per layer', default: 8, defaultText: '8', recorded: true };
    expect(() => checkSetting(spec, 8)).not.toThrow();
    expect(() => checkSetting(spec, [8, 4])).not.toThrow();
    expect(() => checkSetting(spec, 0)).toThrow('option --units must be an integer between 1 and 100, got 0');
    expect(() => checkSetting(spec, [8, 101])).toThrow('option --units must be an integer between 1 and 100, got 101 (in 8,101)');
    expect(() => checkSetting(spec, [8, 2.5])).toThrow('option --units must be an integer between 1 and 100, got 2.5 (in 8,2.5)');
    expect(() => checkSetting(spec, [])).toThrow('option --units must be N or N,N,..., got an empty list');
    expect(() => checkSetting(spec, ['8'])).toThrow('option --units must be N or N,N,... (numbers), got ["8"]');
    const [flag] = specOptions({ units: spec });
    expect(flag!.option.flags).toBe('--units <n[,n...]>');
    expect(flag!.option.description).toBe('units per layer (N or N,N,...) (default: 8)');
    const parse = (value: string): unknown => flag!.option.parseArg!(value, undefined);
    expect(parse('12')).toBe(12);
    expect(parse('12,8')).toEqual([12, 8]);
    expect(() => parse('12,,8')).toThrow('--units expects N or N,N,..., got "12,,8"');
    expect(() => parse('12,0')).toThrow('option --units must be an integer between 1 and 100, got 0 (in 12,0)');
    expect(() => parse('12,x')).toThrow('--units expects an integer, got "x"');
  });

  it('compares settings by value: lists element by element, one number as a list of it', () => {
    expect(sameSetting(8, 8)).toBe(true);
    expect(sameSetting([12, 8], [12, 8])).toBe(true);
    expect(sameSetting([12, 8], [8, 12])).toBe(false);
    expect(sameSetting(8, [8, 8])).toBe(true);
    expect(sameSetting([8, 8], 8)).toBe(true);
    expect(sameSetting(8, [8, 4])).toBe(false);
    expect(sameSetting('adam', 'adam')).toBe(true);
  });
});
