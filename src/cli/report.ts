/**
 * Pictures and the playground: `wordloom plot`, `wordloom export projector`, `wordloom report`
 * and `wordloom serve`. Thin: the work is in src/report.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { WordloomError } from '../errors.js';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkOutputFile } from '../util/output-path.js';
import { BACKEND_NAMES, type BackendName } from '../seq/backend/backend-name.js';
import type { Output } from './output.js';
import { integerOption, numberOption, positiveInteger } from './option-parsers.js';
import { loadForCli, withLoadFlags, type LoadFlags } from './vectors.js';

export function registerReportCommands(program: Command, output: () => Output): void {
  registerPlot(program, output);
  registerExport(program, output);
  registerReport(program, output);
  registerServe(program, output);
}

/** `--groups F` or `--groups debias` (the debias command's built-in word lists). */
async function loadGroups(groups: string | undefined) {
  if (groups === undefined) return null;
  const { readGroups, debiasGroups } = await import('../report/word-map.js');
  return groups === 'debias' ? debiasGroups() : readGroups(groups);
}

const GROUPS_HELP = 'colour words by group: a file of `word<TAB>group` lines, or `debias` for the debias lists (gendered pairs, professions); their words join the map';

interface PlotFlags extends LoadFlags {
  output: string;
  top?: number;
  groups?: string;
  method: 'pca' | 'tsne' | 'umap';
  seed: number;
  iterations?: number;
  perplexity?: number;
  neighbours?: number;
  title?: string;
}

function registerPlot(program: Command, output: () => Output): void {
  withLoadFlags(
    program
      .command('plot')
      .description('a labelled 2-D map of word vectors: a standalone SVG, or an HTML page with hover, zoom and find (by the extension of -o)')
      .argument('<vectors>', 'vectors file')
      .argument('[words...]', 'words to put on the map (default: the --top most frequent)')
      .requiredOption('-o, --output <path>', 'map to write: .svg or .html')
      .option('--top <n>', 'add the n most frequent words (default: 300 when no words or groups are given)', positiveInteger('--top'))
      .option('--groups <file|debias>', GROUPS_HELP)
      .addOption(new Option('--method <name>', 'projection: pca, tsne or umap').choices(['pca', 'tsne', 'umap']).default('pca'))
      .option('--seed <n>', 'random seed of t-SNE and UMAP: the same seed gives the same map', integerOption('--seed', { min: 0 }), 1)
      .option('--iterations <n>', 't-SNE steps (default: 1000) or UMAP epochs (default: by size)', positiveInteger('--iterations'))
      .option('--perplexity <x>', 't-SNE perplexity (default: min(30, (words - 1) / 3))', numberOption('--perplexity'))
      .option('--neighbours <n>', 'UMAP neighbours (default: min(15, words - 1))', positiveInteger('--neighbours'))
      .option('--title <text>', 'heading of the map (default: the file and the method)'),
  ).action(async (path: string, words: string[], flags: PlotFlags) => {
    const out = output();
    const html = /\.html?$/i.test(flags.output);
    if (!html && !/\.svg$/i.test(flags.output)) throw new WordloomError('EUSAGE', `-o ${flags.output}: a map is written as .svg or .html`);
    await checkOutputFile(flags.output, 'map file');
    const { selectMapWords, buildWordMap } = await import('../report/word-map.js');
    const { renderMapSvg } = await import('../report/map-svg.js');
    const { renderMapHtml } = await import('../report/map-html.js');
    const groups = await loadGroups(flags.groups);
    const vectors = await loadForCli(path, flags, out);
    const chosen = selectMapWords(vectors, { words, ...(flags.top !== undefined ? { top: flags.top } : {}), groups, onWarning: (m) => out.warn(m) });
    const title = flags.title ?? `${path}: ${chosen.length} words, ${flags.method.toUpperCase()}`;
    const started = performance.now();
    const map = await out.withProgressBar(100, '%', (bar) =>
      buildWordMap(vectors, chosen, {
        method: flags.method,
        seed: flags.seed,
        ...(flags.iterations !== undefined ? { iterations: flags.iterations } : {}),
        ...(flags.perplexity !== undefined ? { perplexity: flags.perplexity } : {}),
        ...(flags.neighbours !== undefined ? { neighbours: flags.neighbours } : {}),
        groups,
        title,
        onProgress: (f) => bar.update(Math.round(f * 100), { label: flags.method }),
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const text = html ? renderMapHtml(map) : renderMapSvg(map);
    await writeFileAtomic(flags.output, (sink) => sink.write(text));
    const summary = { output: flags.output, words: chosen.length, method: flags.method, seed: flags.seed, groups: map.groupNames ?? [], seconds: Number(seconds.toFixed(2)) };
    out.result(summary, () => `wrote a ${flags.method} map of ${chosen.length} words to ${flags.output} (${seconds.toFixed(1)} s)`);
  });
}

interface ExportFlags extends LoadFlags {
  output: string;
  top?: number;
  groups?: string;
}

function registerExport(program: Command, output: () => Output): void {
  const group = program.command('export').description('write vectors for other tools (see `wordloom export <what> --help`)');
  withLoadFlags(
    group
      .command('projector')
      .description('the files the TensorFlow Embedding Projector loads: tensors.tsv, metadata.tsv, projector_config.json (and .pbtxt for TensorBoard)')
      .argument('<vectors>', 'vectors file')
      .requiredOption('-o, --output <dir>', 'folder to write the files into')
      .option('--top <n>', 'only the n most frequent words (default: 10000)', positiveInteger('--top'))
      .option('--groups <file|debias>', 'add a group column to metadata.tsv (file of `word<TAB>group` lines, or `debias`)'),
  ).action(async (path: string, flags: ExportFlags) => {
    const out = output();
    const { exportProjector, PROJECTOR_FILES } = await import('../report/projector.js');
    for (const file of PROJECTOR_FILES) await checkOutputFile(join(flags.output, file), 'projector file');
    const groups = await loadGroups(flags.groups);
    const vectors = await loadForCli(path, flags, out);
    const result = await exportProjector(vectors, flags.output, { ...(flags.top !== undefined ? { top: flags.top } : {}), groups });
    out.result(result, () => `wrote ${result.words} vectors of dimension ${result.dim} to ${result.dir}/ (${result.files.join(', ')}); load tensors.tsv and metadata.tsv at https://projector.tensorflow.org`);
  });
}

interface ReportFlags {
  output: string;
  seed: number;
  input?: string[];
  eval?: string;
  backend?: BackendName;
}

function registerReport(program: Command, output: () => Output): void {
  program
    .command('report')
    .description(
      'one self-contained HTML page about a trained model: training curves (from NAME.metrics.jsonl), settings, final figures, ' +
        'and for vectors a map and neighbour lists, for language models a few samples, for seq2seq models the translations of --input texts with their attention, ' +
        'for classifiers the confusion matrix and per-class precision and recall on --eval (default: the validation file it was trained with)',
    )
    .argument('<model>', 'a vectors file, a model folder, or the NAME its NAME.metrics.jsonl is written for')
    .requiredOption('-o, --output <path>', 'HTML file to write')
    .option('--seed <n>', 'seed of the samples and maps', integerOption('--seed', { min: 0 }), 1)
    .option('--input <text>', 'a text for a seq2seq model (its translation and attention heatmap are shown) or a classifier (its prediction); repeat for more', (v: string, all: string[] = []) => [...all, v])
    .option('--eval <file>', 'classifiers: a labelled file to evaluate on (default: the validation file recorded in classifier.json, when it is there); seq2seq: a pairs file whose first sources are translated when no --input is given')
    .addOption(new Option('--backend <name>', 'tfjs backend for language-model samples').choices(BACKEND_NAMES))
    .action(async (target: string, flags: ReportFlags) => {
      const out = output();
      if (!/\.html?$/i.test(flags.output)) throw new WordloomError('EUSAGE', `-o ${flags.output}: the report is an .html file`);
      await checkOutputFile(flags.output, 'report file');
      const { folderWith, isFile } = await import('../report/model-kinds.js');
      if (flags.eval !== undefined && !(await isFile(flags.eval))) throw new WordloomError('ENOENT', `--eval ${flags.eval}: no such file (a labelled file: label<TAB>text, label text or __label__x text lines)`);
      if ((await folderWith(target, 'lm.json')) || (await folderWith(target, 'seq2seq.json')) || (await folderWith(target, 'classifier.json'))) {
        const { selectBackend } = await import('../seq/backend/select-backend.js');
        await selectBackend({ ...(flags.backend ? { backend: flags.backend } : {}), log: (line) => out.log(line) });
      }
      const { buildReport } = await import('../report/report-page.js');
      const report = await buildReport(target, { seed: flags.seed, ...(flags.input ? { inputs: flags.input } : {}), ...(flags.eval ? { evaluation: flags.eval } : {}), onWarning: (m) => out.warn(m) });
      await writeFileAtomic(flags.output, (sink) => sink.write(report.html));
      const summary = { output: flags.output, model: target, kind: report.kind, metrics: report.metrics, sections: report.sections };
      out.result(summary, () => `wrote ${flags.output}: ${report.sections.join(', ')}`);
    });
}

interface ServeFlags {
  port: number;
  host: string;
  ef?: number;
}

const portOption = (value: string): number => {
  const n = integerOption('--port', { min: 0 })(value);
  if (n > 65535) throw new InvalidArgumentError(`--port expects a port number from 0 to 65535, got "${value}"`);
  return n;
};

function registerServe(program: Command, output: () => Output): void {
  program
    .command('serve')
    .description(
      'a local web playground: nearest neighbours and analogies on vectors files (on the server; through <vectors>.hnsw when present), ' +
        'text generation from language models, classifier predictions and seq2seq translations with their attention (in the browser, with tfjs from their model.json)',
    )
    .argument('<models...>', 'vectors files and language-model, classifier and seq2seq folders')
    .option('--port <n>', 'port to listen on; 0 = any free port', portOption, 8080)
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--ef <n>', 'HNSW search list size for indexed vectors (default: 100)', positiveInteger('--ef'))
    .action(async (models: string[], flags: ServeFlags) => {
      const out = output();
      const { startPlayground } = await import('../report/server.js');
      if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
        out.warn(`listening on ${flags.host}: other machines can reach the playground`);
      }
      const playground = await startPlayground({
        models,
        host: flags.host,
        port: flags.port,
        ...(flags.ef !== undefined ? { ef: flags.ef } : {}),
        onLog: (m) => out.log(m),
        onWarning: (m) => out.warn(m),
      });
      out.result({ url: playground.url, models: playground.models.map(({ id, kind, path }) => ({ id, kind, path })) }, () => `playground at ${playground.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void playground.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
