#!/usr/bin/env node
/**
 * Remakes docs/map.png and docs/playground.png with headless Chromium (Debian's, through
 * playwright-core), from the shared data: a UMAP map of GloVe 6B 100d with the debias word lists
 * as groups, and the playground serving the same vectors and a character model of dinosaur
 * names. Run after `npm run build`:
 *
 *   node dist/cli/main.js lm train ../shared/data/charlm/dinos.txt -o /tmp/dinos --layers 1 --units 64 --embedding 16 --epochs 4 --seq-len 32 --batch 32
 *   node docs/screenshots.mjs [/tmp/dinos]
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
const LM = process.argv[2] ?? '/tmp/dinos';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

for (const [path, what] of [[CLI, 'the build (npm run build)'], [GLOVE, 'the GloVe vectors'], ['/usr/bin/chromium', 'chromium'], [join(LM, 'lm.json'), 'a language model folder']]) {
  if (!existsSync(path)) {
    console.error(`missing ${what}: ${path}`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'wordloom-shots-'));
const map = join(work, 'map.html');
const plot = spawnSync(process.execPath, [CLI, 'plot', GLOVE, '--groups', 'debias', '--top', '60', '--method', 'umap', '--seed', '1', '--title', 'GloVe 6B 100d: debias lists and the 60 most frequent words (UMAP)', '-o', map], { stdio: 'inherit' });
if (plot.status !== 0) process.exit(1);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.goto(`file://${map}`);
  await page.locator('.mapbox').screenshot({ path: join(ROOT, 'docs/map.png') });

  const server = (await import(join(ROOT, 'dist/report/server.js'))).startPlayground;
  const playground = await server({ models: [GLOVE, LM], port: 0 });
  try {
    const p = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    p.setDefaultTimeout(120_000);
    await p.goto(playground.url);
    await p.waitForSelector('body[data-ready=true]');
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
    await p.screenshot({ path: join(ROOT, 'docs/playground.png'), fullPage: true });
  } finally {
    await playground.close();
  }
} finally {
  await browser.close();
}
console.log('wrote docs/map.png and docs/playground.png');
