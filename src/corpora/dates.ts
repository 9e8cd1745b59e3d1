/**
 * corpora/dates: a seeded generator of human-readable English dates paired with their ISO form
 * (`YYYY-MM-DD`), the task of the tfjs-examples date-conversion-attention model, in more styles.
 *
 * Dates run from 1950-01-01 to 2049-12-31, so a two-digit year is never ambiguous: 50..99 are
 * 19xx, 00..49 are 20xx. Every numeric style that writes both the day and the month as numbers
 * puts the DAY FIRST (31.01.2001, 31/1/01, 31-01-2001) or the year first and then month, day
 * (2001/01/31, 20010131, 2001.01.31); no style writes month/day, so no pair is ambiguous.
 *
 * Splits: each calendar day belongs to exactly one of train (80%), validation (10%) and test (10%)
 * by a fixed hash of the day (independent of the seed), so the splits share no date and hence no
 * date string, whatever seeds generate them.
 */
import { WordloomError } from '../errors.js';
import { SeededRandom, mixSeed } from '../embeddings/shared/rng.js';

export type DateSplit = 'train' | 'val' | 'test';
export const DATE_SPLITS: readonly DateSplit[] = ['train', 'val', 'test'];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Parts {
  year: number;
  month: number; // 1..12
  day: number;
  weekday: number; // 0 = Sunday
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const yy = (p: Parts): string => pad2(p.year % 100);
const mon = (p: Parts): string => MONTHS[p.month - 1]!.slice(0, 3);
const month = (p: Parts): string => MONTHS[p.month - 1]!;
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The styles, one function each; the comment shows 31 January 2001 (a Wednesday). */
export const DATE_STYLES: readonly ((p: Parts) => string)[] = [
  (p) => `${p.day} ${month(p)} ${p.year}`, // 31 January 2001
  (p) => `${pad2(p.day)}-${mon(p)}-${p.year}`, // 31-Jan-2001
  (p) => `${WEEKDAYS[p.weekday]}, ${month(p)} ${p.day}, ${p.year}`, // Wednesday, January 31, 2001
  (p) => `${mon(p).toLowerCase()} ${p.day} ${p.year}`, // jan 31 2001
  (p) => `${mon(p).toUpperCase()} ${p.day}, ${p.year}`, // JAN 31, 2001
  (p) => `${mon(p)} ${p.day}, ${yy(p)}`, // Jan 31, 01
  (p) => `${pad2(p.day)}.${pad2(p.month)}.${p.year}`, // 31.01.2001
  (p) => `${p.day}.${p.month}.${p.year}`, // 31.1.2001
  (p) => `the ${ordinal(p.day)} of ${month(p).toLowerCase()}, ${p.year}`, // the 31st of january, 2001
  (p) => `${ordinal(p.day)} ${month(p)} ${p.year}`, // 31st January 2001
  (p) => `${pad2(p.day)}/${pad2(p.month)}/${p.year}`, // 31/01/2001
  (p) => `${p.day}/${p.month}/${yy(p)}`, // 31/1/01
  (p) => `${pad2(p.day)}-${pad2(p.month)}-${p.year}`, // 31-01-2001
  (p) => `${p.year}/${pad2(p.month)}/${pad2(p.day)}`, // 2001/01/31
  (p) => `${p.year}${pad2(p.month)}${pad2(p.day)}`, // 20010131
  (p) => `${p.year}.${p.month}.${p.day}`, // 2001.1.31
  (p) => `${pad2(p.day)}${mon(p).toLowerCase()}${p.year}`, // 31jan2001
  (p) => `${month(p)} ${ordinal(p.day)}, ${p.year}`, // January 31st, 2001
  (p) => `${WEEKDAYS[p.weekday]!.slice(0, 3)} ${p.day} ${mon(p)} ${p.year}`, // Wed 31 Jan 2001
  (p) => `${p.day} ${month(p).toLowerCase()} ${yy(p)}`, // 31 january 01
  (p) => `${month(p).toLowerCase()} ${p.day}, ${p.year}`, // january 31, 2001
  (p) => `the ${ordinal(p.day)} of ${month(p)} ${p.year}`, // the 31st of January 2001
];

const FIRST_DAY = Date.UTC(1950, 0, 1);
const DAY_MS = 86_400_000;
/** Days from 1950-01-01 to 2049-12-31 inclusive. */
export const DATE_DAYS = Math.round((Date.UTC(2050, 0, 1) - FIRST_DAY) / DAY_MS);

function partsOf(dayIndex: number): Parts {
  const d = new Date(FIRST_DAY + dayIndex * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const iso = (p: Parts): string => `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;

/** The split a day belongs to: a fixed hash of the day, 80/10/10. */
export function splitOfDay(dayIndex: number): DateSplit {
  const h = mixSeed(dayIndex, 0x6461) % 10;
  return h < 8 ? 'train' : h === 8 ? 'val' : 'test';
}

export interface DatePairOptions {
  /** Pairs to write (with allStyles: dates, each in every style, so count x styles pairs). */
  count: number;
  seed: number;
  split: DateSplit;
  /** Every chosen date in every style (the tfjs example's layout), instead of one random style per pair. */
  allStyles?: boolean;
}

export interface DatePair {
  source: string;
  target: string;
}

/**
 * `count` pairs from the split's dates, drawn without replacement while the split has unused
 * dates (then with), each in a random style (or every style, with allStyles); seeded.
 */
export function generateDatePairs(options: DatePairOptions): DatePair[] {
  const { count, seed, split } = options;
  if (!Number.isInteger(count) || count < 0) throw new WordloomError('EOPTION', `option --count must be a whole number of at least 0, got ${count}`);
  if (!DATE_SPLITS.includes(split)) throw new WordloomError('EOPTION', `option --split must be one of ${DATE_SPLITS.join(', ')}, got ${String(split)}`);
  const days: number[] = [];
  for (let d = 0; d < DATE_DAYS; d++) if (splitOfDay(d) === split) days.push(d);
  const random = new SeededRandom(seed);
  const below = (n: number): number => Math.floor(random.nextFloat() * n);
  // Fisher-Yates over the split's days; cycled (reshuffled) when count exceeds them.
  const pairs: DatePair[] = [];
  let order: number[] = [];
  for (let i = 0; i < count; i++) {
    if (order.length === 0) {
      order = days.slice();
      for (let k = order.length - 1; k > 0; k--) {
        const j = below(k + 1);
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
    }
    const p = partsOf(order.pop()!);
    if (options.allStyles) for (const style of DATE_STYLES) pairs.push({ source: style(p), target: iso(p) });
    else pairs.push({ source: DATE_STYLES[below(DATE_STYLES.length)]!(p), target: iso(p) });
  }
  return pairs;
}
