/**
 * The engine's tape blocks (src/seq/engine/arena.ts): what a forward pass (recurrent, dense,
 * softmax cross-entropy) leaves in the kernels' shared memory for its backward pass. They form a
 * stack below the scratch space; the backward pass frees its block, a block freed out of order
 * waits for the blocks above it, and a block whose backward pass never comes is freed once its
 * owner is garbage-collected. Training must therefore end every step with no tape bytes and stop
 * growing the shared memory. (Garbage collection is forced with V8's gc, exposed at run time.)
 */
import * as tf from '@tensorflow/tfjs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Arena } from '../../../src/seq/engine/arena.js';
import { denseBackward, denseForward, recurrentBackward, recurrentForward, softmaxCrossEntropy, takeSoftmaxGradient, type RecurrentConfig, type RecurrentForwardInput } from '../../../src/seq/engine/index.js';
import { threadPool } from '../../../src/seq/engine/thread-pool.js';
import { fusedEmbedding } from '../../../src/seq/layers/index.js';
import { sparseSoftmaxCrossEntropy } from '../../../src/seq/losses/sparse-softmax-cross-entropy.js';
import { fusedRecurrent, makeFusedDense } from '../layers/fused-api.js';
import { Fixtures, assertBitIdentical, useCpuBackend } from '../layers/harness.js';

beforeAll(useCpuBackend);

const PAGE = 65536;

/**
 * A full garbage collection. vitest starts its workers without --expose-gc, but V8 still accepts
 * the flag at run time, and a fresh context then has `gc`.
 */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
const gc = collector();

/** Collects garbage and lets finalizers run until `done()` holds (or 20 rounds pass); returns done(). */
async function collectUntil(done: () => boolean): Promise<boolean> {
  for (let round = 0; round < 20 && !done(); round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return done();
}

// Each test starts with no engine tape: one a failed test left behind is garbage by now.
beforeEach(async () => {
  const { arena } = threadPool();
  if (arena.tapeBytes !== 0) await collectUntil(() => arena.tapeBytes === 0);
});

function newArena(base = 4096): Arena {
  return new Arena(new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true }), base);
}

// Sized so that one step's tapes (~1 MiB) left behind at every step would outgrow the engine's
// initial 16 MiB within 27 steps: then "no growth from step 3 to 30" means no leak.
const [VOCAB, TIME, BATCH, EMBED, UNITS] = [40, 20, 32, 16, 64];

/** Seeded weights; the zeros initializers (overwritten at once) skip tfjs's slow orthogonal one. */
function languageModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      fusedEmbedding({ inputDim: VOCAB, outputDim: EMBED, maskZero: true, inputLength: TIME, embeddingsInitializer: 'zeros' }) as tf.layers.Layer,
      fusedRecurrent.LSTM({ units: UNITS, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }),
      makeFusedDense({ units: VOCAB, kernelInitializer: 'zeros' }),
    ],
  });
  const fx = new Fixtures(31);
  const w = model.getWeights().map((t) => tf.tensor(Float32Array.from(fx.uniform(t.size, -0.3, 0.3)), t.shape));
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

/** Next-token data: ids with trailing padding, labels = the following id. */
function batchOf(seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const fx = new Fixtures(seed);
  const ids = Int32Array.from({ length: BATCH * (TIME + 1) }, () => fx.int(1, VOCAB));
  const x = new Int32Array(BATCH * TIME);
  const y = new Int32Array(BATCH * TIME);
  for (let b = 0; b < BATCH; b++) {
    const length = b === 0 ? TIME : fx.int(2, TIME + 1);
    for (let t = 0; t < length; t++) {
      x[b * TIME + t] = ids[b * (TIME + 1) + t]!;
      y[b * TIME + t] = ids[b * (TIME + 1) + t + 1]!;
    }
  }
  return { x: tf.tensor2d(x, [BATCH, TIME], 'int32'), y: tf.tensor2d(y, [BATCH, TIME], 'int32') };
}

describe('training: embedding -> fused LSTM -> fused Dense with sparseSoftmaxCrossEntropy and Adam', () => {
  it('every step ends with no tape bytes, and the shared memory stops growing (same size after step 3 and step 30)', () => {
    const pool = threadPool();
    const model = languageModel();
    const optimizer = tf.train.adam(0.01);
    const { x, y } = batchOf(32);
    const sizes: number[] = [];
    const losses: number[] = [];
    let stepTapeBytes = 0; // the tapes live at the end of a forward pass
    for (let step = 1; step <= 30; step++) {
      const loss = optimizer.minimize(() => {
        const l = sparseSoftmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
        stepTapeBytes = pool.arena.tapeBytes;
        return l;
      }, true);
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
      expect(pool.arena.tapeBytes, `tape bytes after step ${step}`).toBe(0);
      sizes.push(pool.memory.buffer.byteLength);
    }
    expect(stepTapeBytes, 'tapes held during a step (the forward passes keep them)').toBeGreaterThan(0);
    expect(27 * stepTapeBytes, 'premise: leaking one step\'s tapes per step would outgrow the memory').toBeGreaterThan(sizes[2]!);
    expect(sizes[29], `shared memory after step 30 vs step 3 (sizes: ${sizes.join(', ')})`).toBe(sizes[2]);
    expect(losses[29]!, `the model trains (losses ${losses[0]} ... ${losses[29]})`).toBeLessThan(losses[0]!);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});

describe('Arena: tape blocks as a stack', () => {
  it('blocks stack up from the base, each rounded up to 64 bytes; tapeBytes is their extent', () => {
    const arena = newArena(4096);
    expect(arena.tapeBytes).toBe(0);
    const owner = {};
    const a = arena.allocTape(100, owner);
    const b = arena.allocTape(64, owner);
    const c = arena.allocTape(1, owner);
    expect([a.start, a.end], 'first block').toEqual([4096, 4096 + 128]);
    expect([b.start, b.end], 'second block starts where the first ends').toEqual([4096 + 128, 4096 + 192]);
    expect([c.start, c.end], 'third block').toEqual([4096 + 192, 4096 + 256]);
    expect(arena.tapeBytes).toBe(256);
    for (const block of [a, b, c]) expect(block.live).toBe(true);
  });

  it('scratch is laid out above the live tape blocks: after reset() and after allocTape()', () => {
    const arena = newArena(4096);
    const owner = {};
    arena.reset();
    expect(arena.alloc(10), 'scratch with no tapes starts at the base').toBe(4096);
    const a = arena.allocTape(200, owner); // allocated over dead scratch, as a kernel call does before reset()
    expect(a.start).toBe(4096);
    expect(arena.alloc(8), 'scratch right after allocTape is above the tape').toBeGreaterThanOrEqual(a.end);
    arena.reset();
    expect(arena.alloc(8), 'scratch after reset() starts at the top of the tapes').toBe(a.end);
    a.free();
    arena.reset();
    expect(arena.alloc(8), 'scratch after the tape is freed starts at the base again').toBe(4096);
  });

  it('freeing in reverse order releases each block at once', () => {
    const arena = newArena();
    const owner = {};
    const blocks = [arena.allocTape(64, owner), arena.allocTape(128, owner), arena.allocTape(192, owner)];
    expect(arena.tapeBytes).toBe(384);
    blocks[2]!.free();
    expect(arena.tapeBytes, 'after freeing the top block').toBe(192);
    blocks[1]!.free();
    expect(arena.tapeBytes, 'after freeing the next one').toBe(64);
    blocks[0]!.free();
    expect(arena.tapeBytes, 'after freeing the last one').toBe(0);
  });

  it('a block freed out of order leaves a hole until every block above it is freed', () => {
    const arena = newArena();
    const owner = {};
    const [a, b, c] = [arena.allocTape(64, owner), arena.allocTape(64, owner), arena.allocTape(64, owner)];
    a.free();
    expect(a.live).toBe(false);
    expect(arena.tapeBytes, 'bottom block freed first: nothing released').toBe(192);
    b.free();
    expect(arena.tapeBytes, 'middle block freed: nothing released').toBe(192);
    const d = arena.allocTape(64, owner);
    expect(d.start, 'a new block goes on top, not into the holes').toBe(c.end);
    d.free();
    expect(arena.tapeBytes, 'top block freed, the one below it still live').toBe(192);
    c.free();
    expect(arena.tapeBytes, 'last live block freed: the holes go with it').toBe(0);
    expect(arena.allocTape(64, owner).start, 'the next block starts at the base again').toBe(a.start);
  });

  it('freeing the middle block, then the top, releases both and keeps the bottom one', () => {
    const arena = newArena();
    const owner = {};
    const [a, b, c] = [arena.allocTape(64, owner), arena.allocTape(128, owner), arena.allocTape(64, owner)];
    b.free();
    expect(arena.tapeBytes).toBe(256);
    c.free();
    expect(arena.tapeBytes, 'only the bottom block remains').toBe(64);
    expect(a.live).toBe(true);
  });

  it('freeing a block twice changes nothing the second time', () => {
    const arena = newArena();
    const owner = {};
    const [a, b] = [arena.allocTape(64, owner), arena.allocTape(64, owner)];
    b.free();
    b.free();
    expect(arena.tapeBytes, 'a second free of the top block must not release the block below').toBe(64);
    expect(a.live).toBe(true);
    a.free();
    a.free();
    expect(arena.tapeBytes).toBe(0);
  });

  it('grows the memory for a large block and keeps earlier blocks readable at their offsets', () => {
    const arena = newArena(1024);
    const owner = {};
    const small = arena.allocTape(64 * 4, owner);
    arena.view(small.start, 64).set(Float32Array.from({ length: 64 }, (_, i) => i + 0.5));
    expect(arena.memory.buffer.byteLength).toBe(PAGE);
    const big = arena.allocTape(3 * PAGE, owner);
    expect(arena.memory.buffer.byteLength, 'memory grown to hold the large block').toBeGreaterThanOrEqual(big.end);
    expect(Array.from(arena.view(small.start, 64)), 'contents of the earlier block after growing').toEqual(Array.from({ length: 64 }, (_, i) => i + 0.5));
    big.free();
    small.free();
    expect(arena.tapeBytes).toBe(0);
  });
});

describe('Arena: blocks whose owner is garbage-collected', () => {
  it('a block whose owner becomes unreachable is freed after garbage collection; a reachable owner keeps its block', async () => {
    const arena = newArena();
    const kept = {};
    const keptBlock = arena.allocTape(64, kept);
    (() => {
      arena.allocTape(128, {});
    })();
    expect(arena.tapeBytes).toBe(192);
    const released = await collectUntil(() => arena.tapeBytes === 64);
    expect(released, `tapeBytes after garbage collection: ${arena.tapeBytes} (expected only the kept block, 64)`).toBe(true);
    expect(keptBlock.live).toBe(true);
    keptBlock.free();
    expect(arena.tapeBytes).toBe(0);
    expect(kept).toBeDefined();
  });

  it('a collected block below a live one becomes a hole, released with the block above it', async () => {
    const arena = newArena();
    const bottom = (() => arena.allocTape(64, {}))(); // the block does not keep its owner alive
    const owner = {};
    const top = arena.allocTape(64, owner);
    expect(await collectUntil(() => !bottom.live), 'the bottom block is freed once its owner is collected').toBe(true);
    expect(arena.tapeBytes, 'the live top block keeps the hole below it').toBe(128);
    top.free();
    expect(arena.tapeBytes).toBe(0);
    expect(owner).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------

const CFG: RecurrentConfig = { kind: 'lstm', batch: 3, time: 5, features: 4, units: 6, activation: 'tanh', recurrentActivation: 'sigmoid', goBackwards: false };

function lstmInput(seed: number, batch = CFG.batch, time = CFG.time): Omit<RecurrentForwardInput, 'keepForBackward' | 'returnSequences'> {
  const fx = new Fixtures(seed);
  const G = 4 * CFG.units;
  const f = (n: number, scale: number): Float32Array => Float32Array.from(fx.uniform(n, -scale, scale));
  return {
    x: f(batch * time * CFG.features, 1),
    kernel: f(CFG.features * G, 0.7),
    recurrentKernel: f(CFG.units * G, 0.5),
    bias: f(G, 0.5),
    h0: null,
    c0: null,
    mask: null,
  };
}

function upstream(seed: number): { dY: Float32Array; dhT: Float32Array; dcT: Float32Array } {
  const fx = new Fixtures(seed);
  const { batch: B, time: T, units: U } = CFG;
  return { dY: Float32Array.from(fx.uniform(B * T * U)), dhT: Float32Array.from(fx.uniform(B * U)), dcT: Float32Array.from(fx.uniform(B * U)) };
}

type Tape = NonNullable<ReturnType<typeof recurrentForward>['tape']>;
type Input = ReturnType<typeof lstmInput>;

/** recurrentBackward, its results copied out (they are views into the engine's memory). */
function backward(tape: Tape, grads: ReturnType<typeof upstream>): Array<[string, Float32Array]> {
  const g = recurrentBackward(CFG, tape, grads);
  const list: Array<[string, Float32Array]> = [['dX', g.dX], ['dKernel', g.dKernel], ['dRecurrentKernel', g.dRecurrentKernel], ['dBias', g.dBias!], ['dh0', g.dh0], ['dc0', g.dc0!]];
  return list.map(([name, a]) => [name, a.slice()]);
}

describe('engine: recurrent tapes', () => {
  it('a forward pass without keepForBackward keeps no tape; with it, the backward pass frees the tape', () => {
    const { arena } = threadPool();
    expect(arena.tapeBytes, 'tape bytes at the start').toBe(0);
    const input = lstmInput(1);
    const plain = recurrentForward(CFG, { ...input, returnSequences: true, keepForBackward: false });
    expect(plain.tape).toBeNull();
    expect(arena.tapeBytes).toBe(0);
    const kept = recurrentForward(CFG, { ...input, returnSequences: true, keepForBackward: true });
    expect(kept.tape).not.toBeNull();
    expect(arena.tapeBytes, 'tape bytes between forward and backward').toBeGreaterThan(0);
    backward(kept.tape!, upstream(2));
    expect(kept.tape!.block.live).toBe(false);
    expect(arena.tapeBytes, 'tape bytes after the backward pass').toBe(0);
  });

  it('asking for the backward pass of the same tape twice throws a clear error (and leaves no tape)', () => {
    const { arena } = threadPool();
    const input = lstmInput(3);
    const { tape } = recurrentForward(CFG, { ...input, returnSequences: true, keepForBackward: true });
    backward(tape!, upstream(4));
    expect(() => backward(tape!, upstream(4))).toThrow(new Error('a fused recurrent layer was asked for the gradient of the same forward pass twice'));
    expect(arena.tapeBytes).toBe(0);
  });

  it('dense and softmax gradient tapes: freed by their backward pass, and a second one throws a clear error', () => {
    const { arena } = threadPool();
    const fx = new Fixtures(11);
    const shape = { rows: 6, inputs: 5, outputs: 7 };
    const dense = denseForward(shape, Float32Array.from(fx.uniform(30)), Float32Array.from(fx.uniform(35)), Float32Array.from(fx.uniform(7)), true);
    expect(arena.tapeBytes, 'dense forward pass kept for backward').toBeGreaterThan(0);
    const { tape: softmax } = softmaxCrossEntropy(Float32Array.from(fx.uniform(42)), Int32Array.from([0, 1, 2, 3, 4, 5]), 6, 7, 1 / 6);
    const both = arena.tapeBytes;
    expect(softmax, 'softmax forward pass with a gradient scale keeps a tape').not.toBeNull();
    expect(both).toBeGreaterThan(0);
    const gradient = takeSoftmaxGradient(softmax!).slice();
    expect(gradient.length).toBe(42);
    expect(arena.tapeBytes, 'softmax tape (the top one) freed').toBeLessThan(both);
    expect(() => takeSoftmaxGradient(softmax!)).toThrow(new Error('sparseSoftmaxCrossEntropy was asked for the gradient of the same forward pass twice'));
    denseBackward(shape, dense.tape!, Float32Array.from(fx.uniform(42)));
    expect(arena.tapeBytes, 'dense tape freed').toBe(0);
    expect(() => denseBackward(shape, dense.tape!, new Float32Array(42))).toThrow(new Error('a fused dense layer was asked for the gradient of the same forward pass twice'));
    expect(arena.tapeBytes).toBe(0);
  });

  it('tapes survive other kernel calls and out-of-order backward passes: gradients bit-identical to a lone forward/backward', () => {
    const { arena } = threadPool();
    const [inA, inB] = [lstmInput(5), lstmInput(6)];
    const [upA, upB] = [upstream(7), upstream(8)];
    const alone = (input: Input, up: typeof upA): Array<[string, Float32Array]> => {
      const { tape } = recurrentForward(CFG, { ...input, returnSequences: true, keepForBackward: true });
      return backward(tape!, up);
    };
    const expectedA = alone(inA, upA);
    const expectedB = alone(inB, upB);
    expect(arena.tapeBytes).toBe(0);

    const a = recurrentForward(CFG, { ...inA, returnSequences: true, keepForBackward: true });
    const b = recurrentForward(CFG, { ...inB, returnSequences: true, keepForBackward: true });
    const bothBytes = arena.tapeBytes;
    // Other kernel calls, laid out above the tapes; the first needs more memory than there is.
    const sizeBefore = arena.memory.buffer.byteLength;
    const rows = 64;
    const classes = Math.ceil(sizeBefore / (4 * rows)); // the logits alone outgrow the memory
    const logits = new Float32Array(rows * classes).fill(0.25);
    softmaxCrossEntropy(logits, Int32Array.from({ length: rows }, (_, r) => (r * 31) % classes), rows, classes, null);
    expect(arena.memory.buffer.byteLength, 'the memory grew under the tapes').toBeGreaterThan(sizeBefore);
    recurrentForward({ ...CFG, batch: 16, time: 40 }, { ...lstmInput(10, 16, 40), returnSequences: true, keepForBackward: false });
    expect(arena.tapeBytes, 'other kernels leave the tapes alone').toBe(bothBytes);

    const gradA = backward(a.tape!, upA); // out of order: A is below B
    expect(arena.tapeBytes, 'the lower tape freed first leaves a hole under the upper one').toBe(bothBytes);
    const gradB = backward(b.tape!, upB);
    expect(arena.tapeBytes, 'both tapes freed').toBe(0);
    for (const [i, [name, g]] of gradA.entries()) assertBitIdentical(g, expectedA[i]![1], `first pass ${name}, backward after another forward pass and other kernels`);
    for (const [i, [name, g]] of gradB.entries()) assertBitIdentical(g, expectedB[i]![1], `second pass ${name}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('forward passes on a gradient tape whose backward pass never runs', () => {
  it('a forward pass recorded on a gradient tape whose backward pass never runs is freed once collected', async () => {
    const pool = threadPool();
    const model = languageModel();
    const lstm = model.layers[1]!;
    const dense = model.layers[2]!;
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { x, y } = batchOf(33);
    const embedded = tf.tidy(() => model.layers[0]!.apply(x) as tf.Tensor);
    expect(pool.arena.tapeBytes).toBe(0);
    // The loss uses the LSTM's first call only; its second call is on the tape but off the path.
    const { value, grads } = tf.variableGrads(() => {
      const used = lstm.apply(embedded) as tf.Tensor;
      tf.dispose(lstm.apply(tf.reverse(embedded, 1)) as tf.Tensor);
      return sparseSoftmaxCrossEntropy(y, dense.apply(used) as tf.Tensor) as tf.Scalar;
    }, variables);
    tf.dispose([value, ...Object.values(grads)]);
    expect(pool.arena.tapeBytes, 'the unused forward pass still holds its tape right after the step').toBeGreaterThan(0);
    const freed = await collectUntil(() => pool.arena.tapeBytes === 0);
    expect(freed, `tape bytes after garbage collection: ${pool.arena.tapeBytes}`).toBe(true);
    tf.dispose([x, y, embedded]);
    model.dispose();
  });

  it('a forward pass whose gradient computation throws is freed once collected (after the next gradient call drops the tape)', async () => {
    const pool = threadPool();
    const model = languageModel();
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { x, y } = batchOf(34);
    expect(pool.arena.tapeBytes).toBe(0);
    expect(() =>
      tf.variableGrads(() => {
        tf.dispose(model.apply(x) as tf.Tensor);
        throw new Error('failed between the forward and backward passes');
      }, variables),
    ).toThrow('failed between the forward and backward passes');
    expect(pool.arena.tapeBytes, 'the interrupted forward pass holds its tape').toBeGreaterThan(0);
    // tfjs keeps the tape of a failed gradient call until the next one starts; then train a step.
    const optimizer = tf.train.adam(0.01);
    tf.dispose(optimizer.minimize(() => sparseSoftmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true) ?? []);
    const freed = await collectUntil(() => pool.arena.tapeBytes === 0);
    expect(freed, `tape bytes after garbage collection: ${pool.arena.tapeBytes}`).toBe(true);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
