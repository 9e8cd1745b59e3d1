/**
 * Command-line flags made from a trainer's options declaration (src/util/option-spec.ts): the
 * flag, its value parser, its range check (a bad value is a usage error, exit 2, with the
 * library's own message) and its help with the default. Flags map back onto the options object
 * one to one, so a trainer's command lists no option by hand.
 */
import { InvalidArgumentError, Option } from 'commander';
import { WordloomError } from '../errors.js';
import { checkSetting, INTEGER_LIST_SYNTAX, type OptionSpec } from '../util/option-spec.js';
import { integerOption, numberOption } from './option-parsers.js';

export interface SpecOption<K extends string> {
  key: K;
  option: Option;
}

export const withDefault = (help: string, defaultText: string): string => `${help} (default: ${defaultText})`;

/**
 * A value parser that reads the number and checks it against its declaration, so the range and
 * its message are the library's; cross-option rules are left to the trainer's resolve function.
 * `rename` maps a library name in the message to the flag (`option maxLength ` -> `option --length `).
 */
export function checkedNumber(flag: string, integer: boolean, check: (value: number) => void, rename?: [string, string]): (value: string) => number {
  const parse = integer ? integerOption(flag) : numberOption(flag);
  return (value: string): number => {
    const n = parse(value);
    try {
      check(n);
    } catch (err) {
      if (!(err instanceof WordloomError)) throw err;
      throw new InvalidArgumentError(rename ? err.message.replaceAll(rename[0], rename[1]) : err.message);
    }
    return n;
  };
}

/**
 * A parser for one integer or a comma list of them (`512` -> 512, `512,256` -> [512, 256]), each
 * read as an integer flag and the whole checked against its declaration.
 */
export function checkedIntegers(flag: string, check: (value: number | number[]) => void): (value: string) => number | number[] {
  const parse = integerOption(flag);
  return (value: string): number | number[] => {
    const parts = value.split(',');
    if (parts.some((p) => p.trim() === '')) throw new InvalidArgumentError(`${flag} expects ${INTEGER_LIST_SYNTAX}, got "${value}"`);
    const list = parts.map(parse);
    const result = list.length === 1 ? list[0]! : list;
    try {
      check(result);
    } catch (err) {
      if (!(err instanceof WordloomError)) throw err;
      throw new InvalidArgumentError(err.message);
    }
    return result;
  };
}

/**
 * The commander option of one declared setting. With `checkRange` false a number flag is only
 * parsed and its range is left to the trainer's resolve function (same message, without
 * commander's "see --help" tail), as word2vec's CLI has always reported it.
 */
export function specOption(spec: OptionSpec, defaultText = spec.defaultText, checkRange = true): Option {
  const help = withDefault(spec.help, defaultText);
  switch (spec.kind) {
    case 'boolean':
      return new Option(spec.flag, help);
    case 'choice':
      return new Option(`${spec.flag} <name>`, help).choices(spec.choices!);
    case 'path':
      return new Option(`${spec.flag} <path>`, help);
    case 'integers':
      return new Option(`${spec.flag} <n[,n...]>`, withDefault(`${spec.help} (${INTEGER_LIST_SYNTAX})`, defaultText)).argParser(
        checkedIntegers(spec.flag, (list) => (checkRange ? checkSetting(spec, list) : undefined)),
      );
    case 'integer':
    case 'number':
      return new Option(`${spec.flag} <${spec.kind === 'integer' ? 'n' : 'x'}>`, help).argParser(
        checkedNumber(spec.flag, spec.kind === 'integer', (n) => (checkRange ? checkSetting(spec, n) : undefined)),
      );
  }
}

/**
 * The flags of every declared setting offered on the command line (spec.cli !== false), in
 * declaration order; `defaultText` replaces the help's default where the CLI's differs.
 */
export function specOptions<K extends string>(
  specs: Readonly<Record<K, OptionSpec>>,
  { defaultText = {}, omit = [], checkRange = true }: { defaultText?: Partial<Record<K, string>>; omit?: readonly K[]; checkRange?: boolean } = {},
): SpecOption<K>[] {
  return (Object.entries(specs) as [K, OptionSpec][])
    .filter(([key, spec]) => spec.cli !== false && !omit.includes(key))
    .map(([key, spec]) => ({ key, option: specOption(spec, defaultText[key], checkRange) }));
}

/** The options object of the flags that were given (absent flags stay absent: the library's defaults apply). */
export function settingsFromFlags<K extends string>(options: readonly SpecOption<K>[], flags: Record<string, unknown>): Partial<Record<K, unknown>> {
  const partial: Partial<Record<K, unknown>> = {};
  for (const { key, option } of options) {
    const value = flags[option.attributeName()];
    if (value !== undefined) partial[key] = value;
  }
  return partial;
}
