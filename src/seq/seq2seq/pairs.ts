/**
 * Parallel text: one pair a line, `source<TAB>target` (UTF-8, .gz read transparently, CRLF
 * accepted, blank lines skipped). A line that is not exactly two non-empty tab-separated fields is
 * refused with its file and line number.
 */
import { WordloomError } from '../../errors.js';
import { readInput } from '../../util/input-file.js';

export interface Pair {
  source: string;
  target: string;
}

/** Parses the text of a pairs file; `name` is how errors refer to it. */
export function parsePairs(text: string, name: string): Pair[] {
  const pairs: Pair[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    const where = `${name}:${i + 1}`;
    if (fields.length !== 2) {
      const found = fields.length === 1 ? 'no tab' : `${fields.length} fields`;
      throw new WordloomError('EFORMAT', `${where}: expected a pair, source<TAB>target, found ${found}`);
    }
    const [source, target] = fields as [string, string];
    if (source.trim() === '') throw new WordloomError('EFORMAT', `${where}: the source (before the tab) is empty`);
    if (target.trim() === '') throw new WordloomError('EFORMAT', `${where}: the target (after the tab) is empty`);
    pairs.push({ source, target });
  }
  return pairs;
}

/** Reads a pairs file; an empty one is refused. */
export async function readPairs(path: string): Promise<Pair[]> {
  const bytes = await readInput(path, { stripBom: true });
  const pairs = parsePairs(bytes.toString('utf8'), path);
  if (pairs.length === 0) throw new WordloomError('EEMPTY', `${path} has no pairs (one source<TAB>target per line)`);
  return pairs;
}
