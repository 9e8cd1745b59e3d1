/** `wordloom eval analogy` and `wordloom eval similarity`: the standard intrinsic evaluations. */
import type { Command } from 'commander';
import { evaluateAnalogies, readAnalogyQuestions } from '../vectors/evaluate/analogies.js';
import { evaluateWordPairs, readWordPairs, type WordPairReport } from '../vectors/evaluate/word-pairs.js';
import { fixed, table, type Output } from './output.js';
import { loadForCli, percent, withLoadFlags, type LoadFlags } from './vectors.js';
import { positiveInteger } from './option-parsers.js';

interface AnalogyEvalFlags extends LoadFlags {
  restrict: number;
  caseSensitive?: boolean;
  cosmul?: boolean;
}

interface SimilarityEvalFlags extends LoadFlags {
  restrict: number;
  caseSensitive?: boolean;
  subwords: boolean;
}

export function registerEvalCommands(program: Command, output: () => Output): void {
  const evalCmd = program.command('eval').description('evaluate vectors on analogy questions or word-similarity pairs');

  withLoadFlags(
    evalCmd
      .command('analogy')
      .description('accuracy on analogy questions in the Google format (": section" lines, then "a b c d"), as gensim computes it')
      .argument('<vectors>', 'vectors file')
      .argument('<questions>', 'questions file, e.g. questions-words.txt')
      .option('--restrict <n>', 'only the first n (most frequent) words are asked about and answer', positiveInteger('--restrict'), 30000)
      .option('--case-sensitive', 'compare words as written (default: case-insensitive)')
      .option('--cosmul', 'answer with 3CosMul instead of 3CosAdd'),
  ).action(async (path: string, questionsPath: string, flags: AnalogyEvalFlags) => {
    const out = output();
    const questions = await readAnalogyQuestions(questionsPath);
    const vectors = await loadForCli(path, flags, out);
    const report = evaluateAnalogies(vectors, questions, {
      restrictVocab: flags.restrict,
      caseInsensitive: !flags.caseSensitive,
      method: flags.cosmul ? '3CosMul' : '3CosAdd',
      onSection: (s) => out.log(`${s.section}: ${percent(s.accuracy)} (${s.correct}/${s.answered})`),
    });
    out.result(report, () => {
      const rows = report.sections.map((s) => [s.section, s.syntactic ? 'syntactic' : 'semantic', s.correct, s.answered, s.oov, percent(s.accuracy)]);
      rows.push(['semantic', '', report.semantic.correct, report.semantic.answered, '', percent(report.semantic.accuracy)]);
      rows.push(['syntactic', '', report.syntactic.correct, report.syntactic.answered, '', percent(report.syntactic.accuracy)]);
      rows.push(['total', '', report.total.correct, report.total.answered, report.oov, percent(report.total.accuracy)]);
      const notes = [
        `${report.questions} questions; ${report.oov} (${percent(report.oovRatio)}) have a word outside the first ${report.restrictVocab} words and are not counted.`,
      ];
      if (report.skippedLines.length > 0) notes.push(`${report.skippedLines.length} lines were not 4 words and were skipped (first: line ${report.skippedLines[0]}).`);
      return `${table(['section', 'kind', 'correct', 'answered', 'oov', 'accuracy'], rows)}\n${notes.join('\n')}`;
    });
  });

  withLoadFlags(
    evalCmd
      .command('similarity')
      .description("Spearman and Pearson correlation with human similarity scores (word<TAB>word<TAB>score), as gensim's evaluate_word_pairs")
      .argument('<vectors>', 'vectors file')
      .argument('<pairs...>', 'one or more pair files, e.g. wordsim353.txt simlex999.txt')
      .option('--restrict <n>', 'only the first n words count as known', positiveInteger('--restrict'), 300000)
      .option('--case-sensitive', 'compare words as written (default: case-insensitive)')
      .option('--no-subwords', 'fastText .bin: count pairs with unseen words as oov instead of answering them from n-grams'),
  ).action(async (path: string, pairPaths: string[], flags: SimilarityEvalFlags) => {
    const out = output();
    const datasets = await Promise.all(pairPaths.map((p) => readWordPairs(p)));
    const vectors = await loadForCli(path, flags, out);
    const results: (WordPairReport & { file: string })[] = datasets.map((data, i) => ({
      file: pairPaths[i]!,
      ...evaluateWordPairs(vectors, data, { restrictVocab: flags.restrict, caseInsensitive: !flags.caseSensitive, subwords: flags.subwords }),
    }));
    out.result(results, () => {
      const notes: string[] = [];
      for (const r of results) {
        if (r.fromSubwords > 0) notes.push(`${r.file}: ${r.fromSubwords} pair${r.fromSubwords === 1 ? '' : 's'} with a word outside the vocabulary answered from character n-grams (--no-subwords to count them as oov).`);
        if (Number.isNaN(r.spearman)) {
          notes.push(`${r.file}: no correlation to measure with ${r.pairs} pair${r.pairs === 1 ? '' : 's'} of known words${r.pairs >= 2 ? ' (the scores or similarities are all equal)' : ''}.`);
        }
        if (r.skippedLines.length > 0) {
          notes.push(`${r.file}: ${r.skippedLines.length} line${r.skippedLines.length === 1 ? ' was' : 's were'} not "word word score" and skipped (first: line ${r.skippedLines[0]}).`);
        }
      }
      const rows = results.map((r) => [r.file, fixed(r.spearman, 4), fixed(r.pearson, 4), r.pairs, r.oov, percent(r.oovRatio)]);
      return [table(['pairs file', 'spearman', 'pearson', 'pairs', 'oov', 'oov %'], rows), ...notes].join('\n');
    });
  });
}
