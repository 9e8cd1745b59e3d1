/**
 * FusedDot is tfjs's Dot layer with its batched products on the kernel threads: the same outputs
 * and gradients as tf.layers.dot for every contraction it fuses (the attention scores [2, 2],
 * context [2, 1], and [1, 1]), tfjs's own code for the rest, the same results for any thread count
 * and on the wasm backend, and saved as a plain 'Dot'.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { FusedDot, fusedDot, registerFusedLayers, unregisterFusedLayers } from '../../../src/seq/layers/index.js';
import { engineReady, setEngineThreads } from '../../../src/seq/engine/index.js';
import { useEngineAcrossBackends } from '../engine-session.js';
import { Fixtures, assertBitIdentical, assertClose, useCpuBackend } from './harness.js';

const engine = useEngineAcrossBackends();

type Axes = number | [number, number];

interface Case {
  name: string;
  axes: Axes;
  normalize?: boolean;
  x: number[];
  y: number[];
}

// Odd sizes: partial 4x8 blocks and a scalar tail in every product, forward and backward.
const FUSED_CASES: Case[] = [
  { name: 'attention scores, axes [2, 2] (queries . keys)', axes: [2, 2], x: [3, 5, 7], y: [3, 9, 7] },
  { name: 'attention context, axes [2, 1] (weights . values)', axes: [2, 1], x: [3, 5, 9], y: [3, 9, 7] },
  { name: 'axes [1, 1]', axes: [1, 1], x: [2, 6, 5], y: [2, 6, 11] },
  { name: 'negative axes [-1, -2]', axes: [-1, -2], x: [2, 4, 13], y: [2, 13, 3] },
  { name: 'one axis for both, -1', axes: -1, x: [4, 1, 8], y: [4, 10, 8] },
];
const FALLBACK_CASES: Case[] = [
  { name: 'normalize (cosine)', axes: [2, 2], normalize: true, x: [3, 5, 7], y: [3, 9, 7] },
  { name: 'axes [1, 2] (both transposed)', axes: [1, 2], x: [2, 6, 5], y: [2, 4, 6] },
  { name: 'rank 2', axes: 1, x: [5, 7], y: [5, 7] },
];

interface Result {
  z: Float32Array;
  dx: Float32Array;
  dy: Float32Array;
}

/** Output and the gradients of sum(z * r) for a fixed random r, through tfjs's autodiff. */
function run(layer: tf.layers.Layer, c: Case, seed: number): Result {
  const fx = new Fixtures(seed);
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const x = tf.tensor(Float32Array.from(fx.uniform(size(c.x))), c.x, 'float32');
  const y = tf.tensor(Float32Array.from(fx.uniform(size(c.y))), c.y, 'float32');
  const z = tf.tidy(() => layer.apply([x, y]) as tf.Tensor);
  const r = tf.tensor(Float32Array.from(fx.uniform(z.size)), z.shape, 'float32');
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer.apply([a, b]) as tf.Tensor, r)))([x, y]);
  const out = { z: z.dataSync() as Float32Array, dx: grads[0]!.dataSync() as Float32Array, dy: grads[1]!.dataSync() as Float32Array };
  tf.dispose([x, y, z, r, ...grads]);
  return out;
}

function both(c: Case, seed: number): { fused: Result; plain: Result } {
  const args = { axes: c.axes, normalize: c.normalize ?? false };
  return { fused: run(fusedDot(args), c, seed), plain: run(tf.layers.dot(args), c, seed) };
}

/** Whether applying a FusedDot to inputs of the case's shapes runs wordloom's kernel (not tfjs's BatchMatMul). */
async function fusedKernelRan(c: Case): Promise<boolean> {
  const x = tf.ones(c.x);
  const y = tf.ones(c.y);
  const info = await tf.profile(() => fusedDot({ axes: c.axes, normalize: c.normalize ?? false }).apply([x, y]) as tf.Tensor);
  tf.dispose([x, y]);
  return info.kernelNames.includes('FusedDot');
}

describe('FusedDot', () => {
  for (const c of [...FUSED_CASES, ...FALLBACK_CASES]) {
    const fallback = FALLBACK_CASES.includes(c);
    it(`${c.name}: ${fallback ? "tfjs's own code" : 'fused'}, output and both gradients as tf.layers.dot's`, async () => {
      await useCpuBackend();
      const { fused, plain } = both(c, 7);
      expect(await fusedKernelRan(c), 'the FusedDot kernel ran').toBe(!fallback);
      assertClose(fused.z, plain.z, 'output', 1e-5, 1e-5);
      assertClose(fused.dx, plain.dx, 'd/d first input', 1e-5, 1e-5);
      assertClose(fused.dy, plain.dy, 'd/d second input', 1e-5, 1e-5);
    });
  }

  it('attention (scores -> softmax -> context): gradients as tfjs\'s, through intermediates the forward pass disposes', async () => {
    await useCpuBackend();
    const fx = new Fixtures(3);
    const q = tf.tensor(Float32Array.from(fx.uniform(3 * 5 * 8)), [3, 5, 8]);
    const k = tf.tensor(Float32Array.from(fx.uniform(3 * 9 * 8)), [3, 9, 8]);
    const r = tf.tensor(Float32Array.from(fx.uniform(3 * 5 * 8)), [3, 5, 8]);
    const grads = (make: typeof fusedDot): Float32Array[] => {
      const scores = make({ axes: [2, 2] });
      const context = make({ axes: [2, 1] });
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(context.apply([tf.softmax(scores.apply([a, b]) as tf.Tensor), b]) as tf.Tensor, r)))([q, k]);
      const out = g.map((t) => t.dataSync() as Float32Array);
      tf.dispose(g);
      return out;
    };
    const [fq, fk] = grads(fusedDot);
    const [pq, pk] = grads(tf.layers.dot);
    assertClose(fq!, pq!, 'd/d queries', 1e-5, 1e-5);
    assertClose(fk!, pk!, 'd/d keys (= values)', 1e-5, 1e-5);
    tf.dispose([q, k, r]);
  });

  it('on the wasm backend: the same as tf.layers.dot on cpu', async () => {
    for (const c of FUSED_CASES) {
      await useCpuBackend();
      const plain = run(tf.layers.dot({ axes: c.axes }), c, 11);
      expect(await tf.setBackend('wasm')).toBe(true);
      const fused = run(fusedDot({ axes: c.axes }), c, 11);
      assertClose(fused.z, plain.z, `${c.name}: output`, 1e-5, 1e-5);
      assertClose(fused.dx, plain.dx, `${c.name}: d/d first input`, 1e-5, 1e-5);
      assertClose(fused.dy, plain.dy, `${c.name}: d/d second input`, 1e-5, 1e-5);
    }
    await useCpuBackend();
  });

  it('bit-identical results with 1, 2 and 3 engine threads (a batch the threads share)', async () => {
    await useCpuBackend();
    // 40 x 11 x 64 x 30 multiply-adds: above the one-thread threshold; 40 entries over 3 threads.
    const cases: Case[] = [
      { name: 'scores', axes: [2, 2], x: [40, 11, 64], y: [40, 30, 64] },
      { name: 'context', axes: [2, 1], x: [40, 11, 30], y: [40, 30, 64] },
    ];
    for (const c of cases) {
      const results: Result[] = [];
      for (const threads of [1, 2, 3]) {
        setEngineThreads(threads);
        await engineReady();
        results.push(run(fusedDot({ axes: c.axes }), c, 5));
      }
      for (const r of results.slice(1)) {
        assertBitIdentical(r.z, results[0]!.z, `${c.name}: output`);
        assertBitIdentical(r.dx, results[0]!.dx, `${c.name}: d/d first input`);
        assertBitIdentical(r.dy, results[0]!.dy, `${c.name}: d/d second input`);
      }
    }
    setEngineThreads(engine.originalThreads);
    await engineReady();
  });

  it("is saved as tfjs's 'Dot' and loads back as FusedDot only while the fused layers are registered", async () => {
    await useCpuBackend();
    const q = tf.input({ shape: [5, 8] });
    const k = tf.input({ shape: [9, 8] });
    const scores = fusedDot({ axes: [2, 2], name: 'scores' }).apply([q, k]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [q, k], outputs: scores });
    const json = model.toJSON(undefined, false) as { config: { layers: Array<{ class_name: string; config: { axes: unknown } }> } };
    const saved = json.config.layers.find((l) => l.class_name === 'Dot');
    expect(saved?.config.axes).toEqual([2, 2]);
    const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve) => {
      void model.save(tf.io.withSaveHandler(async (a) => {
        resolve(a);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
    });
    registerFusedLayers();
    const fusedBack = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    unregisterFusedLayers();
    const plainBack = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(fusedBack.getLayer('scores')).toBeInstanceOf(FusedDot);
    expect(plainBack.getLayer('scores')).not.toBeInstanceOf(FusedDot);
    expect(plainBack.getLayer('scores').getClassName()).toBe('Dot');
  });
});
