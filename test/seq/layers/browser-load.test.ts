/**
 * A model trained with the fused layers loads in a real browser (Debian's headless Chromium) with
 * plain tfjs's browser bundle and tf.loadLayersModel over HTTP, and predicts what it predicted in
 * Node. Skipped, with the reason, where /usr/bin/chromium is not installed.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedBidirectional, fusedDense, fusedEmbedding, fusedGRU, fusedLSTM } from '../../../src/seq/layers/index.js';
import { sparseSoftmaxCrossEntropy } from '../../../src/seq/losses/sparse-softmax-cross-entropy.js';
import { useCpuBackend } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const TFJS_BUNDLE = join(PROJECT_ROOT, 'node_modules/@tensorflow/tfjs/dist/tf.min.js');
const VOCAB = 11;
const TIME = 7;

function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      fusedEmbedding({ inputDim: VOCAB, outputDim: 6, maskZero: true, batchInputShape: [null, null] }),
      fusedLSTM({ units: 8, returnSequences: true }),
      fusedBidirectional({ layer: fusedGRU({ units: 5, returnSequences: true }) as unknown as tf.layers.RNN }),
      fusedDense({ units: VOCAB }),
    ],
  });
}

async function saveTo(dir: string, model: tf.LayersModel): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileSync(join(dir, 'model.json'), JSON.stringify({
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      }));
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

const PAGE = `<!doctype html><html><body><script src="/tf.min.js"></script></body></html>`;

describe.skipIf(!existsSync(CHROMIUM))(`in headless Chromium (${CHROMIUM})`, () => {
  let dir = '';
  let server: Server;
  let origin = '';
  const ids = [[1, 4, 2, 9, 3, 0, 0], [10, 10, 5, 6, 7, 8, 1], [2, 0, 0, 0, 0, 0, 0]];
  let expected: number[][][] = [];

  beforeAll(async () => {
    await useCpuBackend();
    dir = mkdtempSync(join(tmpdir(), 'wordloom-browser-'));
    const model = buildModel();
    const optimizer = tf.train.adam(0.05);
    const x = tf.tensor2d(ids, [3, TIME], 'int32');
    const y = tf.tensor2d(ids.map((row) => row.map((v) => (v + 1) % VOCAB)), [3, TIME], 'int32');
    for (let step = 0; step < 5; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => sparseSoftmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      });
    }
    expected = (model.predict(x) as tf.Tensor).arraySync() as number[][][];
    await saveTo(dir, model);
    server = createServer((req, res) => {
      const path = req.url === '/' ? null : req.url === '/tf.min.js' ? TFJS_BUNDLE : join(dir, (req.url ?? '').slice(1));
      if (path === null) {
        res.setHeader('content-type', 'text/html');
        res.end(PAGE);
      } else if (existsSync(path)) {
        res.end(readFileSync(path));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 60_000);

  afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tf.loadLayersModel over HTTP predicts what the fused model predicted in Node (within 1e-5)', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      const result = await page.evaluate(async ({ url, input }) => {
        const tfg = (globalThis as unknown as { tf: typeof tf }).tf;
        await tfg.setBackend('cpu');
        const model = await tfg.loadLayersModel(url);
        const classes = model.layers.map((l) => l.getClassName());
        const out = (model.predict(tfg.tensor2d(input, [input.length, input[0]!.length], 'int32')) as tf.Tensor).arraySync();
        return { classes, out, userAgent: (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent };
      }, { url: `${origin}/model.json`, input: ids });
      expect(result.userAgent).toMatch(/Chrome/);
      expect(result.classes).toEqual(['Embedding', 'LSTM', 'Bidirectional', 'Dense']);
      const got = (result.out as number[][][]).flat(2);
      const want = expected.flat(2);
      expect(got.length).toBe(want.length);
      const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
      expect(worst, `largest difference between the browser's and Node's logits`).toBeLessThan(1e-5);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
