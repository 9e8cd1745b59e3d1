#!/usr/bin/env node
// fastText (subword skip-gram) against Debian's `fasttext skipgram`, same settings for both, in one
// run: dim 100, window 5, negative 5, sample 1e-4, min-count 5, minn 3, maxn 6, bucket 2,000,000,
// lr 0.05, 5 epochs, 2 threads, on ../shared/data/corpus/gutenberg-100m.txt.gz. Reports wall time,
// words/s/thread, peak RSS, analogy accuracy (semantic, syntactic, total; top 30k words), WS353 and
// SimLex-999 (wordloom's evaluator, gensim's semantics, on each tool's .vec), then the unseen-word
// experiment: 500 mid-frequency words are replaced in the corpus by a placeholder, both tools train
// again, and each held-out word's n-gram vector is compared (cosine, after an orthogonal Procrustes
// map fitted on the 10,000 most frequent shared words) with its vector from the full run.
//
//   node bench/fasttext.mjs                  # the full benchmark (a quiet machine; an hour or more)
//   node bench/fasttext.mjs --quick          # first 20 MB, 1 epoch: checks the script end to end
//   options: --mb N (first N MB of the corpus) --epochs N --threads N --lr X --bucket N
//            --only wordloom|fasttext --skip-unseen --corpus PATH
//            --reuse (models already in the output folder are evaluated again, not retrained)
//            --out DIR (the output folder; default $TMPDIR/wordloom-bench-fasttext[-NNmb])
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { decompressedCopy } from './decompressed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '../shared/data');
const HELD_OUT = 500;
const PLACEHOLDER = 'heldoutplaceholder';

function parseArgs(argv) {
  const args = { reuse: false, mb: 0, epochs: 5, threads: 2, lr: 0.05, bucket: 2_000_000, only: ['wordloom', 'fasttext'], unseen: true, corpus: join(shared, 'corpus/gutenberg-100m.txt.gz') };
  let epochsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') args.mb = 20;
    else if (a === '--mb') args.mb = Number(next());
    else if (a === '--epochs') (args.epochs = Number(next())), (epochsGiven = true);
    else if (a === '--threads') args.threads = Number(next());
    else if (a === '--lr') args.lr = Number(next());
    else if (a === '--bucket') args.bucket = Number(next());
    else if (a === '--only') args.only = next().split(',');
    else if (a === '--skip-unseen') args.unseen = false;
    else if (a === '--reuse') args.reuse = true;
    else if (a === '--corpus') args.corpus = resolve(next());
    else if (a === '--out') args.out = resolve(next());
    else fail(`unknown option ${a}`);
  }
  if (argv.includes('--quick') && !epochsGiven) args.epochs = 1;
  for (const t of args.only) if (!['wordloom', 'fasttext'].includes(t)) fail(`--only expects wordloom or fasttext, got ${t}`);
  return args;
}

function fail(message) {
  console.error(`bench/fasttext: ${message}`);
  process.exit(2);
}

async function plainCorpus(args) {
  if (!existsSync(args.corpus)) fail(`corpus ${args.corpus} not found`);
  const source = args.corpus.endsWith('.gz') ? await decompressedCopy(args.corpus) : args.corpus;
  if (!args.mb) return source;
  const slice = join(tmpdir(), `wordloom-bench-${args.mb}mb.txt`);
  if (!existsSync(slice) || statSync(slice).mtimeMs < statSync(source).mtimeMs) {
    const fd = openSync(source, 'r');
    const buf = Buffer.alloc(args.mb * 1_000_000);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    writeFileSync(slice, buf.subarray(0, buf.lastIndexOf(0x0a, n - 1) + 1)); // cut after the last whole line
  }
  return slice;
}

function countWords(path) {
  return Number(spawnSync('wc', ['-w', path], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0]);
}

/** Under /usr/bin/time -v: wall seconds and peak RSS (MB) of the process (worker threads included). */
function timed(cmd, argv) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const err = r.stderr ?? '';
  if (r.status !== 0) {
    console.error(err.split('\n').slice(-30).join('\n'));
    throw new Error(`${cmd} ${argv.join(' ')} failed with status ${r.status}`);
  }
  const wall = err.match(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/);
  const rss = err.match(/Maximum resident set size \(kbytes\): (\d+)/);
  return {
    seconds: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN,
    rssMB: rss ? Number(rss[1]) / 1024 : NaN,
    stdout: r.stdout,
    stderr: err,
  };
}

/** Trains one tool; writes `${prefix}.bin` and `${prefix}.vec`. */
function train(tool, corpus, prefix, args) {
  if (args.reuse && existsSync(`${prefix}.bin`) && existsSync(`${prefix}.vec`)) {
    return { seconds: NaN, rssMB: NaN, ownRate: NaN, note: 'reused (not timed)' };
  }
  const s = { dim: '100', ws: '5', neg: '5', t: '1e-4', minCount: '5', minn: '3', maxn: '6' };
  if (tool === 'wordloom') {
    const r = timed(process.execPath, [
      join(root, 'dist/cli/main.js'), '--quiet', '--json', 'train', 'fasttext', corpus, '-o', prefix, '--no-vocab',
      '--dim', s.dim, '--window', s.ws, '--negative', s.neg, '--sample', s.t, '--min-count', s.minCount, '--minn', s.minn, '--maxn', s.maxn,
      '--bucket', String(args.bucket), '--epochs', String(args.epochs), '--threads', String(args.threads), '--alpha', String(args.lr),
    ]);
    const json = JSON.parse(r.stdout);
    return { ...r, ownRate: json.wordsPerEpoch * args.epochs / json.seconds / args.threads, note: `${json.kernel} kernel, training ${json.seconds.toFixed(1)} s` };
  }
  const r = timed('fasttext', [
    'skipgram', '-input', corpus, '-output', prefix, '-dim', s.dim, '-ws', s.ws, '-neg', s.neg, '-t', s.t, '-minCount', s.minCount,
    '-minn', s.minn, '-maxn', s.maxn, '-bucket', String(args.bucket), '-epoch', String(args.epochs), '-thread', String(args.threads),
    '-lr', String(args.lr), '-verbose', '2',
  ]);
  // fastText's own progress line: "words/sec/thread:   123456" (its last report)
  const rates = [...(r.stdout + r.stderr).matchAll(/words\/sec\/thread:\s*(\d+)/g)];
  return { ...r, ownRate: rates.length ? Number(rates.at(-1)[1]) : NaN, note: '' };
}

async function evaluate(vecPath) {
  const { loadVectors } = await import(join(root, 'dist/vectors/formats/index.js'));
  const { KeyedVectors } = await import(join(root, 'dist/vectors/keyed-vectors.js'));
  const ev = await import(join(root, 'dist/vectors/evaluate/index.js'));
  const kv = new KeyedVectors(await loadVectors(vecPath));
  const analogy = ev.evaluateAnalogies(kv, await ev.readAnalogyQuestions(join(shared, 'eval/questions-words.txt')), { restrictVocab: 30000 });
  const ws = ev.evaluateWordPairs(kv, await ev.readWordPairs(join(shared, 'eval/wordsim353.txt')));
  const sl = ev.evaluateWordPairs(kv, await ev.readWordPairs(join(shared, 'eval/simlex999.txt')));
  return { total: analogy.total, semantic: analogy.semantic, syntactic: analogy.syntactic, ws353: ws.spearman, simlex: sl.spearman };
}

// ---- unseen words ----

/** 500 words spread over the middle of the frequency list (ranks 10%-40% of the vocabulary), letters only. */
function pickHeldOut(words) {
  const from = Math.floor(words.length * 0.1);
  const to = Math.floor(words.length * 0.4);
  const candidates = words.slice(from, to).filter((w) => /^[a-z]{4,}$/.test(w));
  const step = candidates.length / HELD_OUT;
  return Array.from({ length: Math.min(HELD_OUT, candidates.length) }, (_, i) => candidates[Math.floor(i * step)]);
}

/** The corpus with every occurrence of the held-out words replaced by one placeholder word. */
async function writeHeldOutCorpus(corpus, heldOut, out) {
  const held = new Set(heldOut);
  const sink = createWriteStream(out);
  let replaced = 0;
  for await (const line of createInterface({ input: createReadStream(corpus), crlfDelay: Infinity })) {
    const words = line.split(' ');
    for (let i = 0; i < words.length; i++) if (held.has(words[i])) (words[i] = PLACEHOLDER), replaced++;
    if (!sink.write(`${words.join(' ')}\n`)) await once(sink, 'drain');
  }
  sink.end();
  await once(sink, 'finish');
  return replaced;
}

/** Orthogonal W minimising |XW - Y| (Procrustes): W = U V^T for X^T Y = U S V^T. */
async function procrustes(X, Y, n, dim) {
  const { Matrix, SingularValueDecomposition } = await import('ml-matrix');
  const m = new Matrix(dim, dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const x = X[i * dim + a];
      for (let b = 0; b < dim; b++) m.set(a, b, m.get(a, b) + x * Y[i * dim + b]);
    }
  }
  const svd = new SingularValueDecomposition(m);
  return svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose());
}

function cosine(a, b) {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) (ab += a[k] * b[k]), (aa += a[k] * a[k]), (bb += b[k] * b[k]);
  return ab / Math.sqrt(aa * bb);
}

/** Mean cosine between held-out words' n-gram vectors (held-out run, mapped) and their full-run vectors. */
async function unseenScore(fullBin, heldBin, heldOut) {
  const { readFastTextModel } = await import(join(root, 'dist/vectors/fasttext/read-bin.js'));
  const full = readFastTextModel(fullBin).vectors;
  const held = readFastTextModel(heldBin).vectors;
  const dim = full.dim;
  const heldSet = new Set(heldOut);
  const shared = full.set.words.filter((w) => !heldSet.has(w) && w !== PLACEHOLDER && w !== '</s>' && held.set.has(w)).slice(0, 10000);
  const X = new Float64Array(shared.length * dim);
  const Y = new Float64Array(shared.length * dim);
  shared.forEach((w, i) => {
    X.set(held.set.get(w), i * dim);
    Y.set(full.set.get(w), i * dim);
  });
  // Vectors of a short run share a large common direction that makes every cosine high; the
  // centred cosine (each run's mean over the fitted words removed first) shows the difference.
  const meanOf = (M) => {
    const m = new Float64Array(dim);
    for (let i = 0; i < shared.length; i++) for (let k = 0; k < dim; k++) m[k] += M[i * dim + k] / shared.length;
    return m;
  };
  const mx = meanOf(X);
  const my = meanOf(Y);
  for (let i = 0; i < shared.length; i++) for (let k = 0; k < dim; k++) (X[i * dim + k] -= mx[k]), (Y[i * dim + k] -= my[k]);
  const W = await procrustes(X, Y, shared.length, dim);
  const centred = (v, m) => Float64Array.from(v, (x, k) => x - m[k]);
  /** Held-out run -> full run: centre, rotate, and add the full run's mean back. */
  const map = (v) => {
    const c = centred(v, mx);
    const out = new Float64Array(dim);
    for (let b = 0; b < dim; b++) {
      let s = 0;
      for (let a = 0; a < dim; a++) s += c[a] * W.get(a, b);
      out[b] = s + my[b];
    }
    return out;
  };
  const both = (v, target) => [cosine(map(v), target), cosine(centred(map(v), my), centred(target, my))];
  const cosines = [];
  let missing = 0;
  for (const w of heldOut) {
    if (held.set.has(w)) throw new Error(`held-out word ${w} is in the held-out model's vocabulary`);
    const v = held.ngramVector(w);
    const target = full.set.get(w);
    if (!v || !target) {
      missing++;
      continue;
    }
    cosines.push(both(v, target));
  }
  // The ceiling set by run-to-run noise: the same words' vectors when they ARE trained, i.e. 500
  // other mid-frequency words, mapped the same way.
  const control = pickHeldOut(full.set.words.filter((w) => !heldSet.has(w) && held.set.has(w)));
  const controlCos = control.map((w) => both(held.set.get(w), full.set.get(w)));
  const mean = (xs, i) => xs.reduce((s, x) => s + x[i], 0) / xs.length;
  return {
    mean: mean(cosines, 0), centred: mean(cosines, 1), answered: cosines.length, missing,
    controlMean: mean(controlCos, 0), controlCentred: mean(controlCos, 1), fitWords: shared.length,
  };
}

function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const pct = (a) => (Number.isFinite(a.accuracy) ? (a.accuracy * 100).toFixed(2) : '-');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(root, 'dist/cli/main.js'))) fail('run `npm run build` first (dist/ is missing)');
  if (args.only.includes('fasttext') && spawnSync('sh', ['-c', 'command -v fasttext']).status !== 0) {
    fail("the fasttext binary is missing: apt-get install -y fasttext (Debian's 0.9.2), or --only wordloom");
  }
  const corpus = await plainCorpus(args);
  const words = countWords(corpus);
  const outDir = args.out ?? join(tmpdir(), `wordloom-bench-fasttext${args.mb ? `-${args.mb}mb` : ''}`);
  mkdirSync(outDir, { recursive: true });
  console.log(`corpus ${corpus}: ${words.toLocaleString('en-US')} words; skip-gram, ${args.epochs} epochs, ${args.threads} threads, lr ${args.lr}, dim 100, window 5, negative 5, sample 1e-4, min-count 5, minn 3, maxn 6, bucket ${args.bucket}`);

  const results = [];
  for (const tool of args.only) {
    const prefix = join(outDir, `${tool}-full`);
    process.stderr.write(`training ${tool} ... `);
    const run = train(tool, corpus, prefix, args);
    process.stderr.write(`${run.seconds.toFixed(1)} s; evaluating\n`);
    results.push({ tool, ...run, score: await evaluate(`${prefix}.vec`) });
  }
  const reference = results.find((r) => r.tool === 'fasttext');
  console.log('\nwords/s/thread = corpus words x epochs / whole-process wall time / threads; "own" = the rate each tool reports for its training loop.');
  console.log('Evaluation: wordloom eval (gensim semantics): analogies over the 30,000 most frequent words, case-insensitive; Spearman for word pairs.\n');
  console.log(table(['tool', 'wall s', 'x fastText', 'words/s/thread', 'own words/s/thread', 'peak RSS MB', 'analogy % total (sem / syn)', 'answered', 'WS353', 'SimLex', 'note'], results.map((r) => [
    r.tool, r.seconds.toFixed(1), reference ? (reference.seconds / r.seconds).toFixed(2) : '-',
    Number.isFinite(r.seconds) ? `${((words * args.epochs) / r.seconds / args.threads / 1000).toFixed(1)}k` : '-', Number.isFinite(r.ownRate) ? `${(r.ownRate / 1000).toFixed(1)}k` : '-', r.rssMB.toFixed(0),
    `${pct(r.score.total)} (${pct(r.score.semantic)} / ${pct(r.score.syntactic)})`, r.score.total.answered, r.score.ws353.toFixed(3), r.score.simlex.toFixed(3), r.note,
  ])));

  let unseen = [];
  if (args.unseen) {
    const { loadVectors } = await import(join(root, 'dist/vectors/formats/index.js'));
    const first = results[0];
    const vocabulary = (await loadVectors(join(outDir, `${first.tool}-full.vec`))).words;
    const heldOut = pickHeldOut(vocabulary);
    const heldCorpus = join(outDir, 'corpus-held-out.txt');
    const replaced = await writeHeldOutCorpus(corpus, heldOut, heldCorpus);
    console.log(`\nUnseen words: ${heldOut.length} words of frequency ranks ${Math.floor(vocabulary.length * 0.1)}-${Math.floor(vocabulary.length * 0.4)} (e.g. ${heldOut.slice(0, 6).join(', ')}), ${replaced.toLocaleString('en-US')} occurrences replaced by "${PLACEHOLDER}"; both tools train again on that corpus.`);
    for (const tool of args.only) {
      const prefix = join(outDir, `${tool}-held-out`);
      process.stderr.write(`training ${tool} without the held-out words ... `);
      const run = train(tool, heldCorpus, prefix, args);
      process.stderr.write(`${run.seconds.toFixed(1)} s\n`);
      unseen.push({ tool, ...(await unseenScore(join(outDir, `${tool}-full.bin`), `${prefix}.bin`, heldOut)) });
    }
    console.log('cosine(n-gram vector from the held-out run, mapped by orthogonal Procrustes on the 10,000 most frequent shared words; vector from the full run):\n');
    console.log('(centred: each run\'s mean vector removed first, so the direction all vectors share does not count; control: 500 other mid-frequency words that both runs trained)\n');
    console.log(table(['tool', 'held-out: cosine', 'centred', 'answered', 'no vector', 'control: cosine', 'centred'], unseen.map((u) => [
      u.tool, u.mean.toFixed(3), u.centred.toFixed(3), u.answered, u.missing, u.controlMean.toFixed(3), u.controlCentred.toFixed(3),
    ])));
  }
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ args, words, results: results.map(({ stdout: _o, stderr: _e, ...r }) => r), unseen }, null, 2));
  console.log(`\nmodels and results.json in ${outDir}`);
}

main().catch((err) => {
  console.error(`bench/fasttext: ${err.stack ?? err.message}`);
  process.exit(1);
});
