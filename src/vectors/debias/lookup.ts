/**
 * Case-insensitive matching of word lists against a vocabulary. A list word stands for every
 * row spelled the same up to case ("he" covers "he", "He" and "HE"); where one row is needed
 * (a definitional pair, a neutral word, a probe) it is the first, i.e. most frequent, of them.
 */
import type { WordPairEntry } from './word-lists.js';

export class CaseFoldedWords {
  private readonly byLower = new Map<string, number[]>();

  constructor(readonly words: readonly string[]) {
    words.forEach((word, row) => {
      const key = word.toLowerCase();
      const rows = this.byLower.get(key);
      if (rows === undefined) this.byLower.set(key, [row]);
      else rows.push(row);
    });
  }

  /** Every row spelled like `word` up to case, in file order (empty when none). */
  rowsOf(word: string): readonly number[] {
    return this.byLower.get(word.toLowerCase()) ?? [];
  }

  /** The first (most frequent) row spelled like `word` up to case, or -1. */
  first(word: string): number {
    return this.rowsOf(word)[0] ?? -1;
  }
}

/** One row per listed word (the first match), each row once, with the words not found. */
export function resolveWords(lookup: CaseFoldedWords, words: readonly string[]): { rows: number[]; missing: string[] } {
  const rows: number[] = [];
  const seen = new Set<number>();
  const missing: string[] = [];
  for (const word of words) {
    const row = lookup.first(word);
    if (row < 0) {
      if (!missing.includes(word)) missing.push(word);
    } else if (!seen.has(row)) {
      seen.add(row);
      rows.push(row);
    }
  }
  return { rows, missing };
}

/** Every row matching any listed word up to case, with the words not found. */
export function resolveAllRows(lookup: CaseFoldedWords, words: readonly string[]): { rows: Set<number>; missing: string[] } {
  const rows = new Set<number>();
  const missing = new Set<string>();
  for (const word of words) {
    const matches = lookup.rowsOf(word);
    if (matches.length === 0) missing.add(word);
    for (const r of matches) rows.add(r);
  }
  return { rows, missing: [...missing] };
}

export const pairName = (pair: WordPairEntry): string => `${pair[0]}/${pair[1]}`;

/** One row pair per listed pair (the first match of each word); a pair with a word not found is reported as "a/b". */
export function resolvePairs(lookup: CaseFoldedWords, pairs: readonly WordPairEntry[]): { rows: [number, number][]; missing: string[] } {
  const rows: [number, number][] = [];
  const missing: string[] = [];
  for (const pair of pairs) {
    const a = lookup.first(pair[0]);
    const b = lookup.first(pair[1]);
    if (a < 0 || b < 0 || a === b) missing.push(pairName(pair));
    else rows.push([a, b]);
  }
  return { rows, missing };
}

const CASE_FORMS: readonly ((w: string) => string)[] = [
  (w) => w,
  (w) => w.toLowerCase(),
  (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase(),
  (w) => w.toUpperCase(),
];

/**
 * The row pairs to equalize for each listed pair: the pair as written and in lower, Title and
 * UPPER case, wherever both words of that form are in the vocabulary (as debiaswe does), each
 * row pair once. A listed pair with no such form is reported missing; a form that would give a
 * row a second partner is skipped and reported as a conflict (equalizing it twice would undo
 * the first).
 */
export function resolveEqualizePairs(
  words: readonly string[],
  pairs: readonly WordPairEntry[],
): { rows: [number, number][]; missing: string[]; conflicts: string[] } {
  const index = new Map<string, number>();
  words.forEach((w, i) => {
    if (!index.has(w)) index.set(w, i);
  });
  const partner = new Map<number, number>();
  const rows: [number, number][] = [];
  const missing: string[] = [];
  const conflicts: string[] = [];
  for (const pair of pairs) {
    const tried = new Set<string>();
    for (const form of CASE_FORMS) {
      const a = index.get(form(pair[0]));
      const b = index.get(form(pair[1]));
      if (a === undefined || b === undefined || a === b || tried.has(`${a} ${b}`)) continue;
      tried.add(`${a} ${b}`);
      if (partner.get(a) === b) continue; // the same row pair again (another case form, or a repeated entry)
      if (partner.has(a) || partner.has(b)) {
        conflicts.push(`${words[a]}/${words[b]}`);
        continue;
      }
      partner.set(a, b);
      partner.set(b, a);
      rows.push([a, b]);
    }
    if (tried.size === 0) missing.push(pairName(pair));
  }
  return { rows, missing, conflicts };
}
