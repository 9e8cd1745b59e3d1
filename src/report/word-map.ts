/**
 * From vectors to a word map: which words go on it, which group each is in, and their 2-D
 * places. Words are projected by their unit vectors (the map shows cosine geometry, as the
 * queries do), so frequent long vectors do not drift to the edge.
 *
 * A groups file has one word per line, `word<TAB or space>group` (the group may contain spaces;
 * blank lines and `#` comments skipped). `DEBIAS_GROUPS` are the debias command's built-in lists:
 * the definitional pairs' two poles and the neutral professions.
 */
import { WordloomError } from '../errors.js';
import { readEvalFile } from '../vectors/evaluate/read-eval-file.js';
import { DEFAULT_DEFINITIONAL_PAIRS, DEFAULT_NEUTRAL_WORDS } from '../vectors/debias/word-lists.js';
import type { KeyedVectors } from '../vectors/keyed-vectors.js';
import type { WordMap } from './map-svg.js';
import { project, type ProjectionOptions } from './projection.js';

/** Word -> group name, in file order (the order of first appearance is the legend's). */
export type WordGroups = Map<string, string>;

export function parseGroups(text: string, name: string): WordGroups {
  const groups: WordGroups = new Map();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(\S+)[\t ]+(.*\S)$/.exec(line);
    if (match === null) throw new WordloomError('EFORMAT', `${name} line ${i + 1}: expected a word and its group separated by a tab or space, got ${JSON.stringify(line.slice(0, 60))}`);
    groups.set(match[1]!, match[2]!);
  });
  if (groups.size === 0) throw new WordloomError('EEMPTY', `${name}: no words (expected lines of word<TAB>group)`);
  return groups;
}

export async function readGroups(path: string): Promise<WordGroups> {
  return parseGroups(await readEvalFile(path, 'groups file'), path);
}

/** The debias word lists as groups: female pole, male pole (Bolukbasi et al.'s pairs), neutral professions. */
export function debiasGroups(): WordGroups {
  const groups: WordGroups = new Map();
  for (const [female] of DEFAULT_DEFINITIONAL_PAIRS) groups.set(female, 'female (definitional)');
  for (const [, male] of DEFAULT_DEFINITIONAL_PAIRS) groups.set(male, 'male (definitional)');
  for (const word of DEFAULT_NEUTRAL_WORDS) groups.set(word, 'neutral (professions)');
  return groups;
}

export interface MapSelection {
  /** Words asked for by name: each must be in the vectors. */
  words?: readonly string[];
  /** Add the n most frequent words (the first n rows). */
  top?: number;
  /** Colour by group; the groups' words that are in the vectors are added to the map. */
  groups?: WordGroups | null;
  /** Told how many group words the vectors do not have. */
  onWarning?: (message: string) => void;
}

/** The words of a map, without repeats: named words, then group words, then the top n. Default: the top 300. */
export function selectMapWords(vectors: KeyedVectors, selection: MapSelection): string[] {
  const chosen = new Set<string>();
  for (const w of selection.words ?? []) {
    vectors.indexOf(w); // throws EVOCAB naming the word and the file
    chosen.add(w);
  }
  if (selection.groups) {
    const missing: string[] = [];
    for (const w of selection.groups.keys()) {
      if (vectors.has(w)) chosen.add(w);
      else missing.push(w);
    }
    if (missing.length > 0) {
      selection.onWarning?.(`${missing.length} of the ${selection.groups.size} grouped words are not in ${vectors.name} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`);
    }
  }
  const top = selection.top ?? (chosen.size === 0 ? 300 : 0);
  for (let i = 0; i < Math.min(top, vectors.size); i++) chosen.add(vectors.words[i]!);
  return [...chosen];
}

/** Projects `words` (all in `vectors`) and attaches their groups. */
export async function buildWordMap(
  vectors: KeyedVectors,
  words: readonly string[],
  options: ProjectionOptions & { groups?: WordGroups | null; title?: string },
): Promise<WordMap> {
  const dim = vectors.dim;
  const rows = new Float32Array(words.length * dim);
  words.forEach((w, i) => rows.set(vectors.unitVector(w), i * dim));
  const { xs, ys } = await project(rows, words.length, dim, options);
  const names: string[] = [];
  const groupIndex = new Map<string, number>();
  const groups = words.map((w) => {
    const name = options.groups?.get(w);
    if (name === undefined) return null;
    if (!groupIndex.has(name)) {
      groupIndex.set(name, names.length);
      names.push(name);
    }
    return groupIndex.get(name)!;
  });
  return { words, xs, ys, ...(names.length > 0 ? { groups, groupNames: names } : {}), ...(options.title ? { title: options.title } : {}) };
}
