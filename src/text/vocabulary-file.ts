/**
 * The vocabulary file format: one `word<TAB>count` per line. For files from other tools a line
 * may instead be `word count` (space separated, as fastText / GloVe vocab_count / word2vec
 * write). Tab, newline, carriage return and backslash inside a word are written as `\t`, `\n`,
 * `\r`, `\\` so every word stays on one line.
 */
import { WordloomError } from '../errors.js';
import { quote } from '../util/printable.js';

export interface VocabularyFileEntry {
  word: string;
  count: number;
  line: number;
}

const NEEDS_ESCAPE = /[\t\n\r\\]/;
const ESCAPED = /\\([tnr\\])/g;
const UNESCAPE: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

export function formatVocabularyLine(word: string, count: number): string {
  const safe = NEEDS_ESCAPE.test(word)
    ? word.replace(/[\t\n\r\\]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\'))
    : word;
  return `${safe}\t${count}\n`;
}

export function parseVocabularyFile(text: string, path: string): VocabularyFileEntry[] {
  const lines = text.split('\n');
  const entries: VocabularyFileEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    // tab files may have spaces inside words; space-separated files never do
    const tab = line.lastIndexOf('\t');
    const fields = tab >= 0 ? [line.slice(0, tab), line.slice(tab + 1).trim()] : line.trim().split(/ +/);
    const [rawWord = '', countText = ''] = fields;
    const count = Number(countText);
    if (fields.length !== 2 || rawWord.length === 0 || countText.length === 0 || !Number.isFinite(count) || count < 0) {
      throw new WordloomError(
        'EFORMAT',
        `${path}:${i + 1}: expected "word<TAB>count" or "word count", got ${quote(line)}`,
      );
    }
    const word = rawWord.includes('\\') ? rawWord.replace(ESCAPED, (_, c: string) => UNESCAPE[c]!) : rawWord;
    entries.push({ word, count, line: i + 1 });
  }
  if (entries.length === 0) throw new WordloomError('EEMPTY', `${path}: empty vocabulary file`);
  return entries;
}
