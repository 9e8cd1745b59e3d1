/**
 * How pairs become ids and padded batches: the source and target sides each have their own
 * vocabulary (characters or words, the language models' tokenizers), a source ends with `<EOS>`
 * (so every source has at least one token and the encoder sees where it ends), a target is read
 * as `<BOS> y1 .. yn` and predicted as `y1 .. yn <EOS>`; batches are padded on the right with
 * `<PAD>` (id 0), which the encoder's mask and the attention's mask bias skip and the loss ignores.
 */
import { Vocabulary } from '../../text/vocabulary.js';
import { joinTokens, lineTokenizer, type TextSettings } from '../lm/text-codec.js';
import type { Tokenizer } from '../../text/tokenizer.js';
import type { Pair } from './pairs.js';

export class PairCodec {
  private readonly tokenize: Tokenizer;

  constructor(
    readonly source: Vocabulary,
    readonly target: Vocabulary,
    readonly settings: TextSettings,
  ) {
    this.tokenize = lineTokenizer(settings);
  }

  tokens(text: string): string[] {
    return this.tokenize(text);
  }

  /** Source tokens' ids followed by `<EOS>`. */
  sourceIds(text: string): Int32Array {
    const tokens = this.tokenize(text);
    const ids = new Int32Array(tokens.length + 1);
    tokens.forEach((t, i) => (ids[i] = this.source.id(t)));
    ids[tokens.length] = Vocabulary.EOS;
    return ids;
  }

  /** Target tokens' ids (no `<BOS>` or `<EOS>`). */
  targetIds(text: string): Int32Array {
    return Int32Array.from(this.tokenize(text), (t) => this.target.id(t));
  }

  /** Target ids back to text (characters joined, words with spaces), stopping at `<EOS>`. */
  targetText(ids: ArrayLike<number>): string {
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === Vocabulary.EOS) break;
      tokens.push(this.target.word(ids[i]!));
    }
    return joinTokens(tokens, this.settings.level);
  }
}

/** Both vocabularies from the training pairs. */
export function buildVocabularies(pairs: readonly Pair[], settings: TextSettings, options: { minCount: number; maxVocab: number }): { source: Vocabulary; target: Vocabulary } {
  const tokenize = lineTokenizer(settings);
  const count = (side: 'source' | 'target'): Vocabulary => {
    const counts = new Map<string, number>();
    for (const p of pairs) for (const t of tokenize(p[side])) counts.set(t, (counts.get(t) ?? 0) + 1);
    return Vocabulary.fromCounts(counts, { minCount: options.minCount, ...(options.maxVocab > 0 ? { maxSize: options.maxVocab } : {}) });
  };
  return { source: count('source'), target: count('target') };
}

/** A pair as ids: the source (with `<EOS>`) and the target (bare). */
export interface EncodedPair {
  source: Int32Array;
  target: Int32Array;
}

/** Padded arrays of a batch of pairs, row-major. */
export interface PaddedBatch {
  rows: number;
  /** Source length S and target length T (+1 for `<BOS>`/`<EOS>`). */
  sourceLength: number;
  targetLength: number;
  source: Int32Array;
  /** `<BOS> y1..yn` padded. */
  targetIn: Int32Array;
  /** `y1..yn <EOS>` padded. */
  targetOut: Int32Array;
  /** 1 at real target positions, 0 at padding. */
  targetMask: Float32Array;
  targetTokens: number;
}

export function padSources(sources: readonly Int32Array[]): { source: Int32Array; sourceLength: number } {
  const S = sources.reduce((m, s) => Math.max(m, s.length), 1);
  const source = new Int32Array(sources.length * S);
  sources.forEach((s, r) => source.set(s, r * S));
  return { source, sourceLength: S };
}

export function padBatch(pairs: readonly EncodedPair[]): PaddedBatch {
  const rows = pairs.length;
  const { source, sourceLength } = padSources(pairs.map((p) => p.source));
  const T = pairs.reduce((m, p) => Math.max(m, p.target.length), 0) + 1;
  const targetIn = new Int32Array(rows * T);
  const targetOut = new Int32Array(rows * T);
  const targetMask = new Float32Array(rows * T);
  let targetTokens = 0;
  pairs.forEach((p, r) => {
    const n = p.target.length;
    targetIn[r * T] = Vocabulary.BOS;
    targetIn.set(p.target, r * T + 1);
    targetOut.set(p.target, r * T);
    targetOut[r * T + n] = Vocabulary.EOS;
    targetMask.fill(1, r * T, r * T + n + 1);
    targetTokens += n + 1;
  });
  return { rows, sourceLength, targetLength: T, source, targetIn, targetOut, targetMask, targetTokens };
}
