/**
 * Decoding a batch of sources with the decoder stepped one token at a time, its recurrent states
 * (and, with input feeding, the attentional vector) carried between steps as the language models'
 * generator carries its states (src/seq/generate/stepper.ts): n output tokens cost n decoder steps.
 *
 * Greedy: the most probable token at every step, for every source of the batch at once, until each
 * has produced `<EOS>` or `maxLength` tokens.
 * Beam search: `beam` hypotheses per source in one batch of sources x beam rows; at every step each
 * live hypothesis proposes its beam + 1 best continuations, the best `beam` that do not end live on
 * (their rows' states gathered from their parents'), those ending in `<EOS>` are set aside; a
 * source is done when `beam` hypotheses have ended or at `maxLength`. The answer is the ended (or,
 * if none ended, live) hypothesis with the best log-probability / length^lengthPenalty (length
 * counting `<EOS>`; lengthPenalty 0 ranks by plain log-probability). With beam 1 this is greedy.
 */
import * as tf from '@tensorflow/tfjs';
import { Vocabulary } from '../../text/vocabulary.js';
import { rowLogSumExps } from '../engine/index.js';
import { denseRowBest } from '../losses/dense-softmax-cross-entropy.js';
import { topLayerUnits } from '../lm/layer-units.js';
import { padSources } from './codec.js';
import { decodeBodySteps, decoderBody, decodeSteps, encode, type Encoded, type Seq2seqNetwork } from './network.js';

export interface Hypothesis {
  /** Output ids, without `<EOS>`. */
  ids: number[];
  /** Natural-log probability of the ids and, when it ended, of `<EOS>`. */
  logProb: number;
  /** Whether it ended with `<EOS>` (false: cut at maxLength). */
  ended: boolean;
  /** Attention weights per output step (ids, then `<EOS>` when ended), each over the source's tokens (its `<EOS>` included). */
  attention: Float32Array[];
}

export interface DecodeOptions {
  /** 1 = greedy. */
  beam: number;
  maxLength: number;
  lengthPenalty: number;
}

/** Runs the decoder one step from `previous` ids (one per row); returns the host copies and the new carried tensors. */
class DecoderRun {
  states: tf.Tensor2D[];
  feed: tf.Tensor3D | null;
  readonly rows: number;
  readonly sourceLength: number;

  constructor(
    private readonly network: Seq2seqNetwork,
    readonly encoded: Encoded,
  ) {
    this.states = encoded.states;
    this.rows = encoded.memory.shape[0];
    this.sourceLength = encoded.memory.shape[1];
    this.feed = network.arch.inputFeeding ? tf.zeros([this.rows, 1, topLayerUnits(network.arch.units)]) : null;
  }

  step(previous: Int32Array): { logits: Float32Array; weights: Float32Array } {
    const prev = tf.tensor2d(previous, [this.rows, 1], 'int32');
    const out = decodeSteps(this.network, prev, this.states, this.encoded, this.feed, false);
    const logits = out.logits.dataSync() as Float32Array;
    const weights = out.weights.dataSync() as Float32Array;
    tf.dispose([prev, out.logits, out.weights]);
    this.carry(out);
    return { logits, weights };
  }

  /**
   * As step, but returning only each row's most probable token and its log-probability (greedy
   * decoding): the output layer runs with its argmax and log-sum-exp on the kernel threads, so the
   * [rows, vocabulary] logits never become a tfjs tensor or a JavaScript scan.
   */
  stepBest(previous: Int32Array): { best: Int32Array; logProbs: Float32Array; weights: Float32Array } {
    const prev = tf.tensor2d(previous, [this.rows, 1], 'int32');
    const out = decodeBodySteps(this.network, prev, this.states, this.encoded, false, this.feed);
    const weights = out.weights.dataSync() as Float32Array;
    const { best, logProbs } = denseRowBest(out.attentional, decoderBody(this.network).output);
    tf.dispose([prev, out.weights]);
    this.carry(out);
    return { best, logProbs, weights };
  }

  /** Takes a step's states (and attentional vectors, with input feeding) as the ones carried to the next step. */
  private carry(out: { states: tf.Tensor2D[]; attentional: tf.Tensor3D }): void {
    tf.dispose([...this.states, ...(this.feed ? [this.feed] : [])]);
    this.states = out.states;
    if (this.feed !== null) this.feed = out.attentional;
    else out.attentional.dispose();
  }

  /** Row r takes the carried tensors of row parents[r]. */
  reorder(parents: Int32Array): void {
    const index = tf.tensor1d(parents, 'int32');
    const next = this.states.map((s) => tf.gather(s, index));
    tf.dispose(this.states);
    this.states = next;
    if (this.feed !== null) {
      const f = tf.gather(this.feed, index);
      this.feed.dispose();
      this.feed = f;
    }
    index.dispose();
  }

  dispose(): void {
    tf.dispose([...this.states, ...(this.feed ? [this.feed] : []), this.encoded.memory, this.encoded.maskBias, ...(this.encoded.positions ? [this.encoded.positions] : [])]);
  }
}

function encodeRows(network: Seq2seqNetwork, sources: readonly Int32Array[]): { run: DecoderRun; lengths: number[] } {
  const { source, sourceLength } = padSources(sources);
  const src = tf.tensor2d(source, [sources.length, sourceLength], 'int32');
  const encoded = encode(network, src, false);
  src.dispose();
  return { run: new DecoderRun(network, encoded), lengths: sources.map((s) => s.length) };
}

export function greedyDecode(network: Seq2seqNetwork, sources: readonly Int32Array[], maxLength: number): Hypothesis[] {
  const B = sources.length;
  if (B === 0) return [];
  const { run, lengths } = encodeRows(network, sources);
  const S = run.sourceLength;
  const out: Hypothesis[] = sources.map(() => ({ ids: [], logProb: 0, ended: false, attention: [] }));
  const previous = new Int32Array(B).fill(Vocabulary.BOS);
  let open = B;
  try {
    for (let t = 0; t < maxLength && open > 0; t++) {
      const step = run.stepBest(previous);
      const { weights } = step;
      for (let b = 0; b < B; b++) {
        const h = out[b]!;
        if (h.ended) continue;
        const best = step.best[b]!;
        h.logProb += step.logProbs[b]!;
        h.attention.push(weights.slice(b * S, b * S + lengths[b]!));
        if (best === Vocabulary.EOS) {
          h.ended = true;
          open--;
        } else {
          h.ids.push(best);
        }
        previous[b] = best;
      }
    }
  } finally {
    run.dispose();
  }
  return out;
}

interface Live {
  ids: number[];
  logProb: number;
  attention: Float32Array[];
  row: number;
}

export function beamDecode(network: Seq2seqNetwork, sources: readonly Int32Array[], options: DecodeOptions): Hypothesis[] {
  const K = options.beam;
  const B = sources.length;
  if (B === 0) return [];
  const rows: Int32Array[] = [];
  for (const s of sources) for (let k = 0; k < K; k++) rows.push(s);
  const { run } = encodeRows(network, rows);
  const V = network.arch.targetVocabularySize;
  const S = run.sourceLength;
  const score = (logProb: number, length: number): number => (options.lengthPenalty === 0 ? logProb : logProb / Math.pow(Math.max(1, length), options.lengthPenalty));
  const live: Live[][] = sources.map((_, b) => [{ ids: [], logProb: 0, attention: [], row: b * K }]);
  const ended: Hypothesis[][] = sources.map(() => []);
  const done = new Uint8Array(B);
  const previous = new Int32Array(B * K).fill(Vocabulary.BOS);
  const parents = new Int32Array(B * K);
  const topIds = new Int32Array(K + 1);
  const topLp = new Float64Array(K + 1);
  try {
    for (let t = 0; t < options.maxLength && done.includes(0); t++) {
      const { logits, weights } = run.step(previous);
      const rowLse = rowLogSumExps(logits, B * K, V);
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < K; k++) parents[b * K + k] = b * K;
        if (done[b]) continue;
        const candidates: { parent: Live; id: number; logProb: number }[] = [];
        for (const h of live[b]!) {
          const offset = h.row * V;
          const lse = rowLse[h.row]!;
          // the K + 1 best tokens of this row, by insertion into a small sorted list
          let n = 0;
          for (let v = 0; v < V; v++) {
            const lp = logits[offset + v]! - lse;
            if (n === K + 1 && lp <= topLp[K]!) continue;
            let i = Math.min(n, K);
            while (i > 0 && topLp[i - 1]! < lp) {
              topLp[i] = topLp[i - 1]!;
              topIds[i] = topIds[i - 1]!;
              i--;
            }
            topLp[i] = lp;
            topIds[i] = v;
            if (n < K + 1) n++;
          }
          for (let i = 0; i < n; i++) candidates.push({ parent: h, id: topIds[i]!, logProb: h.logProb + topLp[i]! });
        }
        candidates.sort((x, y) => y.logProb - x.logProb);
        const next: Live[] = [];
        for (const c of candidates) {
          if (next.length === K) break;
          const row = weights.slice(c.parent.row * S, c.parent.row * S + sources[b]!.length);
          if (c.id === Vocabulary.EOS) {
            ended[b]!.push({ ids: c.parent.ids, logProb: c.logProb, ended: true, attention: [...c.parent.attention, row] });
            if (ended[b]!.length >= K) break;
            continue;
          }
          const slot = b * K + next.length;
          parents[slot] = c.parent.row;
          previous[slot] = c.id;
          next.push({ ids: [...c.parent.ids, c.id], logProb: c.logProb, attention: [...c.parent.attention, row], row: slot });
        }
        live[b] = next;
        if (ended[b]!.length >= K || next.length === 0) done[b] = 1;
      }
      run.reorder(parents);
    }
  } finally {
    run.dispose();
  }
  return sources.map((_, b) => {
    const pool: Hypothesis[] = ended[b]!.length > 0 ? ended[b]! : live[b]!.map((h) => ({ ids: h.ids, logProb: h.logProb, ended: false, attention: h.attention }));
    let best = pool[0]!;
    for (const h of pool) if (score(h.logProb, h.ids.length + (h.ended ? 1 : 0)) > score(best.logProb, best.ids.length + (best.ended ? 1 : 0))) best = h;
    return best;
  });
}

/** Greedy for beam 1, else beam search; in batches of `batch` sources. */
export function decodeBatches(network: Seq2seqNetwork, sources: readonly Int32Array[], options: DecodeOptions, batch = 256): Hypothesis[] {
  const out: Hypothesis[] = [];
  const size = Math.max(1, Math.floor(batch / options.beam));
  for (let i = 0; i < sources.length; i += size) {
    const part = sources.slice(i, i + size);
    out.push(...(options.beam === 1 ? greedyDecode(network, part, options.maxLength) : beamDecode(network, part, options)));
  }
  return out;
}
