/**
 * The word lists debiasing reads: words (gender-specific, neutral) and pairs (definitional,
 * equalize). A file is either a JSON array, as in Bolukbasi et al.'s debiaswe (`["he", "his"]`,
 * `[["woman", "man"], ...]`, or professions as `[["accountant", 0.0, 0.4], ...]`, the first
 * element being the word), or plain text with one entry per line: a word (anything after the
 * first space or tab is ignored, so a `word<TAB>count` vocabulary works), or two words for a pair.
 * Blank lines and lines starting with `#` are skipped. Plain or .gz.
 */
import { WordloomError } from '../../errors.js';
import { readEvalFile } from '../evaluate/read-eval-file.js';

/** Two words, the first of the pole the bias direction points to (e.g. ["she", "he"]). */
export type WordPairEntry = readonly [string, string];

/**
 * Built-in definitional pairs (those of Bolukbasi et al. 2016), female word first, so that the
 * bias direction points from the male to the female pole.
 */
export const DEFAULT_DEFINITIONAL_PAIRS: readonly WordPairEntry[] = [
  ['she', 'he'],
  ['her', 'his'],
  ['woman', 'man'],
  ['girl', 'boy'],
  ['mother', 'father'],
  ['daughter', 'son'],
  ['female', 'male'],
  ['herself', 'himself'],
  ['gal', 'guy'],
  ['Mary', 'John'],
];

/** Built-in neutral words for the metrics when no list is given: common professions, none of them gendered. */
export const DEFAULT_NEUTRAL_WORDS: readonly string[] = [
  'accountant', 'architect', 'banker', 'boss', 'bookkeeper', 'captain', 'carpenter', 'cashier', 'chef',
  'clerk', 'dancer', 'dentist', 'designer', 'detective', 'doctor', 'economist', 'engineer', 'farmer',
  'financier', 'firefighter', 'hairdresser', 'homemaker', 'janitor', 'judge', 'lawyer', 'librarian',
  'magician', 'manager', 'mechanic', 'nanny', 'nurse', 'philosopher', 'photographer', 'physician',
  'pilot', 'plumber', 'professor', 'programmer', 'receptionist', 'scientist', 'secretary', 'soldier',
  'stylist', 'surgeon', 'teacher', 'warrior', 'writer',
];

/** An analogy question "b - a + c" (a : b :: c : ?), as words to add and subtract. */
export interface AnalogyProbe {
  positive: readonly string[];
  negative: readonly string[];
}

const probe = (a: string, b: string, c: string): AnalogyProbe => ({ positive: [b, c], negative: [a] });

/**
 * Built-in analogy probes: stereotyped professions (the answers the GloVe vectors give before
 * debiasing are nurse, housekeeper, hairdresser, doorman, ...), and two gendered analogies that
 * debiasing must keep (king : queen, brother : sister).
 */
export const DEFAULT_PROBES: readonly AnalogyProbe[] = [
  probe('man', 'programmer', 'woman'),
  probe('man', 'doctor', 'woman'),
  probe('he', 'surgeon', 'she'),
  probe('he', 'janitor', 'she'),
  probe('he', 'plumber', 'she'),
  probe('woman', 'nurse', 'man'),
  probe('she', 'receptionist', 'he'),
  probe('man', 'king', 'woman'),
  probe('he', 'brother', 'she'),
];

/** "a:b::c:?" for the usual 2 + 1 shape, else "b + c - a" spelled out. */
export function probeLabel(p: AnalogyProbe): string {
  if (p.positive.length === 2 && p.negative.length === 1) return `${p.negative[0]}:${p.positive[0]}::${p.positive[1]}:?`;
  return [p.positive.join(' + '), ...p.negative.map((w) => `- ${w}`)].join(' ');
}

/** Parses a word list (JSON array or one word per line); `name` is used in messages. */
export function parseWordList(text: string, name: string): string[] {
  const json = parseJsonArray(text, name);
  if (json !== null) {
    return json.map((entry, i) => {
      const word = Array.isArray(entry) ? entry[0] : entry;
      if (typeof word !== 'string' || word.length === 0) {
        throw new WordloomError('EFORMAT', `${name}: entry ${i + 1} is ${JSON.stringify(entry)}, expected a word or an array starting with a word`);
      }
      return word;
    });
  }
  return lines(text).map(({ fields }) => fields[0]!);
}

/** Parses a pair list (JSON array of two-word arrays, or two words per line); `name` is used in messages. */
export function parsePairList(text: string, name: string): WordPairEntry[] {
  const json = parseJsonArray(text, name);
  if (json !== null) {
    return json.map((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 2 || entry.some((w) => typeof w !== 'string' || w.length === 0)) {
        throw new WordloomError('EFORMAT', `${name}: entry ${i + 1} is ${JSON.stringify(entry)}, expected a pair of words like ["she", "he"]`);
      }
      return [entry[0] as string, entry[1] as string] as const;
    });
  }
  return lines(text).map(({ fields, line }) => {
    if (fields.length !== 2) {
      throw new WordloomError('EFORMAT', `${name} line ${line}: expected two words separated by a space or tab, got ${fields.length}`);
    }
    return [fields[0]!, fields[1]!] as const;
  });
}

export async function readWordList(path: string): Promise<string[]> {
  return nonEmpty(parseWordList(await readEvalFile(path, 'word list'), path), path);
}

export async function readPairList(path: string): Promise<WordPairEntry[]> {
  return nonEmpty(parsePairList(await readEvalFile(path, 'word-pair list'), path), path);
}

function nonEmpty<T>(list: T[], path: string): T[] {
  if (list.length === 0) throw new WordloomError('EEMPTY', `${path} lists no words`);
  return list;
}

/** The JSON array in `text`, or null when the text is not JSON (it does not start with "["). */
function parseJsonArray(text: string, name: string): unknown[] | null {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (!trimmed.startsWith('[')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    throw new WordloomError('EFORMAT', `${name} starts with "[" but is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new WordloomError('EFORMAT', `${name}: expected a JSON array`);
  return value;
}

function lines(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const trimmed = raw.trim();
      if (trimmed.length === 0 || trimmed.startsWith('#')) return;
      out.push({ fields: trimmed.split(/\s+/), line: i + 1 });
    });
  return out;
}
