import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/seq/backend/index.js';
import { unsortedSegmentSumWasmConfig } from '../../../src/seq/backend/unsorted-segment-sum.js';
import { seededRandom } from '../../seeded-random.js';

// tfjs keeps one engine per process: every computation here names its backend first.
async function on<T>(backend: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await selectBackend({ backend, log: () => {} });
  expect(tf.getBackend()).toBe(backend);
  return f();
}

interface Case {
  xShape: number[];
  idsShape: number[];
  numSegments: number;
  dtype: 'float32' | 'int32';
}

function makeCase({ xShape, idsShape, numSegments, dtype }: Case, seed: number): { x: number[]; ids: number[] } {
  const random = seededRandom(seed);
  const size = xShape.reduce((a, b) => a * b, 1);
  const rows = idsShape.reduce((a, b) => a * b, 1);
  const x = Array.from({ length: size }, () =>
    dtype === 'float32' ? (random() - 0.5) * 2 ** Math.floor(random() * 12 - 6) : Math.floor(random() * 2001) - 1000,
  );
  // Ids from -3 to numSegments + 2: repeats, plus negative and too-large ids that must be dropped.
  const ids = Array.from({ length: rows }, () => Math.floor(random() * (numSegments + 6)) - 3);
  return { x, ids };
}

async function segmentSum(
  backend: 'cpu' | 'wasm',
  xValues: number[],
  xShape: number[],
  dtype: 'float32' | 'int32',
  ids: number[],
  idsShape: number[],
  numSegments: number,
): Promise<{ values: number[]; shape: number[]; dtype: string }> {
  return on(backend, () => {
    const out = tf.tidy(() => {
      const segmentIds: tf.Tensor = tf.tensor(ids, idsShape, 'int32');
      // tfjs types segmentIds as 1-D; the kernel also takes TensorFlow's k-D ids.
      return tf.unsortedSegmentSum(tf.tensor(xValues, xShape, dtype), segmentIds as tf.Tensor1D, numSegments);
    });
    const result = { values: Array.from(out.dataSync()), shape: out.shape, dtype: out.dtype };
    out.dispose();
    return result;
  });
}

beforeAll(async () => {
  await on('wasm', () => undefined);
  expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBe(unsortedSegmentSumWasmConfig);
});

describe('UnsortedSegmentSum on wasm (fallback kernel)', () => {
  const cases: Case[] = [
    { xShape: [300], idsShape: [300], numSegments: 9, dtype: 'float32' },
    { xShape: [257, 33], idsShape: [257], numSegments: 20, dtype: 'float32' },
    { xShape: [64, 5, 7], idsShape: [64], numSegments: 10, dtype: 'float32' },
    { xShape: [40, 3, 2, 4], idsShape: [40], numSegments: 6, dtype: 'float32' },
    { xShape: [120, 16], idsShape: [120], numSegments: 1000, dtype: 'float32' },
    { xShape: [90, 4], idsShape: [90], numSegments: 7, dtype: 'int32' },
  ];

  it.each(cases)('equals the cpu backend bit for bit: x $xShape $dtype, $numSegments segments', async (c) => {
    const { x, ids } = makeCase(c, c.xShape.length * 1000 + c.numSegments);
    const cpu = await segmentSum('cpu', x, c.xShape, c.dtype, ids, c.idsShape, c.numSegments);
    const wasm = await segmentSum('wasm', x, c.xShape, c.dtype, ids, c.idsShape, c.numSegments);
    expect(wasm.shape).toEqual([c.numSegments, ...c.xShape.slice(1)]);
    expect(wasm.shape).toEqual(cpu.shape);
    expect(wasm.values).toEqual(cpu.values);
    // int32 stays int32 as in TensorFlow and tfjs-webgl; tfjs-cpu upcasts to float32.
    expect(wasm.dtype).toBe(c.dtype);
  });

  it('needs float64 accumulation to match: float32 running sums differ from cpu on repeated ids', async () => {
    const c = cases[1]!;
    const { x, ids } = makeCase(c, c.xShape.length * 1000 + c.numSegments);
    const cpu = await segmentSum('cpu', x, c.xShape, c.dtype, ids, c.idsShape, c.numSegments);
    const inner = c.xShape[1]!;
    const naive = new Float32Array(c.numSegments * inner);
    ids.forEach((s, r) => {
      if (s < 0 || s >= c.numSegments) return;
      for (let j = 0; j < inner; j++) naive[s * inner + j]! += x[r * inner + j]!;
    });
    expect(Array.from(naive)).not.toEqual(cpu.values);
  });

  it('sums over all leading dimensions that segmentIds covers (TensorFlow semantics)', async () => {
    // tfjs-cpu reduces only axis 0 for segmentIds of rank > 1, so the reference is cpu on the
    // flattened leading dimensions, which is what TensorFlow defines.
    const c: Case = { xShape: [12, 9, 6], idsShape: [12, 9], numSegments: 8, dtype: 'float32' };
    const { x, ids } = makeCase(c, 77);
    const cpu = await segmentSum('cpu', x, [108, 6], 'float32', ids, [108], 8);
    const wasm = await segmentSum('wasm', x, c.xShape, 'float32', ids, c.idsShape, 8);
    expect(wasm.shape).toEqual([8, 6]);
    expect(wasm.values).toEqual(cpu.values);

    const whole = await segmentSum('wasm', x.slice(0, 90), [10, 9], 'float32', ids.slice(0, 90), [10, 9], 8);
    const wholeCpu = await segmentSum('cpu', x.slice(0, 90), [90], 'float32', ids.slice(0, 90), [90], 8);
    expect(whole.shape).toEqual([8]);
    expect(whole.values).toEqual(wholeCpu.values);
  });

  it('handles no segments and no rows', async () => {
    expect(await segmentSum('wasm', [1, 2, 3, 4], [2, 2], 'float32', [0, 1], [2], 0)).toEqual({
      values: [],
      shape: [0, 2],
      dtype: 'float32',
    });
    expect(await segmentSum('wasm', [], [0, 3], 'float32', [], [0], 2)).toEqual({
      values: [0, 0, 0, 0, 0, 0],
      shape: [2, 3],
      dtype: 'float32',
    });
  });

  it('sums to +0, never -0, as a sum from 0 does on cpu', async () => {
    const x = [-0, -0, -0, 1];
    const cpu = await segmentSum('cpu', x, [4], 'float32', [0, 1, 1, 2], [4], 3);
    const wasm = await segmentSum('wasm', x, [4], 'float32', [0, 1, 1, 2], [4], 3);
    expect(cpu.values.map((v) => Object.is(v, -0))).toEqual([false, false, false]);
    expect(wasm.values.map((v) => Object.is(v, -0))).toEqual([false, false, false]);
  });

  it('rejects segmentIds that are not the leading dimensions of x', async () => {
    await expect(segmentSum('wasm', [1, 2, 3, 4, 5, 6], [3, 2], 'float32', [0, 1], [2], 2)).rejects.toThrow(
      'unsortedSegmentSum: segmentIds shape [2] must be the leading dimensions of x shape [3,2]',
    );
  });

  it('is reused across calls without leaking state between them', async () => {
    // The kernel keeps grow-only scratch; a big call then a small one must not see stale sums.
    const big: Case = { xShape: [500, 8], idsShape: [500], numSegments: 300, dtype: 'float32' };
    const small: Case = { xShape: [20, 8], idsShape: [20], numSegments: 5, dtype: 'float32' };
    for (const c of [big, small, big]) {
      const { x, ids } = makeCase(c, c.numSegments);
      const cpu = await segmentSum('cpu', x, c.xShape, 'float32', ids, c.idsShape, c.numSegments);
      const wasm = await segmentSum('wasm', x, c.xShape, 'float32', ids, c.idsShape, c.numSegments);
      expect(wasm.values).toEqual(cpu.values);
    }
  });
});
