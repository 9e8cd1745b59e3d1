/**
 * Labelled sentences from a text file, one example a line, in any of three layouts (decided by
 * the file's first non-blank line, and then required of every line, so a stray line is reported
 * where it is rather than read as a strange label):
 *
 *   label<TAB>text          tab-separated (the label may contain spaces)
 *   label text              the first word is the label (SST-2's `1 a stirring , funny ...`)
 *   __label__x text         fastText's supervised format (one label a line)
 *
 * Blank lines are skipped. A line without text after its label, a fastText line with several
 * labels, or a line that does not follow the file's layout is an EFORMAT error naming the file
 * and the line.
 */
import { WordloomError } from '../../errors.js';
import { readInput } from '../../util/input-file.js';
import { quote } from '../../util/printable.js';

export type LabelLayout = 'tab' | 'space' | 'fasttext';

export interface LabelledExample {
  label: string;
  text: string;
  /** 1-based line in the file. */
  line: number;
}

export interface LabelledSet {
  /** The file (or the name given for a string). */
  source: string;
  layout: LabelLayout;
  examples: LabelledExample[];
}

const FASTTEXT_PREFIX = '__label__';

/** Reads a labelled file (plain or .gz). */
export async function readLabelledFile(path: string): Promise<LabelledSet> {
  const bytes = await readInput(path, { what: 'a labelled text file', stripBom: true });
  return parseLabelledText(bytes.toString('utf8'), path);
}

/** Parses labelled text; `source` names it in messages. */
export function parseLabelledText(text: string, source: string): LabelledSet {
  const lines = text.split(/\r?\n|\r/);
  let layout: LabelLayout | null = null;
  const examples: LabelledExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    layout ??= raw.startsWith(FASTTEXT_PREFIX) ? 'fasttext' : raw.includes('\t') ? 'tab' : 'space';
    examples.push(parseLine(raw, layout, source, line));
  }
  if (layout === null) throw new WordloomError('EEMPTY', `${source}: no labelled lines (expected label<TAB>text, label text or __label__x text lines)`);
  return { source, layout, examples };
}

function parseLine(raw: string, layout: LabelLayout, source: string, line: number): LabelledExample {
  const where = `${source}:${line}`;
  let label: string;
  let text: string;
  switch (layout) {
    case 'tab': {
      const tab = raw.indexOf('\t');
      if (tab < 0) throw new WordloomError('EFORMAT', `${where}: expected label<TAB>text like the file's first line, got ${quote(raw)}`);
      label = raw.slice(0, tab).trim();
      text = raw.slice(tab + 1).trim();
      break;
    }
    case 'space': {
      const m = /^\s*(\S+)(?:\s+(.*))?$/.exec(raw)!;
      label = m[1]!;
      text = (m[2] ?? '').trim();
      break;
    }
    case 'fasttext': {
      const words = raw.trim().split(/\s+/);
      if (!words[0]!.startsWith(FASTTEXT_PREFIX)) {
        throw new WordloomError('EFORMAT', `${where}: expected a line starting with ${FASTTEXT_PREFIX} like the file's first line, got ${quote(raw)}`);
      }
      const labels = words.filter((w) => w.startsWith(FASTTEXT_PREFIX));
      if (labels.length > 1) throw new WordloomError('EFORMAT', `${where}: ${labels.length} labels (${labels.slice(0, 3).join(' ')}); one label a line is supported`);
      label = words[0]!.slice(FASTTEXT_PREFIX.length);
      text = words.slice(1).join(' ');
      break;
    }
  }
  if (label === '') throw new WordloomError('EFORMAT', `${where}: empty label in ${quote(raw)}`);
  if (text === '') throw new WordloomError('EFORMAT', `${where}: label ${quote(label)} has no text after it`);
  return { label, text, line };
}

/**
 * The classes of a training set, in a fixed order: numerically when every label is a number
 * (0, 1, 2, 10), else by code point; so the same file always gives the same class indices.
 */
export function labelSetOf(set: LabelledSet): string[] {
  const labels = [...new Set(set.examples.map((e) => e.label))];
  const numeric = labels.every((l) => /^-?\d+(\.\d+)?$/.test(l));
  labels.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return labels;
}

/** Class indices of a set's examples; a label the model does not know is an error at its line. */
export function classIndices(set: LabelledSet, labels: readonly string[]): Int32Array {
  const index = new Map(labels.map((l, i) => [l, i]));
  const out = new Int32Array(set.examples.length);
  set.examples.forEach((e, i) => {
    const c = index.get(e.label);
    if (c === undefined) {
      throw new WordloomError('EFORMAT', `${set.source}:${e.line}: label ${quote(e.label)} is not one of the model's classes (${labels.slice(0, 10).join(', ')}${labels.length > 10 ? ', ...' : ''})`);
    }
    out[i] = c;
  });
  return out;
}
