/** `wordloom index build|query`: an approximate (HNSW) nearest-neighbour index for a vectors file. */
import type { Command } from 'commander';
import { HNSW_DEFAULTS, HnswIndex, requireHnswlib } from '../vectors/hnsw-index.js';
import { measureRecall } from '../vectors/recall.js';
import type { Output } from './output.js';
import { checkOutputFile } from '../util/output-path.js';
import { loadForCli, neighborTable, withLoadFlags, type LoadFlags } from './vectors.js';
import { integerOption, positiveInteger } from './option-parsers.js';

interface BuildFlags extends LoadFlags {
  output: string;
  m: number;
  efConstruction: number;
  ef: number;
  seed: number;
  recallQueries: number;
}

interface QueryFlags extends LoadFlags {
  topn: number;
  ef: number;
}

export function registerIndexCommands(program: Command, output: () => Output): void {
  const index = program.command('index').description('build or query an HNSW index (approximate nearest neighbours, cosine)');
  const d = HNSW_DEFAULTS;

  withLoadFlags(
    index
      .command('build')
      .description('build an index over all words of a vectors file and report its recall@10 against exact search')
      .argument('<vectors>', 'vectors file')
      .requiredOption('-o, --output <path>', 'index file to write')
      .option('--m <n>', 'links per node', positiveInteger('--m'), d.m)
      .option('--ef-construction <n>', 'build-time search list size', positiveInteger('--ef-construction'), d.efConstruction)
      .option('--ef <n>', 'search list size used for the recall check', positiveInteger('--ef'), d.ef)
      .option('--seed <n>', 'level generator seed', integerOption('--seed', { min: 0 }), d.seed)
      .option('--recall-queries <n>', 'words used to measure recall@10', positiveInteger('--recall-queries'), 200),
  ).action(async (path: string, flags: BuildFlags) => {
    const out = output();
    await checkOutputFile(flags.output, 'index file');
    requireHnswlib(); // before loading the vectors: without it there is no index to build
    const vectors = await loadForCli(path, flags, out);
    const started = performance.now();
    const built = await out.withProgressBar(vectors.size, 'words', (bar) =>
      HnswIndex.build(vectors.set, { m: flags.m, efConstruction: flags.efConstruction, ef: flags.ef, seed: flags.seed }, (done, total) =>
        bar.update(done, { label: 'indexing' }, total),
      ),
    );
    const buildSeconds = (performance.now() - started) / 1000;
    await built.save(flags.output);
    const recall = measureRecall(vectors, built, { queries: flags.recallQueries, k: 10 });
    // a set of one word has no neighbours to find: no recall to report (null in JSON)
    const recallAt10 = Number.isNaN(recall.recall) ? null : recall.recall;
    const summary = {
      index: flags.output,
      words: vectors.size,
      dim: vectors.dim,
      m: flags.m,
      efConstruction: flags.efConstruction,
      ef: flags.ef,
      buildSeconds,
      recallAt10,
      msPerQuery: recall.approximateMs,
      exactMsPerQuery: recall.exactMs,
    };
    out.result(summary, () =>
      [
        `wrote ${flags.output}: ${vectors.size} words, dim ${vectors.dim}, M ${flags.m}, efConstruction ${flags.efConstruction}, built in ${buildSeconds.toFixed(1)} s`,
        recallAt10 === null
          ? `recall@10: none to measure (${vectors.size} word${vectors.size === 1 ? '' : 's'}: no neighbours to find)`
          : `recall@10 at ef ${flags.ef}: ${recallAt10.toFixed(4)} over ${recall.queries} words; ${recall.approximateMs.toFixed(3)} ms/query (exact: ${recall.exactMs.toFixed(3)} ms)`,
      ].join('\n'),
    );
  });

  withLoadFlags(
    index
      .command('query')
      .description('nearest neighbours of words through the index')
      .argument('<vectors>', 'vectors file the index was built from')
      .argument('<index>', 'index file')
      .argument('<words...>', 'query words')
      .option('-n, --topn <n>', 'how many neighbours', positiveInteger('--topn'), 10)
      .option('--ef <n>', 'search list size (higher: better recall, slower)', positiveInteger('--ef'), d.ef),
  ).action(async (path: string, indexPath: string, words: string[], flags: QueryFlags) => {
    const out = output();
    requireHnswlib();
    const vectors = await loadForCli(path, flags, out);
    for (const w of words) vectors.indexOf(w);
    vectors.useIndex(await HnswIndex.load(indexPath, vectors.set, { ef: flags.ef, vectorsName: path }));
    const results = words.map((word) => ({ word, neighbors: vectors.similarByWord(word, { topn: flags.topn }) }));
    out.result(results, () =>
      results
        .map((r) =>
          `${r.word}\n${neighborTable(r.neighbors)}`,
        )
        .join('\n\n'),
    );
  });
}
