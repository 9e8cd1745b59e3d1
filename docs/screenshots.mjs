#!/usr/bin/env node
/**
 * Remakes the pictures in docs/ with headless Chromium (Debian's, through playwright-core), from
 * the shared data:
 *   map.png                a UMAP map of GloVe 6B 100d with the debias word lists as groups;
 *   tsne-map.png           a t-SNE map of the 5,000 most frequent GloVe words (with the debias lists coloured),
 *   tsne-map-zoom.png      and the same map zoomed in around "france" (countries and nationalities);
 *   playground.png         the playground with the same vectors and a character model of dinosaur names;
 *   playground-models.png  the playground's classifier (SST-2 on GloVe) and seq2seq (dates) panels.
 * Run after `npm run build` and training the three models:
 *
 *   D=../shared/data; W="node dist/cli/main.js"
 *   $W lm train $D/charlm/dinos.txt -o /tmp/dinos --layers 1 --units 64 --embedding 16 --epochs 4 --seq-len 32 --batch 32
 *   $W classify train $D/sentiment/sst2/train.txt --vectors $D/embeddings/glove.6B.100d.top50k.txt.gz --val-file $D/sentiment/sst2/dev.txt -o /tmp/sst --word-ngrams 2
 *   $W corpus dates --count 20000 --seed 1 -o /tmp/dates.tsv && $W seq2seq train /tmp/dates.tsv -o /tmp/dates --epochs 3
 *   node docs/screenshots.mjs [--lm /tmp/dinos] [--classifier /tmp/sst] [--seq2seq /tmp/dates] [--only map,tsne,playground,models]
 */
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const GLOVE = join(ROOT, '../shared/data/embeddings/glove.6B.100d.top50k.txt.gz');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const flags = { lm: '/tmp/dinos', classifier: '/tmp/sst', seq2seq: '/tmp/dates', only: 'map,tsne,playground,models' };
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i].replace(/^--/, '');
  if (!(name in flags) || i + 1 >= process.argv.length) {
    console.error(`usage: node docs/screenshots.mjs [--lm DIR] [--classifier DIR] [--seq2seq DIR] [--only map,tsne,playground,models]`);
    process.exit(2);
  }
  flags[name] = process.argv[++i];
}
const only = new Set(flags.only.split(','));
const needs = [[CLI, 'the build (npm run build)'], [GLOVE, 'the GloVe vectors'], ['/usr/bin/chromium', 'chromium']];
if (only.has('playground')) needs.push([join(flags.lm, 'lm.json'), 'a language model folder (--lm)']);
if (only.has('models')) needs.push([join(flags.classifier, 'classifier.json'), 'a classifier folder (--classifier)'], [join(flags.seq2seq, 'seq2seq.json'), 'a seq2seq folder (--seq2seq)']);
for (const [path, what] of needs) {
  if (!existsSync(path)) {
    console.error(`missing ${what}: ${path}`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'wordloom-shots-'));
function plot(args, output) {
  const r = spawnSync(process.execPath, [CLI, 'plot', GLOVE, ...args, '-o', output], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
try {
  if (only.has('map')) {
    const map = join(work, 'map.html');
    plot(['--groups', 'debias', '--top', '60', '--method', 'umap', '--seed', '1', '--title', 'GloVe 6B 100d: debias lists and the 60 most frequent words (UMAP)'], map);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`file://${map}`);
    await page.locator('.mapbox').screenshot({ path: join(ROOT, 'docs/map.png') });
    await page.close();
  }

  if (only.has('tsne')) {
    const map = join(work, 'tsne.html');
    plot(['--top', '5000', '--groups', 'debias', '--method', 'tsne', '--seed', '1', '--title', 'GloVe 6B 100d: the 5,000 most frequent words (Barnes-Hut t-SNE, seed 1)'], map);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`file://${map}`, { timeout: 240_000 });
    await page.locator('.mapbox').screenshot({ path: join(ROOT, 'docs/tsne-map.png') });
    // Zoomed in around one word with the wheel, as a reader would (labels keep their size).
    const word = page.locator('svg.wordmap g.w', { has: page.locator('title', { hasText: /^france$/ }) }).locator('circle');
    const box = await word.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -100);
    await page.waitForTimeout(300);
    await page.locator('.mapbox').screenshot({ path: join(ROOT, 'docs/tsne-map-zoom.png') });
    await page.close();
  }

  if (only.has('playground') || only.has('models')) {
    const server = (await import(join(ROOT, 'dist/report/server.js'))).startPlayground;
    const models = only.has('playground') ? [GLOVE, flags.lm] : [];
    if (only.has('models')) models.push(flags.classifier, flags.seq2seq);
    const playground = await server({ models, port: 0 });
    try {
      const p = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      p.setDefaultTimeout(240_000);
      await p.goto(playground.url);
      await p.waitForSelector('body[data-ready=true]');
      if (only.has('playground')) {
        const vectors = p.locator('section[data-kind=vectors]');
        await vectors.locator('form.neighbours input[name=q]').fill('frog');
        await vectors.locator('form.neighbours button').click();
        await vectors.locator('ol.neighbours-results li').nth(9).waitFor();
        for (const [name, value] of [['a', 'man'], ['b', 'king'], ['c', 'woman']]) await vectors.locator(`form.analogy input[name=${name}]`).fill(value);
        await vectors.locator('form.analogy button').click();
        await vectors.locator('ol.analogy-results li').first().waitFor();
        const lm = p.locator('section[data-kind=lm]');
        await lm.locator('.lm-state[data-ready=true]').waitFor();
        await lm.locator('input[name=prime]').fill('tyranno');
        await lm.locator('input[name=length]').fill('300');
        await lm.locator('input[name=lines]').check();
        await lm.locator('form.generate button').click();
        await lm.locator('pre.generated[data-done=true]').waitFor();
      }
      if (only.has('models')) {
        const classifier = p.locator('section[data-kind=classifier]');
        await classifier.locator('.classifier-state[data-ready=true]').waitFor();
        await classifier.locator('input[name=text]').fill('a gorgeous , witty , seductive movie .');
        await classifier.locator('form.classify button').click();
        await classifier.locator('.predicted .classify-label').waitFor();
        const seq2seq = p.locator('section[data-kind=seq2seq]');
        await seq2seq.locator('.seq2seq-state[data-ready=true]').waitFor();
        await seq2seq.locator('input[name=text]').fill('Tuesday, July 8, 2008');
        await seq2seq.locator('form.translate button').click();
        await seq2seq.locator('.translation[data-steps]').waitFor();
      }
      if (only.has('playground')) {
        await p.screenshot({ path: join(ROOT, 'docs/playground.png'), fullPage: true, clip: await unionBox(p, ['header', 'section[data-kind=vectors]', 'section[data-kind=lm]']) });
      }
      if (only.has('models')) {
        await p.screenshot({ path: join(ROOT, 'docs/playground-models.png'), fullPage: true, clip: await unionBox(p, ['section[data-kind=classifier]', 'section[data-kind=seq2seq]']) });
      }
    } finally {
      await playground.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`wrote ${[...only].join(', ')} pictures in docs/`);

/** The page region (in page coordinates) covering the given elements, with a margin. */
async function unionBox(page, selectors) {
  const boxes = await Promise.all(selectors.map((s) => page.locator(s).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  })));
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - 10);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - 10);
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + 10;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + 10;
  return { x, y, width: right - x, height: bottom - y };
}
