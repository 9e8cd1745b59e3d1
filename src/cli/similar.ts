/** `wordloom similar` and `wordloom analogy`: nearest neighbours and word analogies. */
import type { Command } from 'commander';
import { WordloomError } from '../errors.js';
import { printable, quote } from '../util/printable.js';
import { HnswIndex } from '../vectors/hnsw-index.js';
import type { Output } from './output.js';
import { loadForCli, neighborTable, withLoadFlags, type LoadFlags } from './vectors.js';
import { positiveInteger } from './option-parsers.js';

interface SimilarFlags extends LoadFlags {
  topn: number;
  restrict?: number;
  index?: string;
  ef?: number;
}

interface AnalogyFlags extends LoadFlags {
  topn: number;
  restrict?: number;
  cosmul?: boolean;
}

export function registerSimilarCommands(program: Command, output: () => Output): void {
  withLoadFlags(
    program
      .command('similar')
      .description('nearest neighbours of a word (several words: of the mean of their vectors)')
      .argument('<vectors>', 'vectors file (word2vec text or binary, GloVe, fastText .vec; .gz ok) or fastText model .bin (answers unseen words too)')
      .argument('<words...>', 'query words (exact, case-sensitive)')
      .option('-n, --topn <n>', 'how many neighbours', positiveInteger('--topn'), 10)
      .option('--restrict <n>', 'search only the first n (most frequent) words', positiveInteger('--restrict'))
      .option('--index <path>', 'use an HNSW index built by `wordloom index build` (approximate, faster)')
      .option('--ef <n>', 'HNSW search list size, with --index (default: 100)', positiveInteger('--ef')),
  ).action(async (path: string, words: string[], flags: SimilarFlags) => {
    const out = output();
    const vectors = await loadForCli(path, flags, out);
    for (const w of words) vectors.check(w); // a fastText .bin answers unseen words from their n-grams
    if (flags.index !== undefined) vectors.useIndex(await HnswIndex.load(flags.index, vectors.set, { ef: flags.ef, vectorsName: path }));
    const neighbors = vectors.mostSimilar({ positive: words, topn: flags.topn, restrictVocab: flags.restrict });
    out.result({ query: words, neighbors }, () => neighborTable(neighbors));
  });

  withLoadFlags(
    program
      .command('analogy')
      .description('solve an analogy: `king - man + woman` or `man:king::woman:?`')
      .argument('<vectors>', 'vectors file')
      .argument('<expression...>', 'words joined by + and - (king - man + woman, king -man +woman), or a:b::c:?')
      .option('-n, --topn <n>', 'how many answers', positiveInteger('--topn'), 5)
      .option('--restrict <n>', 'answer only from the first n (most frequent) words', positiveInteger('--restrict'))
      .option('--cosmul', "use 3CosMul (Levy and Goldberg) instead of 3CosAdd")
      // `-man` in `king -man +woman` is a term, not an option: commander hands it and everything
      // after it to the expression, which rejects anything that looks like a real option.
      .allowUnknownOption(),
  ).action(async (path: string, expression: string[], flags: AnalogyFlags) => {
    const out = output();
    const stray = expression.find((t) => t.startsWith('--'));
    if (stray !== undefined) {
      throw new WordloomError('EUSAGE', `unknown option ${printable(stray, 40)} in the analogy expression (options go before the expression; see wordloom analogy --help)`);
    }
    const { positive, negative } = parseAnalogyExpression(expression.join(' '));
    const vectors = await loadForCli(path, flags, out);
    for (const w of [...positive, ...negative]) vectors.check(w);
    const query = { positive, negative, topn: flags.topn, restrictVocab: flags.restrict };
    const neighbors = flags.cosmul ? vectors.mostSimilarCosMul(query) : vectors.mostSimilar(query);
    out.result({ positive, negative, method: flags.cosmul ? '3CosMul' : '3CosAdd', neighbors }, () => neighborTable(neighbors));
  });
}


/**
 * "a:b::c:?" means b - a + c; otherwise a sum like "king - man + woman" (also "king -man +woman").
 * The first word is positive unless preceded by "-".
 */
export function parseAnalogyExpression(text: string): { positive: string[]; negative: string[] } {
  const trimmed = text.trim();
  const proportion = /^([^\s:]+)\s*:\s*([^\s:]+)\s*::\s*([^\s:]+)\s*:\s*\?$/.exec(trimmed);
  if (proportion !== null) return { positive: [proportion[2]!, proportion[3]!], negative: [proportion[1]!] };
  const isSign = (t: string | undefined) => t === '+' || t === '-';
  const tokens: string[] = [];
  for (const t of trimmed.split(/\s+/)) {
    if (t.length === 0) continue;
    if (isSign(t[0]) && t.length > 1) tokens.push(t[0]!, t.slice(1));
    else tokens.push(t);
  }
  const positive: string[] = [];
  const negative: string[] = [];
  let i = 0;
  let sign = '+';
  if (isSign(tokens[0])) sign = tokens[i++]!;
  for (;;) {
    const word = tokens[i++];
    if (word === undefined || isSign(word)) throw badExpression(text);
    (sign === '+' ? positive : negative).push(word);
    if (i === tokens.length) break;
    if (!isSign(tokens[i])) throw badExpression(text);
    sign = tokens[i++]!;
  }
  if (positive.length === 0) throw badExpression(text);
  return { positive, negative };
}

function badExpression(text: string): WordloomError {
  return new WordloomError('EUSAGE', `cannot read analogy ${quote(text)}: expected words joined by + and - (king - man + woman) or a:b::c:? (man:king::woman:?)`);
}

