import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVectors, saveVectors } from '../../src/vectors/formats/index.js';
import { cliRunner, useBuiltCli } from '../helpers/built-cli.js';
import { useTempFolder } from '../helpers/temp-folder.js';
import { dot64, norm64, plantedBias } from '../vectors/debias/fixtures.js';

useBuiltCli();
const tmp = useTempFolder('wordloom-cli-debias-');
const planted = plantedBias();

const run = cliRunner();

beforeAll(async () => {
  await saveVectors(tmp.path('planted.txt'), planted.set);
  writeFileSync(tmp.path('definitional.json'), JSON.stringify(planted.definitional));
  writeFileSync(tmp.path('equalize.txt'), planted.equalize.map((p) => p.join(' ')).join('\n'));
  writeFileSync(tmp.path('specific.json'), JSON.stringify(planted.specific.slice(1)));
  writeFileSync(tmp.path('neutral.txt'), `# jobs\n${planted.neutral.join('\n')}\nplumber\n`);
  writeFileSync(tmp.path('questions.txt'), ': family\nhe she king queen\nhis her brother sister\n');
  writeFileSync(tmp.path('pairs.txt'), 'king\tqueen\t8\njob1\tjob2\t3\nshe\ther\t7\njob3\tking\t1\n');
  mkdirSync(tmp.path('folder'));
}, 120_000);

const lists = () => [
  '--definitional', tmp.path('definitional.json'),
  '--specific', tmp.path('specific.json'),
  '--add-specific', 'ACTRESS,nobody',
  '--neutral', tmp.path('neutral.txt'),
];

describe('wordloom debias and bias (built CLI)', () => {
  it('debias writes the debiased vectors and reports before and after as JSON', async () => {
    const r = run('--json', '-q', 'debias', tmp.path('planted.txt'), '-o', tmp.path('out/debiased.bin'), ...lists(),
      '--equalize', tmp.path('equalize.txt'), '--analogies', tmp.path('questions.txt'), '--similarity', tmp.path('pairs.txt'),
      '--probe', 'man:king::woman:?', '--top', '3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe('word2vec-binary');
    expect(report.counts).toEqual({ words: planted.set.size, neutralized: planted.neutral.length, specific: 24, equalized: 4 });
    expect(report.direction.vector.length).toBe(planted.set.dim);
    expect(report.direction.poles).toEqual(['she', 'he']);
    expect(report.before.directBias).toBeGreaterThan(0.1);
    expect(report.after.directBias).toBeLessThan(1e-6);
    expect(report.poles.positive.length).toBe(3);
    expect(report.symmetry.symmetric).toBe(true);
    expect(report.before.analogies.total.answered).toBe(2);
    expect(report.after.similarity[0].name).toBe(tmp.path('pairs.txt'));
    expect(report.after.probes.map((p: { query: string }) => p.query)).toEqual(['man:king::woman:?']);
    expect(report.missing).toEqual({ definitional: [], equalize: [], specific: ['nobody'], neutral: ['plumber'], probes: [] });
    // The file holds what the report describes; nothing else was left in its folder.
    const out = await loadVectors(tmp.path('out/debiased.bin'));
    expect(out.words).toEqual(planted.set.words);
    const g = Float64Array.from(report.direction.vector as number[]);
    for (const w of planted.neutral) expect(Math.abs(dot64(out.get(w)!, g))).toBeLessThan(1e-6);
    const actress = planted.set.get('actress')!;
    expect(dot64(out.get('actress')!, actress) / norm64(actress)).toBeCloseTo(1, 6);
    expect(readdirSync(tmp.path('out'))).toEqual(['debiased.bin']);
  });

  it('debias prints tables for people, and runs on built-in lists alone', () => {
    const r = run('-q', 'debias', tmp.path('planted.txt'), '-o', tmp.path('plain.vec'), '--method', 'mean', '--keep-norms');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bias direction "she" - "he": mean difference of 6 definitional pairs');
    expect(r.stdout).toMatch(/neutralized \d+ words, kept 12 gender-specific, equalized 6 pairs; wrote .*plain\.vec \(fasttext-vec\)/);
    expect(r.stdout).toMatch(/direct bias, mean \|cos\(w, g\)\| over 0 neutral words\s+-\s+-/);
    expect(r.stdout).toMatch(/equalized pairs symmetric to 1e-6: yes/);
    expect(r.stdout).toContain('not in the vocabulary: definitional 4 (female/male, herself/himself, gal/guy, Mary/John)');
    expect(r.stdout).toMatch(/analogy probe\s+before\s+after/);
  });

  it('bias reports without writing anything', () => {
    const human = run('-q', 'bias', tmp.path('planted.txt'), ...lists(), '--top', '2');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/direct bias, mean \|cos\(w, g\)\| over 60 neutral words: 0\.\d{4}/);
    expect(human.stdout).toMatch(/neutral words nearest "she"\s+cos\n-+\s+-+\njob\d+\s+0\.\d{4}\njob\d+\s+0\.\d{4}\n\n/);
    const json = JSON.parse(run('--json', 'bias', tmp.path('planted.txt'), ...lists()).stdout);
    expect(json.input).toBe(tmp.path('planted.txt'));
    expect(json.metrics.neutralWords).toBe(60);
    expect(json.neutral.excluded).toEqual([]);
    expect(json.missing.specific).toEqual(['nobody']);
  });

  it('fails with one line and the right exit code, before doing any work', () => {
    const method = run('bias', tmp.path('planted.txt'), '--method', 'svd');
    expect(method.code).toBe(2);
    expect(method.stderr).toContain("option '--method <method>' argument 'svd' is invalid. Allowed choices are pca, mean.");
    expect(run('debias', tmp.path('planted.txt')).code).toBe(2);
    const missing = run('debias', tmp.path('planted.txt'), '-o', tmp.path('x.vec'), '--equalize', tmp.path('nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^wordloom: [^\n]*nope\.json[^\n]*\n$/);
    const folder = run('debias', tmp.path('nope.txt'), '-o', tmp.path('folder'));
    expect(folder.stderr).toBe(`wordloom: output ${tmp.path('folder')} is a folder; give a file path (such as ${tmp.path('folder')}/name)\n`);
    const probe = run('bias', tmp.path('planted.txt'), '--probe', 'man:king::');
    expect(probe.code).toBe(2);
    expect(probe.stderr).toContain('--probe expects an analogy such as man:programmer::woman:? or "programmer - man + woman", got "man:king::"');
    expect(run('bias', tmp.path('planted.txt'), '--probe', 'king - - man').code).toBe(2);
    const bad = run('bias', tmp.path('planted.txt'), '--definitional', tmp.path('neutral.txt'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`wordloom: ${tmp.path('neutral.txt')} line 2: expected two words separated by a space or tab, got 1\n`);
    expect(existsSync(tmp.path('x.vec'))).toBe(false);
  });
});
