/**
 * Luong's local-p attention: the tfjs layers compute the paper's weights (a softmax over the real
 * tokens within D of the predicted position p_t = S · sigmoid(v_p · tanh(W_p h_t)), times the
 * Gaussian with σ = D/2) against a float64 reference, and their gradients (through the fused dense
 * and dot layers and tfjs's elementwise layers) agree with central differences of that reference;
 * in the network padding changes nothing and the whole-target decoder equals stepping; a model
 * with local-p learns the dates task; options are checked.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedDense, fusedDot } from '../../../src/seq/layers/index.js';
import { generateDatePairs } from '../../../src/corpora/dates.js';
import {
  MASKED, attentionSvg, buildSeq2seqNetwork, decodeSteps, encode, localPWeights, padSources, resolveSeq2seqOptions, sourcePositions, trainSeq2seq, type Seq2seqNetwork,
} from '../../../src/seq/seq2seq/index.js';
import { Fixtures, maxAbs, toF64, useCpuBackend } from '../layers/harness.js';
import { centralDifference } from '../layers/reference-cells.js';

beforeAll(useCpuBackend);

const B = 3;
const T = 4;
const S = 9;
const U = 5;
const D = 2;
const LENGTHS = [9, 6, 3];

type Score = 'dot' | 'general';

interface Block {
  model: tf.LayersModel;
  /** The dense layers' kernels by name (tfjs layout [in, out]). */
  kernels: Record<string, tf.Variable>;
}

/** The attention alone: (query, memory, mask bias, positions) -> (weights, context), as the decoder wires it. */
function attentionBlock(score: Score, seed: number): Block {
  let s = seed;
  const dense = (name: string, units: number, _fanIn: number, extra: Record<string, unknown>): tf.layers.Layer =>
    fusedDense({ name, units, kernelInitializer: tf.initializers.randomUniform({ minval: -0.9, maxval: 0.9, seed: s++ }), ...extra });
  const query = tf.input({ shape: [null, U], name: 'query' });
  const memory = tf.input({ shape: [null, U], name: 'memory' });
  const maskBias = tf.input({ shape: [1, null], name: 'mask_bias' });
  const positions = tf.input({ shape: [1, null], name: 'positions' });
  const keys = score === 'general' ? (dense('attention_general', U, U, { useBias: false }).apply(memory) as tf.SymbolicTensor) : memory;
  const scores = fusedDot({ axes: [2, 2] }).apply([query, keys]) as tf.SymbolicTensor;
  const { weights } = localPWeights({ query, scores, maskBias, positions, window: D, dense });
  const context = fusedDot({ axes: [2, 1] }).apply([weights, memory]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [query, memory, maskBias, positions], outputs: [weights, context] });
  const kernels: Record<string, tf.Variable> = {};
  for (const name of ['attention_position_hidden', 'attention_position', 'attention_general']) {
    if (name === 'attention_general' && score !== 'general') continue;
    kernels[name] = model.getLayer(name).trainableWeights[0]!.read() as tf.Variable;
  }
  return { model, kernels };
}

/** Float64 local-p: weights [B, T, S] and context [B, T, U]. Kernels in tfjs layout; general scores when attention_general is among them. */
function reference(q: Float64Array, mem: Float64Array, k: Record<string, Float64Array>): { weights: Float64Array; context: Float64Array } {
  const Wp = k['attention_position_hidden']!;
  const vp = k['attention_position']!;
  const Wa = k['attention_general'];
  const weights = new Float64Array(B * T * S);
  const context = new Float64Array(B * T * U);
  const sigma = D / 2;
  for (let b = 0; b < B; b++) {
    const keys = new Float64Array(S * U);
    for (let s = 0; s < S; s++) {
      for (let j = 0; j < U; j++) {
        let v = 0;
        if (Wa) for (let i = 0; i < U; i++) v += mem[(b * S + s) * U + i]! * Wa[i * U + j]!;
        else v = mem[(b * S + s) * U + j]!;
        keys[s * U + j] = v;
      }
    }
    for (let t = 0; t < T; t++) {
      const h = q.subarray((b * T + t) * U, (b * T + t + 1) * U);
      let z = 0;
      for (let kk = 0; kk < U; kk++) {
        let a = 0;
        for (let i = 0; i < U; i++) a += h[i]! * Wp[i * U + kk]!;
        z += Math.tanh(a) * vp[kk]!;
      }
      const p = LENGTHS[b]! / (1 + Math.exp(-z));
      const inside = (s: number): boolean => s < LENGTHS[b]! && (s - p) ** 2 <= D * D;
      const sc = new Float64Array(S);
      let max = -Infinity;
      for (let s = 0; s < S; s++) {
        let v = 0;
        for (let j = 0; j < U; j++) v += h[j]! * keys[s * U + j]!;
        sc[s] = v;
        if (inside(s)) max = Math.max(max, v);
      }
      let sum = 0;
      for (let s = 0; s < S; s++) if (inside(s)) sum += Math.exp(sc[s]! - max);
      for (let s = 0; s < S; s++) {
        const w = inside(s) ? (Math.exp(sc[s]! - max) / sum) * Math.exp(-((s - p) ** 2) / (2 * sigma * sigma)) : 0;
        weights[(b * T + t) * S + s] = w;
        for (let j = 0; j < U; j++) context[(b * T + t) * U + j] += w * mem[(b * S + s) * U + j]!;
      }
    }
  }
  return { weights, context };
}

function maskBiasOf(): tf.Tensor3D {
  const bias = new Float32Array(B * S);
  LENGTHS.forEach((n, b) => bias.fill(MASKED, b * S + n, (b + 1) * S));
  return tf.tensor3d(bias, [B, 1, S]);
}

describe('local-p attention layers', () => {
  for (const score of ['dot', 'general'] as const) {
    it(`${score}: weights are the paper's (window, Gaussian, padding), and gradients match float64 central differences`, () => {
      const fx = new Fixtures(score === 'dot' ? 5 : 6);
      const block = attentionBlock(score, 40);
      const q = fx.uniform(B * T * U, -1.5, 1.5);
      const mem = fx.uniform(B * S * U, -1, 1);
      const P = fx.uniform(B * T * S);
      const Q = fx.uniform(B * T * U);
      const kernels = Object.fromEntries(Object.entries(block.kernels).map(([n, v]) => [n, toF64(v)]));
      const qVar = tf.variable(tf.tensor3d(Float32Array.from(q), [B, T, U]));
      const mVar = tf.variable(tf.tensor3d(Float32Array.from(mem), [B, S, U]));
      const bias = maskBiasOf();
      const positions = sourcePositions(B, S);
      const [Pt, Qt] = [tf.tensor3d(Float32Array.from(P), [B, T, S]), tf.tensor3d(Float32Array.from(Q), [B, T, U])];

      // forward
      const ref = reference(q, mem, kernels);
      const [w, c] = block.model.predict([qVar, mVar, bias, positions]) as tf.Tensor[];
      const weights = w!.dataSync();
      let cut = 0;
      let kept = 0;
      for (let i = 0; i < ref.weights.length; i++) {
        if (ref.weights[i] === 0) expect(weights[i], `weight ${i} outside the window or on padding`).toBe(0);
        else expect(weights[i]).toBeCloseTo(ref.weights[i]!, 5);
        const s = i % S;
        const b = Math.floor(i / (T * S));
        if (s < LENGTHS[b]!) {
          if (ref.weights[i] === 0) cut++;
          else kept++;
        }
      }
      expect(cut, 'the window left some real tokens out').toBeGreaterThan(5);
      expect(kept).toBeGreaterThan(5);
      const context = c!.dataSync();
      for (let i = 0; i < ref.context.length; i++) expect(context[i]).toBeCloseTo(ref.context[i]!, 5);
      for (let r = 0; r < B * T; r++) {
        let sum = 0;
        for (let s = 0; s < S; s++) sum += weights[r * S + s]!;
        expect(sum).toBeGreaterThan(0);
        expect(sum).toBeLessThanOrEqual(1 + 1e-6); // not renormalised after the Gaussian
      }
      tf.dispose([w!, c!]);

      // gradients of sum(weights ⊙ P) + sum(context ⊙ Q)
      const vars = [qVar, mVar, ...Object.values(block.kernels)];
      const { grads, value } = tf.variableGrads(() => {
        const [ww, cc] = block.model.apply([qVar, mVar, bias, positions]) as tf.Tensor[];
        return tf.add(tf.sum(tf.mul(ww!, Pt)), tf.sum(tf.mul(cc!, Qt))) as tf.Scalar;
      }, vars);
      const loss = (): number => {
        const r = reference(q, mem, kernels);
        let total = 0;
        r.weights.forEach((x, i) => (total += x * P[i]!));
        r.context.forEach((x, i) => (total += x * Q[i]!));
        return total;
      };
      const targets: Array<[string, Float64Array, tf.Variable]> = [['query', q, qVar], ['memory', mem, mVar], ...Object.entries(block.kernels).map(([n, v]) => [n, kernels[n]!, v] as [string, Float64Array, tf.Variable])];
      const failures: string[] = [];
      for (const [name, param, variable] of targets) {
        const g = toF64(grads[variable.name]!);
        const fd = Array.from(param, (_, i) => centralDifference(param, i, loss));
        expect(maxAbs(fd), `${name}: some gradient`).toBeGreaterThan(1e-3);
        const floor = 0.01 * maxAbs(fd);
        fd.forEach((f, i) => {
          if (Math.abs(g[i]! - f) > 2e-3 * Math.max(Math.abs(f), floor) + 1e-6) failures.push(`${name}[${i}]: gradient ${g[i]} vs finite difference ${f}`);
        });
      }
      expect(failures, failures.slice(0, 8).join('\n')).toEqual([]);
      tf.dispose([qVar, mVar, bias, positions, Pt, Qt, value, ...Object.values(grads)]);
      block.model.dispose();
    });
  }
});

function network(attention: 'luong-dot' | 'luong-general', inputFeeding = false): Seq2seqNetwork {
  let s = 3;
  return buildSeq2seqNetwork(
    { sourceVocabularySize: 12, targetVocabularySize: 9, cell: 'lstm', layers: 1, units: 8, embedding: 6, bidirectional: true, attention, inputFeeding, attentionUnits: 8, localP: true, window: 2 },
    () => s++,
  );
}

const SOURCES = [Int32Array.from([4, 5, 6, 7, 8, 9, 10, 3]), Int32Array.from([8, 9, 3]), Int32Array.from([10, 11, 4, 5, 3])];

/** Decoder outputs over `previous` for sources padded to `width` columns. */
function decodeWith(net: Seq2seqNetwork, sources: Int32Array[], width: number, previous: number[][]): { weights: Float32Array; logits: Float32Array } {
  return tf.tidy(() => {
    const ids = new Int32Array(sources.length * width);
    sources.forEach((s, r) => ids.set(s, r * width));
    const encoded = encode(net, tf.tensor2d(ids, [sources.length, width], 'int32'), false);
    const out = decodeSteps(net, tf.tensor2d(previous, [sources.length, previous[0]!.length], 'int32'), encoded.states, encoded, null, false);
    return { weights: out.weights.dataSync() as Float32Array, logits: out.logits.dataSync() as Float32Array };
  });
}

describe('local-p in the seq2seq network', () => {
  it('padding gets no weight and changes nothing; the window cuts; the whole-target decoder equals stepping', () => {
    for (const attention of ['luong-dot', 'luong-general'] as const) {
      const net = network(attention);
      const previous = [[2, 4, 5], [2, 7, 7], [2, 5, 3]];
      const width = padSources(SOURCES).sourceLength;
      const batch = decodeWith(net, SOURCES, width, previous);
      let cut = 0;
      SOURCES.forEach((src, r) => {
        for (let t = 0; t < 3; t++) {
          const row = batch.weights.subarray((r * 3 + t) * width, (r * 3 + t + 1) * width);
          for (let j = src.length; j < width; j++) expect(row[j]).toBe(0);
          for (let j = 0; j < src.length; j++) if (row[j] === 0) cut++;
          expect(row.reduce((a, x) => a + x, 0)).toBeLessThanOrEqual(1 + 1e-6);
        }
        for (const w of [src.length, width + 3]) {
          const alone = decodeWith(net, [src], w, [previous[r]!]);
          for (let t = 0; t < 3; t++) for (let j = 0; j < src.length; j++) expect(alone.weights[t * w + j]).toBeCloseTo(batch.weights[(r * 3 + t) * width + j]!, 5);
          for (let i = 0; i < 3 * 9; i++) expect(alone.logits[i]).toBeCloseTo(batch.logits[r * 27 + i]!, 5);
        }
        // one step at a time
        tf.tidy(() => {
          const encoded = encode(net, tf.tensor2d(Array.from(src), [1, src.length], 'int32'), false);
          let states = encoded.states;
          for (let t = 0; t < 3; t++) {
            const step = decodeSteps(net, tf.tensor2d([[previous[r]![t]!]], [1, 1], 'int32'), states, encoded, null, false);
            states = step.states;
            const logits = step.logits.dataSync();
            for (let v = 0; v < 9; v++) expect(logits[v]).toBeCloseTo(batch.logits[r * 27 + t * 9 + v]!, 5);
          }
        });
      });
      expect(cut, 'window 2 leaves tokens of the 8-token source out').toBeGreaterThan(0);
      net.encoder.dispose();
      net.decoder.dispose();
    }
  });

  it('rejects local-p with bahdanau and a window without local-p', () => {
    expect(() => resolveSeq2seqOptions({ attention: 'bahdanau', localP: true })).toThrow(/--local-p is for Luong attention/);
    expect(() => resolveSeq2seqOptions({ window: 4 })).toThrow(/--window is for --local-p/);
    expect(() => resolveSeq2seqOptions({ localP: true, window: 0 })).toThrow(/--window/);
    expect(resolveSeq2seqOptions({ localP: true, window: 4 }).window).toBe(4);
  });
});

describe('local-p learns', () => {
  // 1,800 training pairs in 22 styles, 3 epochs (~20 s of CPU): the data, not the attention, limits
  // exact match here (global attention with the same budget: ~0.7 too); the full-size run is bench/seq2seq.mjs.
  it('the dates task (human-readable dates to ISO), with beam search and an attention picture', async () => {
    const before = tf.memory().numTensors;
    const train = generateDatePairs({ count: 2000, seed: 1, split: 'train' });
    const model = await trainSeq2seq(train, { attention: 'luong-general', localP: true, units: 64, embedding: 16, batch: 32, epochs: 3, lr: 0.02, valDecode: 200, threads: 1, patience: 0 });
    const v = model.config.validation!;
    const history = JSON.stringify(model.history.map((h) => h.validation));
    expect(v.exactMatch, history).toBeGreaterThanOrEqual(0.55);
    expect(v.tokenAccuracy, history).toBeGreaterThanOrEqual(0.9);
    const fresh = generateDatePairs({ count: 100, seed: 2, split: 'test' });
    for (const beam of [1, 3]) {
      const out = model.translate(fresh.map((p) => p.source), { beam });
      const right = out.filter((t, i) => t.text === fresh[i]!.target).length;
      expect(right / fresh.length, `beam ${beam}`).toBeGreaterThanOrEqual(0.5);
    }
    const [one] = model.translate([fresh[0]!.source], { beam: 2 });
    const svg = attentionSvg(one!.sourceTokens, [...one!.tokens, '<EOS>'], one!.attention);
    expect(svg.match(/<rect x=/g)!.length).toBe(one!.sourceTokens.length * (one!.tokens.length + 1));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
