/**
 * The report of a seq2seq model folder: settings and figures from seq2seq.json, and for each
 * --input text its translation with an attention heatmap; the playground accepts the folder and
 * serves its browser files (the page's panel is tested in browser.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/report-page.js';
import { startPlayground } from '../../src/report/server.js';
import { saveSeq2seqModel, trainSeq2seq } from '../../src/seq/seq2seq/index.js';
import { useCpuBackend } from '../seq/layers/harness.js';
import { reversedDigits } from '../seq/seq2seq/fixtures.js';
import { wellFormedProblems } from './well-formed.js';

let dir = '';
let folder = '';
beforeAll(async () => {
  await useCpuBackend();
  dir = mkdtempSync(join(tmpdir(), 'wordloom-s2s-report-'));
  folder = join(dir, 'reverse');
  const model = await trainSeq2seq(reversedDigits(3, 120, 2, 4), { units: 16, embedding: 8, batch: 16, lr: 0.01, valDecode: 10, threads: 1, epochs: 1 });
  try {
    await saveSeq2seqModel(model, folder);
  } finally {
    model.dispose();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seq2seq in the report and the playground', () => {
  it('translations of the --input texts with their attention heatmaps', async () => {
    const warnings: string[] = [];
    const report = await buildReport(folder, { inputs: ['123', '45'], onWarning: (m) => warnings.push(m) });
    expect(report.kind).toBe('seq2seq');
    expect(report.sections).toEqual(['Final figures', 'Settings', 'Translations and attention']);
    expect(wellFormedProblems(report.html, 'html')).toEqual([]);
    expect(report.html.match(/<figure class="attention"><svg /g)!.length).toBe(2);
    expect(report.html).toContain('<th>units</th><td>16</td>');
    const without = await buildReport(folder);
    expect(without.html).toContain('give source texts with --input');
    // --eval pairs: the first four sources, with their expected targets.
    const pairsFile = join(dir, 'pairs.tsv');
    writeFileSync(pairsFile, reversedDigits(7, 6, 2, 4).map((p) => `${p.source}\t${p.target}`).join('\n'));
    const withPairs = await buildReport(folder, { evaluation: pairsFile });
    expect(withPairs.html.match(/<figure class="attention"><svg /g)!.length).toBe(4);
    for (const p of reversedDigits(7, 6, 2, 4).slice(0, 4)) expect(withPairs.html).toContain(`(expected ${p.target}`);
  }, 60_000);

  it('the playground serves the folder', async () => {
    const playground = await startPlayground({ models: [folder], port: 0 });
    try {
      const models = (await (await fetch(`${playground.url}/api/models`)).json()) as { kind: string }[];
      expect(models.map((m) => m.kind)).toEqual(['seq2seq']);
      expect((await fetch(`${playground.url}/models/reverse/decoder.json`)).status).toBe(200);
    } finally {
      await playground.close();
    }
  }, 60_000);
});
