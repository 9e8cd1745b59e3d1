import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// tfjs's Node banner goes through console.warn, which vitest captures; only a real process shows
// what a user sees. These run the built module, as the CLI will.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT = join(ROOT, 'dist/seq/backend/index.js');
const BANNER = 'looks like you are running TensorFlow.js in Node.js';

function run(script: string, backend?: string): { code: number; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['WORDLOOM_BACKEND'];
  if (backend !== undefined) env['WORDLOOM_BACKEND'] = backend;
  // --input-type=module with -e resolves '@tensorflow/tfjs' from the cwd, the package root.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Selects (three times, two of them concurrently), then trains an embedding one step. */
const USE_WORDLOOM = `
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from ${JSON.stringify(pathToFileURL(BUILT).href)};
try {
  await Promise.all([selectBackend(), selectBackend()]);
  await selectBackend();
} catch (err) {
  process.stderr.write(err.code + ': ' + err.message + '\\n');
  process.exit(1);
}
const model = tf.sequential({ layers: [
  tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 2 }),
] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
await model.fit(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), tf.zeros([2, 2]), { epochs: 1, verbose: 0 });
`;

beforeAll(() => {
  const sources = join(ROOT, 'src/seq/backend');
  const stale =
    !existsSync(BUILT) ||
    readdirSync(sources).some((f) => statSync(join(sources, f)).mtimeMs > statSync(BUILT).mtimeMs);
  // tsc still emits when files outside this folder fail to type-check, so its status is not checked.
  if (stale) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
}, 120_000);

describe('the built backend module in a plain Node process', () => {
  it('control: tfjs alone on cpu prints the banner this test looks for', () => {
    const r = run(`import * as tf from '@tensorflow/tfjs'; await tf.setBackend('cpu'); tf.scalar(1).dispose();`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(BANNER);
  });

  it('on the default (wasm) backend: one line on stderr, nothing on stdout, no banner', () => {
    const r = run(USE_WORDLOOM);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^wordloom: tfjs backend wasm \((no )?SIMD, 1 thread for tfjs's own ops; fused layers on all cores\)\n$/);
  });

  it('on cpu (WORDLOOM_BACKEND=cpu): one line on stderr, nothing on stdout, no banner', () => {
    const r = run(USE_WORDLOOM, 'cpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('wordloom: tfjs backend cpu (plain JavaScript)\n');
  });

  it('keeps other tfjs warnings: only the banner is silenced, not PROD mode left on', () => {
    const r = run(`
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from ${JSON.stringify(pathToFileURL(BUILT).href)};
await selectBackend();
if (tf.env().getBool('PROD')) console.error('PROD left on');
await selectBackend({ backend: 'cpu' });
if (tf.env().getBool('PROD')) console.error('PROD left on');
`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('PROD left on');
    expect(r.stderr).not.toContain(BANNER);
  });

  it('WORDLOOM_BACKEND=tensorflow without tfjs-node is a one-line error', () => {
    const r = run(USE_WORDLOOM, 'tensorflow');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'EOPTION: backend tensorflow (from environment variable WORDLOOM_BACKEND) cannot be loaded: ' +
        '@tensorflow/tfjs-node is not installed; it is an optional dependency that needs libtensorflow, ' +
        'which its install script downloads. Choose wasm or cpu instead\n',
    );
  });
});
