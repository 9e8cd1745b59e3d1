/**
 * One declaration per trainer of its options: for each setting its command-line flag, kind,
 * range, help, default and whether a checkpoint records it. From that one table come the
 * library defaults (defaultsOf), the validation (checkSettings), the recorded-settings list of the
 * checkpoints (recordedKeysOf) and, in src/cli/spec-options.ts, the flags and their help. Adding
 * a trainer or an option then touches one place instead of four.
 *
 * It lives in util because both trainer families use it (src/embeddings/*, src/seq/lm).
 */
import { WordloomError, checkOption } from '../errors.js';

/**
 * 'integers': one integer or a list of them (`--units 512` or `--units 512,256`), each checked
 * against min/max; a list's length is the trainer's to check against what it counts (layers).
 */
export type OptionKind = 'integer' | 'integers' | 'number' | 'boolean' | 'choice' | 'path';

/** How an 'integers' option is written: one number, or one per element. */
export const INTEGER_LIST_SYNTAX = 'N or N,N,...';

export interface OptionSpec<V = unknown> {
  /** The command-line flag (`--min-count` for minCount). */
  flag: string;
  kind: OptionKind;
  /** Inclusive bounds; `above` is an exclusive lower bound. */
  min?: number;
  max?: number;
  above?: number;
  choices?: readonly string[];
  help: string;
  /** Added in brackets to a range error (`0 means no limit`). */
  hint?: string;
  /** The library default when it is a constant; absent when it depends on other options or the machine. */
  default?: V;
  /** The default in words, for help texts. */
  defaultText: string;
  /** A checkpoint records it and a resumed run keeps the recorded value. */
  recorded: boolean;
  /** false: a library option only (the CLI sets it itself or does not offer it). Default true. */
  cli?: boolean;
}

/** The declaration of a settings type: every key, each with the spec of its value type. */
export type OptionSpecs<S> = { readonly [K in keyof S]-?: OptionSpec<S[K]> };

/** The keys whose spec declares a constant default. */
export type DefaultedKeys<Specs> = { [K in keyof Specs]: Specs[K] extends { default: unknown } ? K : never }[keyof Specs];
/** The keys a checkpoint records. */
export type RecordedKeys<Specs> = { [K in keyof Specs]: Specs[K] extends { recorded: true } ? K : never }[keyof Specs];

const entries = <K extends string>(specs: Readonly<Record<K, OptionSpec>>): [K, OptionSpec][] => Object.entries(specs) as [K, OptionSpec][];

/** The constant defaults, as an object (settings without a constant default are left out). */
export function defaultsOf<K extends string>(specs: Readonly<Record<K, OptionSpec>>): Partial<Record<K, unknown>> {
  return Object.fromEntries(entries(specs).filter(([, s]) => 'default' in s).map(([k, s]) => [k, s.default])) as Partial<Record<K, unknown>>;
}

/** The settings a checkpoint records, in declaration order. */
export function recordedKeysOf<K extends string>(specs: Readonly<Record<K, OptionSpec>>): K[] {
  return entries(specs).filter(([, s]) => s.recorded).map(([k]) => k);
}

/** The values of `keys` in `options`: what a checkpoint or a model's description records. */
export function recordedValues<O extends object, K extends keyof O>(options: O, keys: readonly K[]): Pick<O, K> {
  return Object.fromEntries(keys.map((k) => [k, options[k]])) as unknown as Pick<O, K>;
}

/** The fields of a partial options object that are set (undefined means "use the default"). */
export function definedOnly<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Whether two values of a setting are the same: lists element by element, and for an 'integers'
 * setting one number equals a list of that number only (`8` and `8,8` build the same layers).
 */
export function sameSetting(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x]);
    const [x, y] = [list(a), list(b)];
    if (!Array.isArray(a) || !Array.isArray(b)) return [...x, ...y].every((v) => v === x[0]);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return a === b;
}

/** Checks every declared setting of `values`; the first bad one throws EOPTION naming its flag and range. */
export function checkSettings<K extends string>(specs: Readonly<Record<K, OptionSpec>>, values: Readonly<Record<NoInfer<K>, unknown>>): void {
  for (const [key, spec] of entries(specs)) checkSetting(spec, values[key]);
}

/** Checks one value against its spec: one line naming the flag and what it accepts. */
export function checkSetting(spec: OptionSpec, value: unknown): void {
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number') {
        throw new WordloomError('EOPTION', `option ${spec.flag} must be a number, got ${JSON.stringify(value)}`);
      }
      if (spec.above !== undefined) {
        const inRange = Number.isFinite(value) && value > spec.above && (spec.max === undefined || value <= spec.max);
        if (!inRange) {
          const upTo = spec.max !== undefined ? ` and at most ${spec.max}` : '';
          const hint = spec.hint ? ` (${spec.hint})` : '';
          throw new WordloomError('EOPTION', `option ${spec.flag} must be a number greater than ${spec.above}${upTo}, got ${String(value)}${hint}`);
        }
      }
      const range: { min?: number; max?: number; integer: boolean } = { integer: spec.kind === 'integer' };
      if (spec.min !== undefined) range.min = spec.min;
      if (spec.max !== undefined) range.max = spec.max;
      checkOption(spec.flag, value, range, spec.hint);
      return;
    }
    case 'integers': {
      if (!Array.isArray(value)) return checkSetting({ ...spec, kind: 'integer' }, value);
      if (value.length === 0) throw new WordloomError('EOPTION', `option ${spec.flag} must be ${INTEGER_LIST_SYNTAX}, got an empty list`);
      for (const element of value) {
        if (typeof element !== 'number') {
          throw new WordloomError('EOPTION', `option ${spec.flag} must be ${INTEGER_LIST_SYNTAX} (numbers), got ${JSON.stringify(value)}`);
        }
        try {
          checkSetting({ ...spec, kind: 'integer' }, element);
        } catch (err) {
          if (!(err instanceof WordloomError)) throw err;
          throw new WordloomError('EOPTION', `${err.message} (in ${value.join(',')})`);
        }
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new WordloomError('EOPTION', `option ${spec.flag} is a switch (true or false), got ${JSON.stringify(value)}`);
      return;
    case 'choice':
      if (!spec.choices!.includes(value as string)) {
        throw new WordloomError('EOPTION', `option ${spec.flag} must be one of ${spec.choices!.join(', ')}, got ${String(value)}`);
      }
      return;
    case 'path':
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new WordloomError('EOPTION', `option ${spec.flag} must be a path, got ${JSON.stringify(value)}`);
      }
      return;
  }
}
