/**
 * FusedAdam must be tfjs's Adam, only faster: the same numbers step after step (on the wasm
 * backend, where its kernel runs, and on the others, where it is tfjs's code), the same slots
 * for getWeights/setWeights, and no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { FusedAdam, fusedAdam } from '../../../src/seq/optimizers/fused-adam.js';
import { engineReady, setEngineThreads } from '../../../src/seq/engine/index.js';
import { useEngineAcrossBackends } from '../engine-session.js';
import { seededRandom } from '../../seeded-random.js';

// Odd sizes (a scalar tail after the f32x4 vectors) and one array large enough to be split over
// threads (assembly/seq/adam.ts: blocks of 4,096 elements, 64Ki elements before a second thread).
const SHAPES: number[][] = [[3], [7, 5], [65], [300, 401]];
const STEPS = 6;

useEngineAcrossBackends();

function values(shape: number[], seed: number, scale: number): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * scale);
}

/** Parameters after STEPS updates of `optimizer` with fixed, seeded gradients. */
function train(optimizer: tf.Optimizer, tag: string): Float32Array[] {
  const vars = SHAPES.map((shape, k) => tf.variable(tf.tensor(values(shape, 10 + k, 1), shape), true, `${tag}/w${k}`));
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      const grads: tf.NamedTensorMap = {};
      SHAPES.forEach((shape, k) => {
        // Gradients far apart in size, so that m / sqrt(v) is not ±1 everywhere.
        grads[vars[k]!.name] = tf.tensor(values(shape, 100 * step + k, k === 0 ? 1e-4 : 3), shape);
      });
      optimizer.applyGradients(grads);
    });
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  return out;
}

describe('FusedAdam', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const threads of backend === 'wasm' ? [1, 2] : [1]) {
      it(`${backend}${backend === 'wasm' ? `, ${threads} engine thread(s)` : ''}: the same parameters as tf.train.adam after ${STEPS} steps, bit for bit`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        setEngineThreads(threads);
        await engineReady();
        const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
        const expected = train(reference, `ref-${backend}-${threads}`);
        reference.dispose();
        const fused = fusedAdam(0.01, 0.9, 0.999, 1e-7);
        const got = train(fused, `fused-${backend}-${threads}`);
        fused.dispose();
        for (let k = 0; k < SHAPES.length; k++) {
          let differing = 0;
          for (let i = 0; i < got[k]!.length; i++) if (got[k]![i] !== expected[k]![i]) differing++;
          expect(differing, `variable ${k} [${SHAPES[k]!.join(', ')}]: elements that differ from tf.train.adam`).toBe(0);
          // and the parameters did move
          expect(got[k]!.some((x, i) => x !== values(SHAPES[k]!, 10 + k, 1)[i])).toBe(true);
        }
      });
    }
  }

  it('keeps tfjs\'s class name and slots: getWeights of one restores into tf.train.adam and the runs continue identically', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const fused = new FusedAdam(0.01, 0.9, 0.999, 1e-7);
    expect((fused.constructor as unknown as { className: string }).className).toBe('Adam');
    expect(fused.getClassName()).toBe('Adam');
    const w = tf.variable(tf.tensor(values([9], 1, 1)), true, 'slots/w');
    const grad = (seed: number): Array<{ name: string; tensor: tf.Tensor }> => [{ name: w.name, tensor: tf.tensor(values([9], seed, 1)) }];
    tf.tidy(() => fused.applyGradients(grad(1)));
    const weights = await fused.getWeights();
    expect(weights.map((x) => x.name)).toEqual(['iter', 'slots/w/m', 'slots/w/v']);
    const plain = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    await plain.setWeights(weights.map((x) => ({ name: x.name, tensor: x.tensor.clone() })));
    const before = w.dataSync().slice();
    tf.tidy(() => fused.applyGradients(grad(2)));
    const viaFused = w.dataSync().slice();
    w.assign(tf.tensor(before));
    tf.tidy(() => plain.applyGradients(grad(2)));
    expect(Array.from(w.dataSync())).toEqual(Array.from(viaFused));
    fused.dispose();
    plain.dispose();
    w.dispose();
  });

  it('leaks no tensor over many steps and leaves tensors its user holds untouched', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const init = tf.tensor(values([70000], 3, 1));
    const held = init.dataSync().slice();
    const w = tf.variable(init, true, 'leak/w');
    const optimizer = fusedAdam(0.01);
    const step = (): void => tf.tidy(() => optimizer.applyGradients([{ name: w.name, tensor: tf.onesLike(w) }]));
    step();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(count);
    expect(Array.from(init.dataSync())).toEqual(Array.from(held));
    expect(w.dataSync()[0]).not.toBe(held[0]);
    optimizer.dispose();
    w.dispose();
    init.dispose();
  });
  it('a staged step: the sum of the gradients\' squares, then the update with them scaled, as tf.train.adam given the scaled gradients', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    for (const threads of [1, 2]) {
      setEngineThreads(threads);
      await engineReady();
      const make = (tag: string): tf.Variable[] => SHAPES.map((shape, k) => tf.variable(tf.tensor(values(shape, 10 + k, 1), shape), true, `staged-${threads}-${tag}/w${k}`));
      const fusedVars = make('fused');
      const plainVars = make('plain');
      const fused = fusedAdam(0.01, 0.9, 0.999, 1e-7);
      const plain = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
      for (let step = 0; step < STEPS; step++) {
        const raw = SHAPES.map((shape, k) => values(shape, 100 * step + k, k === 0 ? 1e-4 : 3));
        let squares = 0;
        for (const g of raw) for (const x of g) squares += x * x;
        const scale = step % 2 === 0 ? 1 : 0.37;
        tf.tidy(() => {
          const grads: tf.NamedTensorMap = {};
          SHAPES.forEach((shape, k) => (grads[fusedVars[k]!.name] = tf.tensor(raw[k]!, shape)));
          const staged = fused.stageGradients(grads);
          expect(Math.abs(staged - squares) / squares).toBeLessThan(1e-6);
          fused.applyStagedGradients(scale);
          plain.applyGradients(SHAPES.map((shape, k) => ({ name: plainVars[k]!.name, tensor: scale === 1 ? tf.tensor(raw[k]!, shape) : tf.mul(tf.tensor(raw[k]!, shape), scale) })));
        });
      }
      SHAPES.forEach((_, k) => expect(Array.from(fusedVars[k]!.dataSync()), `${threads} thread(s), variable ${k}`).toEqual(Array.from(plainVars[k]!.dataSync())));
      fused.dispose();
      plain.dispose();
      tf.dispose([...fusedVars, ...plainVars]);
    }
  });

  it('two optimizers staged before either applies (one global norm over both) update as each would alone', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const make = (tag: string): tf.Variable[] => SHAPES.map((shape, k) => tf.variable(tf.tensor(values(shape, 30 + k, 1), shape), true, `pair-${tag}/w${k}`));
    const fusedVars = make('fused');
    const plainVars = make('plain');
    const [first, second] = [fusedAdam(0.01), fusedAdam(0.003)];
    const [plainFirst, plainSecond] = [tf.train.adam(0.01), tf.train.adam(0.003)];
    const split = (vars: tf.Variable[], raw: Float32Array[], scale: number): Array<Array<{ name: string; tensor: tf.Tensor }>> => {
      const list = SHAPES.map((shape, k) => ({ name: vars[k]!.name, tensor: scale === 1 ? tf.tensor(raw[k]!, shape) : tf.mul(tf.tensor(raw[k]!, shape), scale) }));
      return [list.slice(0, 2), list.slice(2)];
    };
    for (let step = 0; step < 4; step++) {
      const raw = SHAPES.map((shape, k) => values(shape, 500 + 10 * step + k, 2));
      const scale = step === 2 ? 0.5 : 1;
      tf.tidy(() => {
        const [a, b] = split(fusedVars, raw, 1);
        const toMap = (list: Array<{ name: string; tensor: tf.Tensor }>): tf.NamedTensorMap => Object.fromEntries(list.map((x) => [x.name, x.tensor]));
        const squares = first.stageGradients(toMap(a!)) + second.stageGradients(toMap(b!));
        expect(squares).toBeGreaterThan(0);
        first.applyStagedGradients(scale);
        second.applyStagedGradients(scale);
        const [pa, pb] = split(plainVars, raw, scale);
        plainFirst.applyGradients(pa!);
        plainSecond.applyGradients(pb!);
      });
    }
    SHAPES.forEach((_, k) => expect(Array.from(fusedVars[k]!.dataSync()), `variable ${k}`).toEqual(Array.from(plainVars[k]!.dataSync())));
    [first, second, plainFirst, plainSecond].forEach((o) => o.dispose());
    tf.dispose([...fusedVars, ...plainVars]);
  });

  it('moments kept in the kernels\' memory survive getWeights and setWeights: a restored FusedAdam continues as the original', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const w = tf.variable(tf.tensor(values([70001], 5, 1)), true, 'restore/w');
    const grad = (seed: number): Array<{ name: string; tensor: tf.Tensor }> => [{ name: w.name, tensor: tf.tensor(values([70001], seed, 1)) }];
    const original = fusedAdam(0.01);
    for (let i = 0; i < 3; i++) tf.tidy(() => original.applyGradients(grad(i)));
    const saved = (await original.getWeights()).map((x) => ({ name: x.name, tensor: x.tensor.clone() }));
    const restored = fusedAdam(0.01);
    await restored.setWeights(saved);
    const start = w.dataSync().slice();
    for (let i = 3; i < 5; i++) tf.tidy(() => original.applyGradients(grad(i)));
    const expected = w.dataSync().slice();
    w.assign(tf.tensor(start));
    for (let i = 3; i < 5; i++) tf.tidy(() => restored.applyGradients(grad(i)));
    expect(Array.from(w.dataSync())).toEqual(Array.from(expected));
    // a second getWeights after more steps reads the newer moments
    const later = await original.getWeights();
    expect(Array.from(later[1]!.tensor.dataSync())).not.toEqual(Array.from(saved[1]!.tensor.dataSync()));
    tf.dispose(saved.map((x) => x.tensor));
    original.dispose();
    restored.dispose();
    w.dispose();
  });
});
