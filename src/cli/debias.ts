/** `wordloom debias` and `wordloom bias`: hard debiasing (Bolukbasi et al. 2016) and the bias report. */
import { checkOutputFile } from '../util/output-path.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatFromExtension, saveVectors, type VectorFormat } from '../vectors/formats/index.js';
import { readAnalogyQuestions } from '../vectors/evaluate/analogies.js';
import { readWordPairs } from '../vectors/evaluate/word-pairs.js';
import {
  BIAS_METHODS,
  DEFAULT_DEFINITIONAL_PAIRS,
  debiasWithReport,
  readPairList,
  readWordList,
  reportBias,
  type AnalogyProbe,
  type BiasDirection,
  type BiasMethod,
  type BiasMetrics,
  type BiasReportOptions,
} from '../vectors/debias/index.js';
import { table, type Output } from './output.js';
import { positiveInteger, vectorFormatOption } from './option-parsers.js';
import { parseAnalogyExpression } from './similar.js';
import { loadForCli, percent, withLoadFlags, type LoadFlags } from './vectors.js';

interface BiasFlags extends LoadFlags {
  definitional?: string;
  specific?: string;
  addSpecific: string[];
  neutral?: string;
  method: BiasMethod;
  analogies?: string;
  similarity?: string[];
  probe: AnalogyProbe[];
  top: number;
  restrict: number;
}

interface DebiasFlags extends BiasFlags {
  output: string;
  to?: VectorFormat;
  equalize?: string;
  keepNorms?: boolean;
}

const BUILT_IN_PAIRS = DEFAULT_DEFINITIONAL_PAIRS.slice(0, 3).map((p) => p.join('/')).join(', ');

export function registerDebiasCommands(program: Command, output: () => Output): void {
  withBiasFlags(
    program
      .command('debias')
      .description(
        'hard-debias vectors (Bolukbasi et al. 2016): remove the bias direction from every word that is not ' +
          'gender-specific, make equalize pairs symmetric about it, and report bias and quality before and after',
      )
      .argument('<vectors>', 'vectors file (any format wordloom reads; .gz ok)')
      .requiredOption('-o, --output <path>', 'vectors file to write, atomically (format from the extension as in convert; .gz is compressed)')
      .option('--to <format>', 'output format: text, binary, glove, fasttext-vec (default: from the extension)', vectorFormatOption('--to'))
      .option('--equalize <file>', 'pairs made equidistant from every neutral word, e.g. equalize_pairs.json (default: the definitional pairs)')
      .option('--keep-norms', 'keep each vector at its input length (default: unit length, as the paper; gender-specific vectors then come out unchanged)'),
  ).action(async (path: string, flags: DebiasFlags) => {
    const out = output();
    const format = flags.to ?? formatFromExtension(flags.output);
    await checkOutputFile(flags.output, 'output');
    const options = await readBiasInputs(flags);
    const equalize = flags.equalize === undefined ? undefined : await readPairList(flags.equalize);
    const vectors = await loadForCli(path, flags, out);
    const report = debiasWithReport(vectors, { ...options, equalize, keepNorms: flags.keepNorms, onLog: (m) => out.log(m) });
    await saveVectors(flags.output, report.vectors, { format });
    const { vectors: _written, ...rest } = report;
    const json = { input: path, output: flags.output, format, ...rest, direction: directionJson(report.direction) };
    out.result(json, () => {
      const [pos, neg] = report.direction.poles;
      const c = report.counts;
      const s = report.symmetry;
      const metricRows = [
        [`direct bias, mean |cos(w, g)| over ${report.neutral.measured} neutral words`, fixed(report.before.directBias), fixed(report.after.directBias)],
        ...qualityRows(report.before, report.after),
      ];
      const poleTable = (words: typeof report.poles.positive, pole: string) =>
        table([`neutral words nearest "${pole}"`, 'cos before', 'cos after'], words.map((p) => [p.word, fixed(p.before), fixed(p.after)]));
      return [
        directionLine(report.direction),
        `neutralized ${c.neutralized} words, kept ${c.specific} gender-specific, equalized ${c.equalized} pairs; wrote ${flags.output} (${format})`,
        '',
        table(['', 'before', 'after'], metricRows),
        '',
        poleTable(report.poles.positive, pos),
        '',
        poleTable(report.poles.negative, neg),
        '',
        table(
          ['analogy probe', 'before', 'after'],
          report.before.probes.map((p, i) => [p.query, answers(p.answers), answers(report.after.probes[i]!.answers)]),
        ),
        '',
        `equalized pairs symmetric to ${s.tolerance.toExponential(0)}: ${s.symmetric ? 'yes' : 'NO'} (largest |a·g + b·g| ${exp(s.maxProjectionGap)}, ` +
          `largest orthogonal difference ${exp(s.maxOrthogonalGap)}, largest |cos(a, n) - cos(b, n)| over the neutralized words ${exp(s.maxCosineGap)})`,
        ...notes({ ...report.missing }, report.neutral.excluded, report.equalizeConflicts),
      ].join('\n');
    });
  });

  withBiasFlags(
    program
      .command('bias')
      .description('report the bias of vectors along a direction (direct bias, the neutral words nearest each pole, analogy probes) without changing them')
      .argument('<vectors>', 'vectors file (any format wordloom reads; .gz ok)'),
  ).action(async (path: string, flags: BiasFlags) => {
    const out = output();
    const options = await readBiasInputs(flags);
    const vectors = await loadForCli(path, flags, out);
    const report = reportBias(vectors, { ...options, onLog: (m) => out.log(m) });
    out.result({ input: path, ...report, direction: directionJson(report.direction) }, () => {
      const m = report.metrics;
      const [pos, neg] = report.direction.poles;
      const poleTable = (words: typeof m.poles.positive, pole: string) =>
        table([`neutral words nearest "${pole}"`, 'cos'], words.map((p) => [p.word, fixed(p.cosine)]));
      const quality = qualityRows(m).map((r) => [r[0]!, r[1]!]);
      return [
        directionLine(report.direction),
        `direct bias, mean |cos(w, g)| over ${m.neutralWords} neutral words: ${fixed(m.directBias)}`,
        ...(quality.length > 0 ? ['', table(['', 'value'], quality)] : []),
        '',
        poleTable(m.poles.positive, pos),
        '',
        poleTable(m.poles.negative, neg),
        '',
        table(['analogy probe', 'answers'], m.probes.map((p) => [p.query, answers(p.answers)])),
        ...notes({ ...report.missing }, report.neutral.excluded, []),
      ].join('\n');
    });
  });
}

function withBiasFlags(command: Command): Command {
  return withLoadFlags(command)
    .option('--definitional <file>', `pairs that define the direction, female word first, e.g. definitional_pairs.json (default: built-in ${BUILT_IN_PAIRS}, ...)`)
    .option('--specific <file>', 'gender-specific words, left as they are and not measured as neutral, e.g. gender_specific_full.json')
    .option('--add-specific <words>', 'more gender-specific words, comma-separated (repeatable)', collectWords, [])
    .option('--neutral <file>', 'words to measure bias on, e.g. professions.json (default: a built-in list of common professions)')
    .addOption(new Option('--method <method>', 'direction: first principal component of the pair differences, or their mean').choices(BIAS_METHODS).default('pca'))
    .option('--analogies <file>', 'analogy questions (questions-words.txt) to report accuracy on')
    .option('--similarity <files...>', 'word-pair files (wordsim353.txt simlex999.txt) to report Spearman on')
    .option('--restrict <n>', 'analogies: only the first n (most frequent) words are asked about and answer', positiveInteger('--restrict'), 30000)
    .option('--probe <analogy>', 'an analogy probe such as man:programmer::woman:? (repeatable; replaces the built-in probes)', collectProbe, [])
    .option('--top <n>', 'neutral words listed per pole', positiveInteger('--top'), 10);
}

function collectWords(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((w) => w.trim()).filter((w) => w.length > 0)];
}

/** `a:b::c:?`, or words joined by + and - as `wordloom analogy` takes them. */
function collectProbe(value: string, previous: AnalogyProbe[]): AnalogyProbe[] {
  const expected = `--probe expects an analogy such as man:programmer::woman:? or "programmer - man + woman", got "${value}"`;
  let probe: AnalogyProbe;
  try {
    probe = parseAnalogyExpression(value);
  } catch {
    throw new InvalidArgumentError(expected);
  }
  if ([...probe.positive, ...probe.negative].some((w) => w.includes(':'))) throw new InvalidArgumentError(expected);
  return [...previous, probe];
}

/** Reads every list and evaluation file before the vectors, so a wrong path fails at once. */
async function readBiasInputs(flags: BiasFlags): Promise<BiasReportOptions> {
  const specific = flags.specific === undefined ? [] : await readWordList(flags.specific);
  return {
    definitional: flags.definitional === undefined ? undefined : await readPairList(flags.definitional),
    specific: [...specific, ...flags.addSpecific],
    neutral: flags.neutral === undefined ? undefined : await readWordList(flags.neutral),
    method: flags.method,
    probes: flags.probe.length > 0 ? flags.probe : undefined,
    topn: flags.top,
    analogies: flags.analogies === undefined ? undefined : await readAnalogyQuestions(flags.analogies),
    analogyOptions: { restrictVocab: flags.restrict },
    wordPairs:
      flags.similarity === undefined
        ? undefined
        : await Promise.all(flags.similarity.map(async (name) => ({ name, pairs: await readWordPairs(name) }))),
  };
}

/** The output must be a file we can replace: not a folder. (Its folder is created when missing.) */

function directionJson(d: BiasDirection) {
  return { ...d, vector: Array.from(d.vector) };
}

function directionLine(d: BiasDirection): string {
  const shares = d.explainedVariance.map((x) => percent(x)).join(' ');
  const how = d.method === 'pca' ? 'first principal component' : 'mean difference';
  return (
    `bias direction "${d.poles[0]}" - "${d.poles[1]}": ${how} of ${d.pairs.length} definitional pairs; ` +
    `variance explained by each principal component: ${shares}; cos(pca, mean) ${d.pcaMeanCosine.toFixed(4)}`
  );
}

/** Analogy accuracy and word-pair rows, `[label, before, after?]`. */
function qualityRows(before: BiasMetrics, after?: BiasMetrics): string[][] {
  const rows: string[][] = [];
  if (before.analogies !== undefined) {
    for (const part of ['total', 'semantic', 'syntactic'] as const) {
      const b = before.analogies[part];
      const label = `analogy accuracy, ${part} (${b.answered} questions)`;
      rows.push([label, percent(b.accuracy), ...(after?.analogies ? [percent(after.analogies[part].accuracy)] : [])]);
    }
  }
  (before.similarity ?? []).forEach((s, i) => {
    const a = after?.similarity?.[i];
    rows.push([`${s.name}: Spearman (${s.pairs} pairs)`, s.spearman.toFixed(4), ...(a ? [a.spearman.toFixed(4)] : [])]);
  });
  return rows;
}

function notes(missing: Record<string, string[]>, excluded: string[], conflicts: string[]): string[] {
  const lines: string[] = [];
  const parts = Object.entries(missing)
    .filter(([, list]) => list.length > 0)
    .map(([what, list]) => `${what} ${list.length} (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', ...' : ''})`);
  if (parts.length > 0) lines.push(`not in the vocabulary: ${parts.join('; ')}`);
  if (excluded.length > 0) lines.push(`left out of the neutral words as gender-specific: ${excluded.join(', ')}`);
  if (conflicts.length > 0) lines.push(`equalize pairs skipped (a word already equalized with another): ${conflicts.join(', ')}`);
  return lines.length > 0 ? ['', ...lines] : [];
}

const answers = (list: { word: string }[]): string => list.map((n) => n.word).join(', ');
const fixed = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(4).replace(/^-(0\.0+)$/, '$1'));
const exp = (x: number): string => x.toExponential(1);
