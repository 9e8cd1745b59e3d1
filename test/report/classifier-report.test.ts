/**
 * Classifier folders in the report and the playground: the report evaluates on --eval (confusion
 * matrix as a heatmap whose counts are the evaluation's, per-class precision and recall) and
 * classifies --input texts; without a labelled file it says how to get one. The playground serves
 * exactly the folder's browser files (features.bin for the averaged model) and refuses others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/report-page.js';
import { startPlayground } from '../../src/report/server.js';
import { evaluateClassifier, loadClassifier } from '../../src/seq/classify/index.js';
import { CLI_PATH, runCli } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { useCpuBackend } from '../seq/layers/harness.js';
import { sentimentLines, writeTinyClassifier } from './fixtures.js';
import { wellFormedProblems } from './well-formed.js';

const dir = useTempFolder('wordloom-clf-report-').dir;
let folder = '';
let evalFile = '';
beforeAll(async () => {
  await useCpuBackend();
  folder = join(dir, 'sentiment');
  await writeTinyClassifier(folder, 'avg');
  evalFile = join(dir, 'test.txt');
  writeFileSync(evalFile, await sentimentLines(60, 9));
}, 120_000);

describe('classifiers in the report', () => {
  it('--eval: figures, per-class precision and recall and the confusion matrix; --input: predictions', async () => {
    const report = await buildReport(folder, { evaluation: evalFile, inputs: ['the film was great', 'a dull plot'] });
    expect(report.kind).toBe('classifier');
    expect(report.sections).toEqual(['Final figures', 'Settings', `Evaluation on ${evalFile}`, 'Predictions']);
    expect(wellFormedProblems(report.html, 'html')).toEqual([]);
    const classifier = await loadClassifier(folder);
    try {
      const r = await evaluateClassifier(classifier, evalFile);
      expect(report.html).toContain(`<th>accuracy</th><td>${(100 * r.accuracy).toFixed(2)}%</td>`);
      for (const c of r.perClass) expect(report.html).toContain(`<tr><td>${c.label}</td><td>${(100 * c.precision).toFixed(2)}%</td><td>${(100 * c.recall).toFixed(2)}%</td>`);
      // The heatmap's cells carry the evaluation's counts, row by row.
      const svg = report.html.slice(report.html.indexOf('<figure class="confusion">'));
      const cells = [...svg.matchAll(/<title>([^<]*) \/ ([^<]*): (\d+)<\/title>/g)].map((m) => [m[1], m[2], Number(m[3])]);
      expect(cells).toEqual(r.labels.flatMap((gold, g) => r.labels.map((pred, p) => [gold, pred, r.confusion[g]![p]!])));
      expect(cells.reduce((s, c) => s + (c[2] as number), 0)).toBe(60);
      const predicted = classifier.predict(['the film was great', 'a dull plot']);
      expect(report.html).toContain(`<td>the film was great</td><td>${predicted[0]!.label}</td>`);
      expect(report.html).toContain(`<td>a dull plot</td><td>${predicted[1]!.label}</td>`);
    } finally {
      classifier.dispose();
    }
  }, 60_000);

  it('without a labelled file the report says how to get the confusion matrix', async () => {
    const report = await buildReport(folder);
    expect(report.sections).toEqual(['Final figures', 'Settings', 'Confusion matrix']);
    expect(report.html).toContain('give a labelled file with --eval');
    expect(report.html).toContain('<th>model</th><td>avg</td>');
  });
});

describe('CLI: report on a classifier', () => {
  it.skipIf(!existsSync(CLI_PATH))('--eval and --input reach the page; a missing --eval file is one line, exit 1', () => {
    const out = join(dir, 'cli-report.html');
    const r = runCli(['--json', '--quiet', 'report', folder, '--eval', evalFile, '--input', 'a dull plot', '--backend', 'cpu', '-o', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'classifier', sections: ['Final figures', 'Settings', `Evaluation on ${evalFile}`, 'Predictions'] });
    expect(readFileSync(out, 'utf8')).toContain('<figure class="confusion"><svg');
    const missing = runCli(['--quiet', 'report', folder, '--eval', join(dir, 'nope.txt'), '--backend', 'cpu', '-o', join(dir, 'x.html')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^wordloom: .*nope\.txt/);
  }, 60_000);
});

describe('classifiers in the playground', () => {
  it('serves the folder\'s browser files and nothing else', async () => {
    const playground = await startPlayground({ models: [folder], port: 0 });
    try {
      const models = (await (await fetch(`${playground.url}/api/models`)).json()) as { id: string; kind: string; info: { files: string[] } }[];
      expect(models.map((m) => [m.id, m.kind])).toEqual([['sentiment', 'classifier']]);
      expect(models[0]!.info.files.sort()).toEqual(['classifier.json', 'features.bin', 'model.json', 'vocab.tsv', 'weights.bin']);
      for (const f of models[0]!.info.files) expect((await fetch(`${playground.url}/models/sentiment/${f}`)).status).toBe(200);
      const refused = await fetch(`${playground.url}/models/sentiment/..%2Fsecret.txt`);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: string }).error).toMatch(/is served/);
    } finally {
      await playground.close();
    }
  }, 60_000);
});
