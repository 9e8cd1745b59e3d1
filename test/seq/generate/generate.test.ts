/**
 * generate / generateText / generateBatch / generateTexts end to end on small seeded models:
 * greedy output equals re-running the whole model on the growing text, specials never come out,
 * <EOS> and maxLength stop, priming, seeds, batches, word and character levels, errors, no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generate, generateBatch, generateText, generateTexts, EOS_ID, resolveGenerationOptions, GENERATION_DEFAULTS,
} from '../../../src/seq/generate/index.js';
import { WordloomError } from '../../../src/errors.js';
import { useCpuBackend } from '../layers/harness.js';
import { buildModel, charVocabulary, roundTrip, setOutputBias, wordVocabulary } from './fixtures.js';

beforeAll(useCpuBackend);

const CHARS = 'abcdefghi';
const vocab = charVocabulary(CHARS); // ids 4..12
const V = vocab.size;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<WordloomError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WordloomError);
    return e as WordloomError;
  }
  throw new Error('expected an error');
}

/** Greedy decoding the slow way: the whole model over the whole text at every step. */
function greedyReference(model: tf.LayersModel, start: number[], maxLength: number): number[] {
  const seq = [...start];
  const out: number[] = [];
  for (let step = 0; step < maxLength; step++) {
    const last = tf.tidy(() => {
      const logits = model.predict(tf.tensor2d([seq], [1, seq.length], 'int32')) as tf.Tensor;
      return logits.slice([0, seq.length - 1, 0], [1, 1, V]).dataSync() as Float32Array;
    });
    let best = -1;
    for (let id = 3; id < V; id++) if (best < 0 || last[id]! > last[best]!) best = id;
    if (best === EOS_ID) break;
    out.push(best);
    seq.push(best);
  }
  return out;
}

describe('generate', () => {
  it('greedy (temperature 0) equals re-running the whole model on the growing text, priming included', async () => {
    for (const kind of ['LSTM', 'GRU', 'SimpleRNN'] as const) {
      const model = buildModel({ kind, vocab: V, layers: 2, dropout: 0.2, seed: 31, scale: 1.5 });
      const text = await generateText(model, vocab, { temperature: 0, prime: 'bad', maxLength: 40 });
      const ids = greedyReference(model, [EOS_ID, vocab.id('b'), vocab.id('a'), vocab.id('d')], 40);
      expect(text, kind).toBe(ids.map((id) => vocab.word(id)).join(''));
      expect(text.length, kind).toBeGreaterThan(0);
      model.dispose();
    }
  });

  it('yields tokens one at a time as strings', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 2 });
    const tokens = await collect(generate(model, vocab, { maxLength: 25, seed: 3, suppress: ['<EOS>'] }));
    expect(tokens).toHaveLength(25);
    for (const t of tokens) expect(CHARS).toContain(t);
    model.dispose();
  });

  it('never emits <PAD>, <UNK> or <BOS>, even when their logits are huge', async () => {
    const model = buildModel({ kind: 'GRU', vocab: V, seed: 4 });
    setOutputBias(model, { 0: 1e4, 1: 1e4, 2: 1e4 });
    for (const temperature of [0, 1, 3]) {
      const steps = await collect(generateBatch(model, vocab, { temperature, count: 3, maxLength: 300, stopAtEos: false, seed: 9 }));
      expect(steps).toHaveLength(300);
      for (const step of steps) {
        for (const t of step) {
          expect(t).not.toBeNull();
          expect(['<PAD>', '<UNK>', '<BOS>']).not.toContain(t);
        }
      }
    }
    model.dispose();
  });

  it('stops at <EOS>; with stopAtEos false an <EOS> is a line break and generation goes on', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 5 });
    setOutputBias(model, { [EOS_ID]: 1e4 });
    expect(await collect(generate(model, vocab, { seed: 1 }))).toEqual([]);
    expect(await generateText(model, vocab, { seed: 1 })).toBe('');
    expect(await generateText(model, vocab, { stopAtEos: false, maxLength: 4 })).toBe('\n\n\n\n');
    expect(await generateText(model, vocab, { stopAtEos: false, maxLength: 3, eosText: '|' })).toBe('|||');
    model.dispose();
  });

  it('a sample that meets <EOS> is what the same sample without stopping gives up to its first line break', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 6 });
    setOutputBias(model, { [EOS_ID]: 1.5 });
    const options = { count: 12, maxLength: 60, seed: 77, temperature: 1.2 };
    const stopped = await generateTexts(model, vocab, options);
    const running = await generateTexts(model, vocab, { ...options, stopAtEos: false });
    let early = 0;
    stopped.forEach((s, i) => {
      const cut = running[i]!.indexOf('\n');
      expect(s).toBe(cut < 0 ? running[i] : running[i]!.slice(0, cut));
      if (s.length < 60) early++;
    });
    expect(early).toBeGreaterThan(0);
    // generateBatch marks ended samples with null and stops when all have ended.
    const steps = await collect(generateBatch(model, vocab, options));
    const longest = Math.max(...stopped.map((s) => s.length));
    expect(steps).toHaveLength(longest);
    steps.forEach((step, t) => step.forEach((tok, i) => expect(tok).toBe(t < stopped[i]!.length ? stopped[i]![t] : null)));
    model.dispose();
  });

  it('honours maxLength (tokens, priming not counted); 0 generates nothing', async () => {
    const model = buildModel({ kind: 'SimpleRNN', vocab: V, seed: 7 });
    const texts = await generateTexts(model, vocab, { maxLength: 57, count: 3, suppress: ['<EOS>'], prime: 'abc' });
    expect(texts.map((t) => Array.from(t).length)).toEqual([57, 57, 57]);
    expect(await generateText(model, vocab, { maxLength: 0 })).toBe('');
    model.dispose();
  });

  it('same seed, same text; another seed, another text', async () => {
    const model = buildModel({ kind: 'GRU', vocab: V, layers: 2, seed: 8 });
    const options = { maxLength: 80, temperature: 1.5, suppress: ['<EOS>'] };
    const a = await generateText(model, vocab, { ...options, seed: 11 });
    expect(await generateText(model, vocab, { ...options, seed: 11 })).toBe(a);
    expect(await generateText(model, vocab, { ...options, seed: 12 })).not.toBe(a);
    // A model saved and loaded with plain tf.loadLayersModel gives the same text.
    const loaded = await roundTrip(model);
    expect(await generateText(loaded, vocab, { ...options, seed: 11 })).toBe(a);
    model.dispose();
    loaded.dispose();
  });

  it('samples of a batch are independent, and sample 0 is what count 1 gives', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, layers: 2, seed: 9 });
    const options = { maxLength: 50, temperature: 1.3, suppress: ['<EOS>'], seed: 5, prime: 'ghi' };
    const batch = await generateTexts(model, vocab, { ...options, count: 4 });
    expect(batch).toHaveLength(4);
    expect(new Set(batch).size).toBe(4);
    expect(batch[0]).toBe(await generateText(model, vocab, options));
    model.dispose();
  });

  it('top-k 1 is greedy decoding', async () => {
    const model = buildModel({ kind: 'GRU', vocab: V, seed: 10, scale: 1.5 });
    const greedy = await generateText(model, vocab, { temperature: 0, maxLength: 30, prime: 'a' });
    expect(await generateText(model, vocab, { topK: 1, temperature: 2, maxLength: 30, prime: 'a', seed: 99 })).toBe(greedy);
    expect(await generateText(model, vocab, { topP: 0, maxLength: 30, prime: 'a', seed: 98 })).toBe(greedy);
    model.dispose();
  });

  it('a repetition penalty steers away from tokens already used', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 12 });
    setOutputBias(model, Object.fromEntries(Array.from(CHARS, (_, i) => [4 + i, 50])));
    const options = { temperature: 0, maxLength: 9, suppress: ['<EOS>'], startToken: '<EOS>' };
    const plain = await generateText(model, vocab, options);
    expect(new Set(plain).size).toBeLessThan(9); // greedy repeats itself
    const penalised = await generateText(model, vocab, { ...options, repetitionPenalty: 100 });
    expect(new Set(penalised).size).toBe(9); // every character once
    model.dispose();
  });

  it('the repetition penalty counts the priming text but not the start token', async () => {
    const model = buildModel({ kind: 'GRU', vocab: V, seed: 12, scale: 0.1 });
    setOutputBias(model, { [EOS_ID]: 50, [vocab.id('a')]: 10 });
    const options = { temperature: 0, repetitionPenalty: 100, maxLength: 5 };
    expect(await generateText(model, vocab, options)).toBe(''); // <EOS> first: the start token <EOS> is not held against it
    expect(await generateText(model, vocab, { ...options, prime: 'b\n' })).toMatch(/^a/); // a priming <EOS> is
    model.dispose();
  });
});

describe('priming', () => {
  it('a string and its tokens prime alike; priming changes the text; a line break is <EOS>', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 13, scale: 1.5 });
    const base = { seed: 3, maxLength: 30, suppress: ['<EOS>'] };
    const fromString = await generateText(model, vocab, { ...base, prime: 'cafe' });
    expect(await generateText(model, vocab, { ...base, prime: ['c', 'a', 'f', 'e'] })).toBe(fromString);
    expect(await generateText(model, vocab, { ...base, prime: 'ihgfedcba' })).not.toBe(fromString);
    expect(await generateText(model, vocab, { ...base, prime: 'ab\ncd' })).toBe(await generateText(model, vocab, { ...base, prime: ['a', 'b', '<EOS>', 'c', 'd'] }));
    // Blank lines are skipped and a leading line break adds nothing after the start token <EOS>, as in training.
    expect(await generateText(model, vocab, { ...base, prime: '\nab\r\n\n  \ncd' })).toBe(await generateText(model, vocab, { ...base, prime: 'ab\ncd' }));
    // Without a start token the priming text alone starts; with neither there is nothing to start from.
    expect(await generateText(model, vocab, { ...base, startToken: null, prime: ['<EOS>', 'c', 'a', 'f', 'e'] })).toBe(fromString);
    const e = await errorOf(generateText(model, vocab, { startToken: null }));
    expect(e.code).toBe('EUSAGE');
    model.dispose();
  });

  it('an unknown priming character is one clear error line naming it', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 14 });
    const e = await errorOf(generateText(model, vocab, { prime: 'abz' }));
    expect(e.code).toBe('EVOCAB');
    expect(e.message).toContain('priming character "z" (character 3 of 3) is not in the model\'s vocabulary');
    expect(e.message).not.toContain('\n');
    const upper = await errorOf(generateText(model, vocab, { prime: 'aB' }));
    expect(upper.message).toContain('its lower-case form "b" is');
    const space = await errorOf(generateText(model, vocab, { prime: 'a b' }));
    expect(space.message).toContain('" " (U+0020)');
    // lowercase: true reads it as training on lower-cased text would; onUnknown 'unk' feeds <UNK>.
    expect(typeof (await generateText(model, vocab, { prime: 'aB', lowercase: true, maxLength: 5 }))).toBe('string');
    expect(typeof (await generateText(model, vocab, { prime: 'abz', onUnknown: 'unk', maxLength: 5 }))).toBe('string');
    model.dispose();
  });
});

describe('levels and vocabularies', () => {
  const words = ['the', 'cat', 'sat', 'on', 'mat', 'a', 'dog'];
  const wv = wordVocabulary(words);

  it('a word model joins tokens with spaces; the level is detected from the vocabulary', async () => {
    const model = buildModel({ kind: 'GRU', vocab: wv.size, seed: 15 });
    const text = await generateText(model, wv, { prime: 'the cat', maxLength: 12, suppress: ['<EOS>'], seed: 4 });
    const tokens = text.split(' ');
    expect(tokens).toHaveLength(12);
    for (const t of tokens) expect(words).toContain(t);
    expect(await generateText(model, wv, { prime: 'the cat', maxLength: 12, suppress: ['<EOS>'], seed: 4, level: 'word' })).toBe(text);
    // Word priming: whitespace by default, an unknown word named.
    const e = await errorOf(generateText(model, wv, { prime: 'the bird sat' }));
    expect(e.message).toContain('priming word "bird" (word 2 of 3)');
    // With stopAtEos false, <EOS> becomes a line break without spaces around it.
    setOutputBias(model, { [EOS_ID]: 3 });
    const lines = await generateText(model, wv, { stopAtEos: false, maxLength: 80, seed: 2 });
    expect(lines).toContain('\n');
    expect(lines).not.toMatch(/ \n|\n /);
    model.dispose();
  });

  it('accepts a token list or an idToToken object as the vocabulary', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, seed: 16 });
    const options = { prime: 'abc', maxLength: 20, seed: 3 };
    const expected = await generateText(model, vocab, options);
    const list = vocab.wordList();
    expect(await generateText(model, list, options)).toBe(expected);
    expect(await generateText(model, { idToToken: (id: number) => list[id]! }, options)).toBe(expected);
    expect(await generateText(model, { idToToken: (id: number) => list[id]!, tokenToId: (t: string) => list.indexOf(t) }, options)).toBe(expected);
    // A map that sends unknown tokens to <UNK> still reports them.
    const unk = await errorOf(generateText(model, { idToToken: (id: number) => list[id]!, tokenToId: (t: string) => Math.max(1, list.indexOf(t)) }, { prime: 'az' }));
    expect(unk.code).toBe('EVOCAB');
    model.dispose();
  });

  it('the model\'s metadata can give the level, lowercasing, tokenizer and start token', async () => {
    const plain = buildModel({ kind: 'LSTM', vocab: wv.size, seed: 17 });
    const hinted = buildModel({ kind: 'LSTM', vocab: wv.size, seed: 17 });
    hinted.setUserDefinedMetadata({ wordloom: { level: 'word', lowercase: true, tokenizer: 'whitespace', startToken: '<BOS>' } });
    const options = { maxLength: 15, seed: 8, suppress: ['<EOS>'] };
    const explicit = await generateText(plain, wv, { ...options, prime: 'THE Cat', level: 'word', lowercase: true, startToken: '<BOS>' });
    expect(await generateText(hinted, wv, { ...options, prime: 'THE Cat' })).toBe(explicit);
    // Options given explicitly win over the metadata.
    expect(await generateText(hinted, wv, { ...options, prime: 'the cat', startToken: '<EOS>' })).toBe(await generateText(plain, wv, { ...options, prime: 'the cat' }));
    plain.dispose();
    hinted.dispose();
  });

  it('a vocabulary of another size than the model\'s output is an EFORMAT error', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V + 1, seed: 18 });
    const e = await errorOf(generateText(model, vocab));
    expect(e.code).toBe('EFORMAT');
    expect(e.message).toMatch(/vocabulary has 13 tokens but .* scores 14/);
    model.dispose();
  });
});

describe('options', () => {
  it('documents its defaults', () => {
    expect(GENERATION_DEFAULTS).toMatchObject({ maxLength: 200, temperature: 1, topK: 0, topP: 1, seed: 1, stopAtEos: true, count: 1 });
    expect(resolveGenerationOptions({}).maxLength).toBe(200);
  });
  it('rejects values out of range naming the option by its flag', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V });
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ temperature: -1 }, /--temperature must be a number between 0 and 100/],
      [{ topK: 1.5 }, /--top-k must be an integer/],
      [{ topP: 2 }, /--top-p must be a number between 0 and 1/],
      [{ maxLength: -3 }, /--max-length/],
      [{ seed: -1 }, /--seed/],
      [{ count: 0 }, /--count/],
      [{ level: 'letters' }, /--level must be char, word or auto/],
      [{ suppress: ['zz'] }, /--suppress: token "zz" is not in the vocabulary/],
      [{ suppress: Array.from(vocab.wordList()) }, /--suppress leaves no token/],
      [{ startToken: 'q' }, /--start-token: token "q"/],
    ];
    for (const [options, pattern] of bad) {
      const e = await errorOf(generateText(model, vocab, options));
      expect(e.code, JSON.stringify(options)).toBe('EOPTION');
      expect(e.message).toMatch(pattern);
    }
    const e = await errorOf(collect(generate(model, vocab, { count: 2 })));
    expect(e.message).toMatch(/generateBatch\(\) or generateTexts\(\)/);
    model.dispose();
  });
});

describe('tensor memory', () => {
  it('generating 200 tokens leaves tf.memory().numTensors as it was (stacked LSTM with Dropout layers and cell dropout)', async () => {
    const model = buildModel({ kind: 'LSTM', vocab: V, layers: 2, dropout: 0.3, cellDropout: 0.2, seed: 19 });
    await generateText(model, vocab, { maxLength: 5 }); // tfjs's own one-time tensors, if any
    const before = tf.memory().numTensors;
    const text = await generateText(model, vocab, { maxLength: 200, stopAtEos: false, prime: 'abc\ndef' });
    expect(Array.from(text)).toHaveLength(200);
    expect(tf.memory().numTensors).toBe(before);
    await generateTexts(model, vocab, { maxLength: 200, count: 5, topK: 4, topP: 0.9, temperature: 0.8, repetitionPenalty: 1.3 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('nothing leaks when the consumer stops early or generation fails', async () => {
    const model = buildModel({ kind: 'GRU', vocab: V, layers: 2, seed: 20 });
    const before = tf.memory().numTensors;
    let n = 0;
    for await (const _ of generate(model, vocab, { stopAtEos: false })) if (++n === 10) break;
    expect(n).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
    await errorOf(generateText(model, vocab, { prime: 'xyz' }));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
