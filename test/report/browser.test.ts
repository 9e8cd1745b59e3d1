/**
 * End to end in a real browser (Debian's headless Chromium through playwright-core): the
 * playground page lists a tiny vectors file and a tiny language model, answers neighbours and an
 * analogy from the server, shows a clear error for an unknown word, loads the model with plain
 * tf.loadLayersModel and generates the very text Node generates with the same seed; a word map
 * parses as SVG in the browser and zooms. Skipped, with the reason, where /usr/bin/chromium is
 * not installed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateText } from '../../src/seq/generate/index.js';
import { loadLanguageModel } from '../../src/seq/lm/index.js';
import { renderMapHtml } from '../../src/report/map-html.js';
import { startPlayground, type Playground } from '../../src/report/server.js';
import { buildWordMap } from '../../src/report/word-map.js';
import { useCpuBackend } from '../seq/layers/harness.js';
import { GROUPS, plantedVectors, writePlantedVectors, writeTinyLanguageModel } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!existsSync(CHROMIUM)) console.warn(`skipping the playground browser test: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!existsSync(CHROMIUM))(`playground in headless Chromium (${CHROMIUM})`, () => {
  let dir = '';
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let expectedText = '';

  beforeAll(async () => {
    await useCpuBackend();
    dir = mkdtempSync(join(tmpdir(), 'wordloom-browser-'));
    await writePlantedVectors(join(dir, 'planted.vec'));
    await writeTinyLanguageModel(join(dir, 'tiny-lm'));
    // What Node generates with the page's settings: the browser must produce the same text.
    const model = await loadLanguageModel(join(dir, 'tiny-lm'));
    try {
      expectedText = await generateText(model.model, model.vocabulary, { prime: 'ab', maxLength: 40, temperature: 0.8, seed: 7, onUnknown: 'unk' });
    } finally {
      model.dispose();
    }
    playground = await startPlayground({ models: [join(dir, 'planted.vec'), join(dir, 'tiny-lm')], port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS }); // playwright gives each launch a fresh profile
    page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(playground.url);
    await page.waitForSelector('body[data-ready=true]');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists both models with a panel each', async () => {
    expect(await page.locator('#status').textContent()).toMatch(/^2 models served/);
    expect(await page.locator('section.panel').evaluateAll((panels) => panels.map((p) => [p.getAttribute('data-model'), p.getAttribute('data-kind')]))).toEqual([
      ['planted.vec', 'vectors'],
      ['tiny-lm', 'lm'],
    ]);
  });

  it('nearest neighbours and an analogy, and an unknown word as a clear error', async () => {
    const panel = page.locator('section[data-model="planted.vec"]');
    await panel.locator('form.neighbours input[name=q]').fill('apple');
    await panel.locator('form.neighbours input[name=topn]').fill('5');
    await panel.locator('form.neighbours button').click();
    await panel.locator('ol.neighbours-results li').nth(4).waitFor();
    const words = await panel.locator('ol.neighbours-results li .word').allTextContents();
    expect(words.sort()).toEqual(GROUPS.fruit.filter((w) => w !== 'apple').sort());

    await panel.locator('form.analogy input[name=a]').fill('man');
    await panel.locator('form.analogy input[name=b]').fill('king');
    await panel.locator('form.analogy input[name=c]').fill('woman');
    await panel.locator('form.analogy button').click();
    await panel.locator('ol.analogy-results li').first().waitFor();
    expect(await panel.locator('ol.analogy-results li .word').first().textContent()).toBe('queen');

    await panel.locator('form.neighbours input[name=q]').fill('nosuchword');
    await panel.locator('form.neighbours button').click();
    await expect.poll(() => panel.locator('.neighbours-error').textContent(), { timeout: 30_000 }).toMatch(/nosuchword/);
    expect(await panel.locator('ol.neighbours-results li').count()).toBe(0);
  }, 90_000);

  it('loads the language model with tf.loadLayersModel and generates what Node generates', async () => {
    const panel = page.locator('section[data-model="tiny-lm"]');
    await panel.locator('.lm-state[data-ready=true]').waitFor();
    expect(await panel.locator('.lm-state').textContent()).toMatch(/loaded with tf\.loadLayersModel: Embedding → LSTM → Dense, \d+ tokens/);
    await panel.locator('input[name=prime]').fill('ab');
    await panel.locator('input[name=length]').fill('40');
    await panel.locator('input[name=temperature]').fill('0.8');
    await panel.locator('input[name=seed]').fill('7');
    await panel.locator('form.generate button').click();
    await panel.locator('pre.generated[data-done=true]').waitFor();
    expect(await panel.locator('.generate-error').textContent()).toBe('');
    const text = await panel.locator('pre.generated').textContent();
    expect(text!.length).toBeGreaterThan(2);
    expect(text).toBe(`ab${expectedText}`);
  }, 90_000);

  it('a word map parses as SVG in the browser, shows its labels and zooms', async () => {
    const vectors = plantedVectors();
    const map = await buildWordMap(vectors, vectors.words, { method: 'pca', title: 'planted' });
    const file = join(dir, 'map.html');
    writeFileSync(file, renderMapHtml(map));
    const mapPage = await browser.newPage();
    try {
      await mapPage.goto(`file://${file}`);
      const parsed = await mapPage.evaluate(() => {
        // The page's globals, typed just enough (the tests compile without the DOM library).
        interface Node { textContent: string | null; querySelectorAll(s: string): ArrayLike<Node>; getElementsByTagName(s: string): ArrayLike<Node> }
        const g = globalThis as unknown as {
          document: { querySelector(s: string): Node };
          DOMParser: new () => { parseFromString(text: string, type: string): Node };
          XMLSerializer: new () => { serializeToString(node: Node): string };
        };
        const svg = g.document.querySelector('svg.wordmap');
        const again = new g.DOMParser().parseFromString(new g.XMLSerializer().serializeToString(svg), 'image/svg+xml');
        return { errors: again.getElementsByTagName('parsererror').length, labels: Array.from(svg.querySelectorAll('g.w text'), (t) => t.textContent) };
      });
      expect(parsed.errors).toBe(0);
      expect(parsed.labels).toEqual([...vectors.words]);
      const before = await mapPage.locator('svg.wordmap').getAttribute('viewBox');
      await mapPage.locator('button[data-zoom=in]').click();
      expect(await mapPage.locator('svg.wordmap').getAttribute('viewBox')).not.toBe(before);
      await mapPage.locator('input.mapfind').fill('queen');
      await mapPage.locator('input.mapfind').press('Enter');
      expect(await mapPage.locator('.mapinfo').textContent()).toBe('queen');
    } finally {
      await mapPage.close();
    }
  }, 60_000);
});
