/**
 * Sampling text from a recurrent language model: prime the states with the start token and the
 * priming text in one pass, then per step process the logits (suppression, repetition penalty,
 * temperature, top-k, top-p), sample one token per sample, and feed it back. Tokens are handed
 * out as they come (async iterators), so a page or a terminal can show them live.
 */
import type * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenizer.js';
import {
  LogitsProcessorList, RepetitionPenaltyLogitsProcessor, SuppressTokensLogitsProcessor, TemperatureLogitsWarper,
  TopKLogitsWarper, TopPLogitsWarper, type TokenHistory,
} from './logits-processors.js';
import { resolveGenerationOptions, type GenerationOptions, type ResolvedGenerationOptions, type TokenLevel } from './options.js';
import { Xoshiro128 } from './prng.js';
import { GreedySampler, MultinomialSampler, type Sampler } from './samplers.js';
import { RecurrentStepper } from './stepper.js';
import {
  BOS_ID, EOS_ID, PAD_ID, UNK_ID, detectLevel, idOf, joinTokens, primeIds, splitPrime, toTokens, type GenerationVocabulary, type Tokens,
} from './tokens.js';

/** What the LM trainer may record in the saved model (`model.setUserDefinedMetadata({ wordloom: ... })`). */
export interface GenerationHints {
  level?: TokenLevel;
  tokenizer?: TokenizerName;
  lowercase?: boolean;
  startToken?: string | null;
}

/** Reads `userDefinedMetadata.wordloom` of a model, keeping only well-formed fields. */
export function readGenerationHints(model: tf.LayersModel): GenerationHints {
  const meta = (model.getUserDefinedMetadata?.() ?? {}) as Record<string, unknown>;
  const w = meta['wordloom'];
  const hints: GenerationHints = {};
  if (w && typeof w === 'object') {
    const { level, tokenizer, lowercase, startToken } = w as Record<string, unknown>;
    if (level === 'char' || level === 'word') hints.level = level;
    if (typeof tokenizer === 'string' && (TOKENIZER_NAMES as readonly string[]).includes(tokenizer)) hints.tokenizer = tokenizer as TokenizerName;
    if (typeof lowercase === 'boolean') hints.lowercase = lowercase;
    if (startToken === null || typeof startToken === 'string') hints.startToken = startToken;
  }
  return hints;
}

/** The processors generation applies, in order, for these options (the samplers do the rest). */
export function createLogitsProcessors(
  options: Pick<GenerationOptions, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty' | 'repetitionWindow'>,
  suppressIds: Iterable<number> = [PAD_ID, UNK_ID, BOS_ID],
): LogitsProcessorList {
  const list = new LogitsProcessorList([new SuppressTokensLogitsProcessor(suppressIds)]);
  if (options.repetitionPenalty !== 1) list.push(new RepetitionPenaltyLogitsProcessor(options.repetitionPenalty, options.repetitionWindow));
  if (options.temperature > 0) {
    // Greedy decoding (temperature 0) takes the argmax, which none of these would change.
    if (options.temperature !== 1) list.push(new TemperatureLogitsWarper(options.temperature));
    if (options.topK > 0) list.push(new TopKLogitsWarper(options.topK));
    if (options.topP < 1) list.push(new TopPLogitsWarper(options.topP));
  }
  return list;
}

/** Greedy for temperature 0, else multinomial on its own stream (seed, sample) of xoshiro128**. */
export function createSampler(temperature: number, seed: number, sample = 0): Sampler {
  return temperature === 0 ? new GreedySampler() : new MultinomialSampler(new Xoshiro128(seed, sample));
}

interface Plan {
  o: ResolvedGenerationOptions;
  tokens: Tokens;
  level: TokenLevel;
  /** Start token, then the priming text's ids. */
  prime: number[];
  /** 1 when prime begins with the start token, else 0. */
  startCount: number;
  suppress: number[];
}

function plan(stepper: RecurrentStepper, model: tf.LayersModel, vocabulary: GenerationVocabulary, o: ResolvedGenerationOptions): Plan {
  const { vocabSize, inputDim } = stepper.layout;
  const tokens = toTokens(vocabulary, vocabSize);
  if (tokens.size !== undefined && tokens.size !== vocabSize) {
    throw new WordloomError('EFORMAT', `the vocabulary has ${tokens.size} tokens but ${model.name || 'the model'} scores ${vocabSize}: they were not trained together`);
  }
  if (vocabSize <= EOS_ID) throw new WordloomError('EFORMAT', `${model.name || 'the model'} scores only ${vocabSize} tokens; a wordloom vocabulary has at least the 4 special tokens`);
  const hints = readGenerationHints(model);
  const level = o.level === 'auto' ? (hints.level ?? detectLevel(tokens, vocabSize)) : o.level;
  const start = o.startToken !== undefined ? o.startToken : hints.startToken !== undefined ? hints.startToken : '<EOS>';
  const prime: number[] = [];
  if (start !== null) {
    const id = idOf(start, tokens, vocabSize, '--start-token');
    if (id >= inputDim) throw new WordloomError('EOPTION', `option --start-token: id ${id} is outside the model's embedding (0..${inputDim - 1})`);
    prime.push(id);
  }
  const split = splitPrime(o.prime, {
    level,
    tokenizer: o.tokenizer ?? hints.tokenizer,
    lowercase: o.lowercase ?? hints.lowercase,
    tokenize: o.tokenize ?? (o.tokenizer === undefined ? tokens.tokenize : undefined),
  });
  prime.push(...primeIds(split, tokens, level, o.onUnknown, inputDim));
  if (prime.length === 0) {
    throw new WordloomError('EUSAGE', 'nothing to start generating from: give a priming text (--prime) or a start token (--start-token)');
  }
  const suppress = new Set([PAD_ID, UNK_ID, BOS_ID]);
  for (const t of o.suppress) suppress.add(idOf(t, tokens, vocabSize, '--suppress'));
  if (suppress.size >= vocabSize) throw new WordloomError('EOPTION', 'option --suppress leaves no token to generate');
  return { o, tokens, level, prime, startCount: start === null ? 0 : 1, suppress: [...suppress] };
}

/**
 * `count` samples (options.count) step by step: each yield is one step, an array with the new
 * token of every sample, or null for a sample that has already ended (at `<EOS>`). Ends when
 * every sample has ended or after maxLength steps. Tensors are freed however the loop ends
 * (including `break`).
 */
export function generateBatch(
  model: tf.LayersModel,
  vocabulary: GenerationVocabulary,
  options: Partial<GenerationOptions> = {},
): AsyncGenerator<(string | null)[], void, undefined> {
  return run(model, vocabulary, options);
}

async function* run(
  model: tf.LayersModel,
  vocabulary: GenerationVocabulary,
  options: Partial<GenerationOptions>,
  onLevel?: (level: TokenLevel) => void,
): AsyncGenerator<(string | null)[], void, undefined> {
  const o = resolveGenerationOptions(options);
  const stepper = RecurrentStepper.fromModel(model, 1);
  try {
    const p = plan(stepper, model, vocabulary, o);
    onLevel?.(p.level);
    if (o.maxLength === 0) return;
    const V = stepper.layout.vocabSize;
    const count = o.count;
    const processors = createLogitsProcessors(o, p.suppress);
    const samplers = Array.from({ length: count }, (_, i) => createSampler(o.temperature, o.seed, i));
    // The repetition penalty's history: the priming text and the output, not the start token
    // (a line-start marker; counting it would penalise <EOS> from the first step).
    const seen = p.prime.slice(p.startCount);
    const histories: TokenHistory[] = Array.from({ length: count }, () => {
      const ids = new Int32Array(seen.length + o.maxLength);
      ids.set(seen);
      return { ids, length: seen.length };
    });
    const buffer = new Float32Array(count * V);
    const rows = Array.from({ length: count }, (_, i) => buffer.subarray(i * V, (i + 1) * V));

    // Prime once, then give every sample a copy of the states and of the first logits.
    const first = await readLogits(stepper.feed(p.prime, p.prime.length));
    for (const row of rows) row.set(first);
    if (count > 1) stepper.expand(count);

    const ended = new Uint8Array(count);
    const next = new Int32Array(count);
    for (let step = 0; step < o.maxLength; step++) {
      const out: (string | null)[] = new Array<string | null>(count).fill(null);
      let live = 0;
      for (let r = 0; r < count; r++) {
        if (ended[r]) {
          next[r] = EOS_ID; // keeps the batch's shape; its output is never read
          continue;
        }
        const row = rows[r]!;
        const history = histories[r]!;
        processors.process(row, history);
        const id = samplers[r]!.sample(row);
        history.ids[history.length++] = id;
        next[r] = id;
        if (id === EOS_ID && o.stopAtEos) {
          ended[r] = 1;
          continue;
        }
        out[r] = id === EOS_ID ? o.eosText : p.tokens.idToToken(id);
        live++;
      }
      if (live === 0) return;
      yield out;
      if (step + 1 < o.maxLength) buffer.set(await readLogits(stepper.step(next)));
    }
  } finally {
    stepper.dispose();
  }
}

/** One sample, token by token (strings), until `<EOS>` (when stopAtEos) or maxLength tokens. */
export async function* generate(
  model: tf.LayersModel,
  vocabulary: GenerationVocabulary,
  options: Partial<GenerationOptions> = {},
): AsyncGenerator<string, void, undefined> {
  if (options.count !== undefined && options.count !== 1) {
    throw new WordloomError('EOPTION', `generate() gives one sample; use generateBatch() or generateTexts() for --count ${options.count}`);
  }
  for await (const step of generateBatch(model, vocabulary, { ...options, count: 1 })) {
    if (step[0] !== null) yield step[0]!;
  }
}

/** One sample as text: characters joined with '', words with ' '. The priming text is not included. */
export async function generateText(model: tf.LayersModel, vocabulary: GenerationVocabulary, options: Partial<GenerationOptions> = {}): Promise<string> {
  if (options.count !== undefined && options.count !== 1) {
    throw new WordloomError('EOPTION', `generateText() gives one sample; use generateTexts() for --count ${options.count}`);
  }
  const [text] = await generateTexts(model, vocabulary, { ...options, count: 1 });
  return text!;
}

/** `count` samples as texts, generated together in one batch; each without the priming text. */
export async function generateTexts(model: tf.LayersModel, vocabulary: GenerationVocabulary, options: Partial<GenerationOptions> = {}): Promise<string[]> {
  const count = options.count ?? 1;
  const parts: string[][] = Array.from({ length: count }, () => []);
  let level: TokenLevel = 'word';
  for await (const step of run(model, vocabulary, options, (l) => (level = l))) {
    step.forEach((t, i) => {
      if (t !== null) parts[i]!.push(t);
    });
  }
  return parts.map((tokens) => joinTokens(tokens, level));
}

async function readLogits(logits: tf.Tensor): Promise<Float32Array> {
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}
