/**
 * End to end in a real browser (Debian's headless Chromium through playwright-core): the
 * playground page lists a tiny vectors file, a tiny language model, two tiny classifiers (averaged
 * with word bigrams, and recurrent) and a tiny seq2seq model, all trained here in seconds, seeded;
 * answers neighbours and an analogy from the server, shows a clear error for an unknown word,
 * loads the models with plain tf.loadLayersModel, generates the very text Node generates with the
 * same seed, classifies with Node's probabilities, translates as Node does with the same attention
 * heatmap, and says what is wrong with an empty text; a word map parses as SVG in the browser and
 * zooms with its labels keeping their size. Skipped, with the reason, where /usr/bin/chromium is not installed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateText } from '../../src/seq/generate/index.js';
import { loadLanguageModel } from '../../src/seq/lm/index.js';
import { loadClassifier } from '../../src/seq/classify/index.js';
import { loadSeq2seqModel, type Translation } from '../../src/seq/seq2seq/index.js';
import { renderMapHtml } from '../../src/report/map-html.js';
import { startPlayground, type Playground } from '../../src/report/server.js';
import { buildWordMap } from '../../src/report/word-map.js';
import { useCpuBackend } from '../seq/layers/harness.js';
import { GROUPS, plantedVectors, writePlantedVectors, writeTinyClassifier, writeTinyLanguageModel, writeTinySeq2seq } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!existsSync(CHROMIUM)) console.warn(`skipping the playground browser test: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!existsSync(CHROMIUM))(`playground in headless Chromium (${CHROMIUM})`, () => {
  let dir = '';
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let expectedText = '';
  const CLASSIFY_TEXT = 'the film was good it was a plot zzz';
  const UNKNOWN_TEXT = 'zzz qqq';
  const expectedClasses = new Map<string, { label: string; probabilities: number[] }>();
  const TRANSLATE_TEXT = '3141';
  let expectedTranslation: Translation;

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
    for (const model of ['avg', 'rnn'] as const) {
      await writeTinyClassifier(join(dir, `tiny-${model}`), model);
      const classifier = await loadClassifier(join(dir, `tiny-${model}`));
      try {
        const [p, none] = classifier.predict([CLASSIFY_TEXT, UNKNOWN_TEXT]);
        expectedClasses.set(`tiny-${model}`, { label: p!.label, probabilities: Array.from(p!.probabilities) });
        expectedClasses.set(`tiny-${model} unknown`, { label: none!.label, probabilities: Array.from(none!.probabilities) });
      } finally {
        classifier.dispose();
      }
    }
    await writeTinySeq2seq(join(dir, 'tiny-s2s'));
    const s2s = await loadSeq2seqModel(join(dir, 'tiny-s2s'));
    try {
      [expectedTranslation] = s2s.translate([TRANSLATE_TEXT]) as [Translation];
    } finally {
      s2s.dispose();
    }
    playground = await startPlayground({ models: [join(dir, 'planted.vec'), join(dir, 'tiny-lm'), join(dir, 'tiny-avg'), join(dir, 'tiny-rnn'), join(dir, 'tiny-s2s')], port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS }); // playwright gives each launch a fresh profile
    page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    // Generous: on a machine busy with other work, Chromium can take minutes to start and load tfjs.
    await page.goto(playground.url, { timeout: 240_000 });
    await page.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
  }, 480_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every model with a panel each', async () => {
    expect(await page.locator('#status').textContent()).toMatch(/^5 models served/);
    expect(await page.locator('section.panel').evaluateAll((panels) => panels.map((p) => [p.getAttribute('data-model'), p.getAttribute('data-kind')]))).toEqual([
      ['planted.vec', 'vectors'],
      ['tiny-lm', 'lm'],
      ['tiny-avg', 'classifier'],
      ['tiny-rnn', 'classifier'],
      ['tiny-s2s', 'seq2seq'],
    ]);
  });

  for (const [id, layers] of [['tiny-avg', 'Dense'], ['tiny-rnn', 'Embedding → LSTM → GlobalMaxPooling1D → Dense → Activation']] as const) {
    it(`${id}: classifies in the browser with the probabilities Node computes; an empty text is a clear error`, async () => {
      const panel = page.locator(`section[data-model="${id}"]`);
      await panel.locator('.classifier-state[data-ready=true]').waitFor();
      expect(await panel.locator('.classifier-state').textContent()).toContain(`loaded with tf.loadLayersModel: ${layers} (`);
      await panel.locator('input[name=text]').fill('   ');
      await panel.locator('form.classify button').click();
      await expect.poll(() => panel.locator('.classify-error').textContent(), { timeout: 30_000 }).toBe('type a text to classify');
      await panel.locator('input[name=text]').fill(CLASSIFY_TEXT);
      await panel.locator('form.classify button').click();
      await panel.locator('.predicted .classify-label').waitFor();
      expect(await panel.locator('.classify-error').textContent()).toBe('');
      const expected = expectedClasses.get(id)!;
      expect(await panel.locator('.classify-label').textContent()).toBe(expected.label);
      expect(await panel.locator('.predicted').textContent()).toContain('1 unknown: zzz');
      const shown = await panel.locator('ol.class-probabilities li').evaluateAll((items) => items.map((li) => [li.getAttribute('data-label'), Number(li.getAttribute('data-p'))] as const));
      expect(shown.map(([label]) => label)).toEqual(['neg', 'pos']);
      shown.forEach(([, p], c) => expect(p).toBeCloseTo(expected.probabilities[c]!, 5));
      // A text of unknown words only: still Node's probabilities, and the page says so.
      await panel.locator('input[name=text]').fill(UNKNOWN_TEXT);
      await panel.locator('form.classify button').click();
      await expect.poll(() => panel.locator('.predicted').textContent(), { timeout: 30_000 }).toContain('the model knows none of them');
      const none = expectedClasses.get(`${id} unknown`)!;
      const shownNone = await panel.locator('ol.class-probabilities li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-p'))));
      shownNone.forEach((p, c) => expect(p).toBeCloseTo(none.probabilities[c]!, 5));
    }, 90_000);
  }

  it('translates in the browser as Node does, with the attention heatmap', async () => {
    const panel = page.locator('section[data-model="tiny-s2s"]');
    await panel.locator('.seq2seq-state[data-ready=true]').waitFor();
    expect(await panel.locator('.seq2seq-state').textContent()).toMatch(/loaded with tf\.loadLayersModel: encoder and one-step decoder \(lstm 16, luong-dot attention\)/);
    await panel.locator('input[name=text]').fill('');
    await panel.locator('form.translate button').click();
    await expect.poll(() => panel.locator('.translate-error').textContent(), { timeout: 30_000 }).toBe('type a source text to translate');
    await panel.locator('input[name=text]').fill(TRANSLATE_TEXT);
    await panel.locator('form.translate button').click();
    await panel.locator('.translation[data-steps]').waitFor();
    expect(await panel.locator('.translate-error').textContent()).toBe('');
    expect(await panel.locator('.translation').textContent()).toBe(expectedTranslation.text);
    const rows = expectedTranslation.ended ? [...expectedTranslation.tokens, '<EOS>'] : expectedTranslation.tokens;
    expect(Number(await panel.locator('.translation').getAttribute('data-steps'))).toBe(rows.length);
    // One cell per output step and source token, its tooltip the weight: Node's, to the 3 decimals shown.
    const cells = await panel.locator('.attention svg rect title').allTextContents();
    expect(cells.length).toBe(rows.length * expectedTranslation.sourceTokens.length);
    cells.forEach((title, k) => {
      const weight = expectedTranslation.attention[Math.floor(k / expectedTranslation.sourceTokens.length)]![k % expectedTranslation.sourceTokens.length]!;
      expect(Math.abs(Number(title.slice(title.lastIndexOf(':') + 1)) - weight)).toBeLessThan(0.0015);
    });
  }, 90_000);

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
      const font = Number(await mapPage.locator('svg.wordmap g.points').getAttribute('font-size'));
      await mapPage.locator('button[data-zoom=in]').click();
      expect(await mapPage.locator('svg.wordmap').getAttribute('viewBox')).not.toBe(before);
      // Labels and dots keep their size on the screen: 0.7 of the map in view, 0.7 the font and radius.
      expect(Number(await mapPage.locator('svg.wordmap g.points').getAttribute('font-size'))).toBeCloseTo(0.7 * font, 6);
      expect(Number(await mapPage.locator('svg.wordmap g.w circle').first().getAttribute('r'))).toBeCloseTo(2.1, 6);
      await mapPage.locator('input.mapfind').fill('queen');
      await mapPage.locator('input.mapfind').press('Enter');
      expect(await mapPage.locator('.mapinfo').textContent()).toBe('queen');
    } finally {
      await mapPage.close();
    }
  }, 60_000);
});
