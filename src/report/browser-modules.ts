/**
 * The wordloom modules the playground page imports in the browser: text generation
 * (src/seq/generate, written to run in Node and browsers), the vocabulary-file reader, classifier
 * prediction and seq2seq decoding from saved files (browser-classifier.ts, browser-seq2seq.ts) and
 * seq2seq's attention heatmap (attention-svg.ts), with
 * everything they import, as built in dist/. The set is computed from their relative imports,
 * so exactly those files, and no other part of the package, are served. Their one bare import,
 * '@tensorflow/tfjs', is mapped by the page's import map onto a small module re-exporting the
 * `tf` global that tfjs's own browser bundle (dist/tf.min.js) defines.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';
import { packageRoot } from '../embeddings/shared/package-root.js';
import { WordloomError } from '../errors.js';

/** Entry points, relative to dist/. */
export const BROWSER_ENTRIES = ['seq/generate/index.js', 'text/vocabulary-file.js', 'report/browser-classifier.js', 'report/browser-seq2seq.js', 'seq/seq2seq/attention-svg.js'] as const;

const IMPORT = /(?:^|[;\s])(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/g;

/** relative path (from dist/) -> file contents, for every module reachable from the entries. */
export async function browserModules(): Promise<Map<string, Buffer>> {
  const dist = join(packageRoot(), 'dist');
  const modules = new Map<string, Buffer>();
  const queue: string[] = [...BROWSER_ENTRIES];
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (modules.has(rel)) continue;
    const path = join(dist, rel);
    if (!existsSync(path)) throw new WordloomError('ENOENT', `${path} is missing: build wordloom first (npm run build)`);
    const code = await fsp.readFile(path);
    modules.set(rel, code);
    for (const match of code.toString('utf8').matchAll(IMPORT)) {
      const spec = match[1]!;
      if (!spec.startsWith('.')) continue; // '@tensorflow/tfjs': the import map's business
      const target = relative(dist, normalize(join(dirname(path), spec)));
      if (!target.startsWith('..')) queue.push(target.split('\\').join('/'));
    }
  }
  return modules;
}

/** tfjs's browser bundle (it defines the `tf` global). */
export function tfjsBundlePath(): string {
  const require = createRequire(join(packageRoot(), 'package.json'));
  const main = require.resolve('@tensorflow/tfjs'); // .../@tensorflow/tfjs/dist/tf.node.js
  const bundle = join(dirname(main), 'tf.min.js');
  if (!existsSync(bundle)) throw new WordloomError('ENOENT', `${bundle} is missing: the playground needs @tensorflow/tfjs's browser bundle`);
  return bundle;
}

/** An ES module re-exporting the `tf` global under every name tfjs exports (for `import * as tf`). */
export async function tfjsShimModule(): Promise<string> {
  const tf = (await import('@tensorflow/tfjs')) as Record<string, unknown>;
  const names = Object.keys(tf).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
  return `const tf = globalThis.tf;\nexport default tf;\nexport const { ${names.join(', ')} } = tf;\n`;
}
