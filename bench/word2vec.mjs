#!/usr/bin/env node
// word2vec against the established tools, same settings for all: dim 100, window 5, negative 5,
// sample 1e-4, min-count 5, 2 threads; skip-gram (wordloom, Debian fastText -minn 0 -maxn 0,
// gensim corpus_file) and CBOW (wordloom, fastText cbow). Every model is judged by the same
// evaluator (gensim's, bench/word2vec_eval.py); wordloom's own evaluator is printed alongside.
//
//   node bench/word2vec.mjs [--quick] [--corpus PATH] [--epochs N] [--threads N]
//                           [--only wordloom|fasttext|gensim[,..]] [--mode sg|cbow|both] [--seed N]
//
// --seed N seeds every tool (wordloom --seed, fastText -seed, gensim seed=): similarity scores move
// by a few hundredths between seeds, so compare tools over several seeds before reading a gap.
//
// --quick uses the first 40 MB of the corpus (7.6M words) and 3 epochs (unless --epochs), like
// ../shared/reference-numbers.md's quick figures. A full run takes 25+ minutes.
import { spawnSync } from 'node:child_process';
import { decompressedCopy } from './decompressed.mjs';
import { existsSync, mkdirSync, rmSync, statSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared/data');
const PY = '/usr/bin/python3';

function parseArgs(argv) {
  const args = { quick: false, corpus: join(shared, 'corpus/gutenberg-100m.txt.gz'), epochs: undefined, threads: 2, only: ['wordloom', 'fasttext', 'gensim'], mode: 'both', seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--corpus') args.corpus = resolve(next());
    else if (a === '--epochs') args.epochs = Number(next());
    else if (a === '--threads') args.threads = Number(next());
    else if (a === '--only') args.only = next().split(',');
    else if (a === '--mode') args.mode = next();
    else if (a === '--seed') args.seed = Number(next());
    else fail(`unknown option ${a}`);
  }
  if (!['sg', 'cbow', 'both'].includes(args.mode)) fail(`--mode expects sg, cbow or both, got ${args.mode}`);
  for (const t of args.only) if (!['wordloom', 'fasttext', 'gensim'].includes(t)) fail(`--only expects wordloom, fasttext or gensim, got ${t}`);
  args.epochs ??= args.quick ? 3 : 5;
  return args;
}

function fail(message) {
  console.error(`bench/word2vec: ${message}`);
  process.exit(2);
}

function have(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function ensureTools(only) {
  const missing = [];
  if (only.includes('fasttext') && !have('sh', ['-c', 'command -v fasttext'])) missing.push('fasttext');
  if (!have(PY, ['-c', 'import gensim'])) missing.push('python3-gensim'); // the judge needs gensim too
  if (missing.length === 0) return;
  console.error(`installing ${missing.join(' ')} with apt-get`);
  // A new machine's package lists may be empty or stale: refresh them first.
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  if (r.status !== 0) fail(`apt-get install -y ${missing.join(' ')} failed`);
}

/** A plain-text copy of the corpus (fastText and gensim read plain text), reused between runs. */
async function plainCorpus(args) {
  let source = args.corpus;
  if (!existsSync(source)) fail(`corpus ${source} not found`);
  if (source.endsWith('.gz')) source = await decompressedCopy(source);
  if (!args.quick) return source;
  const slice = join(tmpdir(), 'wordloom-bench-40mb.txt');
  if (!existsSync(slice) || statSync(slice).mtimeMs < statSync(source).mtimeMs) {
    // the first 40,000,000 bytes, cut after the last complete line
    const fd = openSync(source, 'r');
    const buf = Buffer.alloc(40_000_000);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    const end = buf.lastIndexOf(0x0a, n - 1);
    writeFileSync(slice, buf.subarray(0, end + 1));
  }
  return slice;
}

function countWords(path) {
  const r = spawnSync('wc', ['-w', path], { encoding: 'utf8' });
  return Number(r.stdout.trim().split(/\s+/)[0]);
}

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS (MB) of the whole process tree's largest member. */
function timed(cmd, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const err = r.stderr ?? '';
  if (r.status !== 0) {
    console.error(err.split('\n').slice(-30).join('\n'));
    throw new Error(`${cmd} ${args.join(' ')} failed with status ${r.status}`);
  }
  const wall = err.match(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/);
  const rss = err.match(/Maximum resident set size \(kbytes\): (\d+)/);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { seconds, rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

function runTool(tool, mode, corpus, out, args) {
  const sg = mode === 'sg';
  const alpha = sg ? 0.025 : 0.05;
  const common = { epochs: String(args.epochs), threads: String(args.threads), seed: String(args.seed) };
  if (tool === 'wordloom') {
    const r = timed(process.execPath, [
      join(root, 'dist/cli/main.js'), '--quiet', '--json', 'train', 'word2vec', corpus, '-o', out, '--no-vocab',
      ...(sg ? [] : ['--cbow']), '--dim', '100', '--window', '5', '--negative', '5', '--sample', '1e-4', '--min-count', '5',
      '--epochs', common.epochs, '--threads', common.threads, '--alpha', String(alpha), '--seed', common.seed,
    ]);
    const json = JSON.parse(r.stdout);
    return { ...r, note: `${json.kernel} kernel, train ${json.seconds.toFixed(1)} s` };
  }
  if (tool === 'fasttext') {
    const prefix = out.replace(/\.vec$/, '');
    const r = timed('fasttext', [
      sg ? 'skipgram' : 'cbow', '-input', corpus, '-output', prefix, '-minn', '0', '-maxn', '0', '-dim', '100', '-ws', '5',
      '-neg', '5', '-t', '1e-4', '-minCount', '5', '-epoch', common.epochs, '-thread', common.threads, '-lr', String(alpha), '-verbose', '0', '-seed', common.seed,
    ]);
    rmSync(`${prefix}.bin`, { force: true });
    return { ...r, note: '' };
  }
  const r = timed(PY, [join(root, 'bench/word2vec_gensim.py'), corpus, out, sg ? '1' : '0', common.epochs, common.threads, String(alpha), common.seed], {
    OPENBLAS_NUM_THREADS: '1',
  });
  const json = JSON.parse(r.stdout.trim().split('\n').pop());
  return { ...r, note: `train ${json.trainSeconds.toFixed(1)} s` };
}

function judge(vectors) {
  const r = spawnSync(PY, [
    join(root, 'bench/word2vec_eval.py'), vectors, join(shared, 'eval/questions-words.txt'), join(shared, 'eval/wordsim353.txt'), join(shared, 'eval/simlex999.txt'),
  ], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`evaluation of ${vectors} failed: ${r.stderr.split('\n').slice(-5).join('\n')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function ownJudge(vectors) {
  const { loadVectors } = await import(join(root, 'dist/vectors/formats/index.js'));
  const { KeyedVectors } = await import(join(root, 'dist/vectors/keyed-vectors.js'));
  const ev = await import(join(root, 'dist/vectors/evaluate/index.js'));
  const kv = new KeyedVectors(await loadVectors(vectors));
  const analogy = ev.evaluateAnalogies(kv, await ev.readAnalogyQuestions(join(shared, 'eval/questions-words.txt')), { restrictVocab: 30000 });
  const ws = ev.evaluateWordPairs(kv, await ev.readWordPairs(join(shared, 'eval/wordsim353.txt')));
  const sl = ev.evaluateWordPairs(kv, await ev.readWordPairs(join(shared, 'eval/simlex999.txt')));
  return { total: analogy.total, semantic: analogy.semantic, syntactic: analogy.syntactic, ws353: ws.spearman, simlex: sl.spearman };
}

function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const pct = (a) => (Number.isFinite(a.accuracy) ? (a.accuracy * 100).toFixed(2) : '-');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.only.includes('wordloom') && !existsSync(join(root, 'dist/cli/main.js'))) fail('run `npm run build` first (dist/ is missing)');
  ensureTools(args.only);
  const corpus = await plainCorpus(args);
  const words = countWords(corpus);
  const outDir = join(tmpdir(), `wordloom-bench-word2vec${args.seed === 1 ? '' : `-seed${args.seed}`}`);
  mkdirSync(outDir, { recursive: true });
  console.log(`corpus ${corpus}: ${words.toLocaleString('en-US')} words; ${args.epochs} epochs, ${args.threads} threads, seed ${args.seed}, dim 100, window 5, negative 5, sample 1e-4, min-count 5`);

  const modes = args.mode === 'both' ? ['sg', 'cbow'] : [args.mode];
  const results = [];
  for (const mode of modes) {
    // CBOW is compared with fastText cbow (gensim only when asked for explicitly with --only).
    const tools = args.only.filter((t) => mode === 'sg' || t !== 'gensim' || process.argv.includes('--only'));
    for (const tool of tools) {
      const out = join(outDir, `${tool}-${mode}.vec`);
      process.stderr.write(`running ${tool} ${mode} ... `);
      const run = runTool(tool, mode, corpus, out, args);
      process.stderr.write(`${run.seconds.toFixed(1)} s; evaluating\n`);
      const score = judge(out);
      const own = tool === 'wordloom' || args.only.length === 1 ? await ownJudge(out) : null;
      results.push({ tool, mode, ...run, score, own });
    }
  }

  const rows = [];
  for (const mode of modes) {
    const inMode = results.filter((r) => r.mode === mode);
    const refs = inMode.filter((r) => r.tool !== 'wordloom');
    const fastest = refs.length ? Math.min(...refs.map((r) => r.seconds)) : NaN;
    for (const r of inMode) {
      const s = r.score;
      rows.push([
        r.tool, mode, r.seconds.toFixed(1), Number.isFinite(fastest) ? (r.seconds / fastest).toFixed(2) : '-',
        `${((words * args.epochs) / r.seconds / args.threads / 1000).toFixed(1)}k`, r.rssMB.toFixed(0),
        `${pct(s.total)} (${pct(s.semantic)} / ${pct(s.syntactic)})`, s.total.answered, s.ws353.spearman.toFixed(3), s.simlex.spearman.toFixed(3), r.note,
      ]);
    }
  }
  console.log('\nJudge: gensim 4 evaluate_word_analogies (top 30,000 words, case-insensitive) and evaluate_word_pairs (Spearman).');
  console.log('words/s/thread = corpus words x epochs / whole-process wall time / threads; time ratio to the fastest reference tool.\n');
  console.log(table(['tool', 'mode', 'wall s', 'x fastest', 'words/s/thread', 'peak RSS MB', 'analogy % total (sem / syn)', 'answered', 'WS353', 'SimLex', 'note'], rows));
  const own = results.filter((r) => r.own);
  if (own.length) {
    console.log("\nwordloom's own evaluator (src/vectors/evaluate) on the same files:\n");
    console.log(table(['tool', 'mode', 'analogy % total (sem / syn)', 'answered', 'WS353', 'SimLex'], own.map((r) => [
      r.tool, r.mode, `${pct(r.own.total)} (${pct(r.own.semantic)} / ${pct(r.own.syntactic)})`, r.own.total.answered, r.own.ws353.toFixed(3), r.own.simlex.toFixed(3),
    ])));
  }
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ args, words, results: results.map(({ stdout: _s, ...r }) => r) }, null, 2));
  console.log(`\nvectors and results.json in ${outDir}`);
}

main().catch((err) => {
  console.error(`bench/word2vec: ${err.message}`);
  process.exit(1);
});
