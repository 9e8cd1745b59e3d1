/**
 * The options declaration: defaults, per-level embedding default, one line per bad value naming
 * the flag and the range, cross-option rules; and the data layout (streams, windows) and text
 * encoding on small hand-checked cases.
 */
import { describe, expect, it } from 'vitest';
import { LANGUAGE_MODEL_OPTION_SPECS, resolveLanguageModelOptions } from '../../../src/seq/lm/index.js';
import { batchify, windowAt, windowCount } from '../../../src/seq/lm/batches.js';
import { joinTokens, textLines } from '../../../src/seq/lm/text-codec.js';
import { buildSourceVocabulary, encodeSource } from '../../../src/seq/lm/text-source.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('language-model options', () => {
  it('fills in the documented defaults', () => {
    const o = resolveLanguageModelOptions();
    expect(o).toMatchObject({
      level: 'char', tokenizer: 'whitespace', lowercase: false, minCount: 1, maxVocab: 0, cell: 'lstm', layers: 2, units: 256, embedding: 64,
      dropout: 0, seqLen: 64, batch: 32, epochs: 10, maxSteps: 0, lr: 2e-3, optimizer: 'adam', clip: 5, valFraction: 0.1, lrDecay: 0.5,
      patience: 3, tieWeights: false, seed: 1, checkpointEvery: 600, resume: false,
    });
    expect(resolveLanguageModelOptions({ level: 'word' }).embedding).toBe(256);
    expect(resolveLanguageModelOptions({ valFile: 'v.txt' }).valFraction).toBe(0);
    expect(o.threads).toBeGreaterThanOrEqual(1);
  });

  it('every setting has a flag and help', () => {
    for (const [key, spec] of Object.entries(LANGUAGE_MODEL_OPTION_SPECS)) {
      expect(spec.flag, key).toBe(key === 'valFraction' ? '--val' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      expect(spec.help.length, key).toBeGreaterThan(5);
    }
  });

  it.each([
    [{ level: 'byte' }, 'option --level must be one of char, word, got byte'],
    [{ cell: 'transformer' }, 'option --cell must be one of lstm, gru, rnn, got transformer'],
    [{ optimizer: 'lion' }, 'option --optimizer must be one of adam, rmsprop, adagrad, sgd, got lion'],
    [{ layers: 0 }, 'option --layers must be an integer between 1 and 16, got 0'],
    [{ units: 2.5 }, 'option --units must be an integer between 1 and 8192, got 2.5'],
    [{ seqLen: 0 }, 'option --seq-len must be an integer between 1 and 100000, got 0'],
    [{ batch: -1 }, 'option --batch must be an integer between 1 and 100000, got -1'],
    [{ lr: 0 }, 'option --lr must be a number greater than 0 and at most 100, got 0'],
    [{ lr: Number.NaN }, 'option --lr must be a number greater than 0 and at most 100, got NaN'],
    [{ dropout: 1 }, 'option --dropout must be a number between 0 and 0.95, got 1'],
    [{ clip: -1 }, 'option --clip must be a number at least 0, got -1'],
    [{ valFraction: 0.95 }, 'option --val must be a number between 0 and 0.9, got 0.95'],
    [{ lrDecay: 0 }, 'option --lr-decay must be a number greater than 0 and at most 1, got 0'],
    [{ tokenizer: 'english' }, 'option --tokenizer applies to --level word only (a char model reads characters), got english'],
    [{ level: 'word', tokenizer: 'characters' }, 'option --tokenizer must be one of whitespace, english, got characters'],
    [{ level: 'word', tieWeights: true, units: 128 }, 'option --tie-weights needs --embedding equal to --units (the output layer reuses the embedding table), got --embedding 256 and --units 128'],
    [{ valFile: 'v.txt', valFraction: 0.2 }, 'options --val and --val-file exclude each other (give one)'],
    [{ lowercase: 'yes' }, 'option --lowercase is a switch (true or false), got "yes"'],
    [{ epochs: '3' }, 'option --epochs must be a number, got "3"'],
  ])('%j is refused: %s', (partial, message) => {
    expect(() => resolveLanguageModelOptions(partial as never)).toThrow(message);
    try {
      resolveLanguageModelOptions(partial as never);
    } catch (err) {
      expect((err as { code: string }).code).toBe('EOPTION');
    }
  });
});

describe('data layout', () => {
  it('cuts the ids into parallel streams with next-token targets, read in windows', () => {
    const ids = Int32Array.from({ length: 14 }, (_, i) => i);
    const layout = batchify(ids, 3); // (14 - 1) / 3 = 4 per stream
    expect(layout.length).toBe(4);
    expect(Array.from(layout.inputs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(layout.targets)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(windowCount(layout, 3)).toBe(2);
    const w0 = windowAt(layout, 0, 3);
    expect([w0.streams, w0.time]).toEqual([3, 3]);
    expect(Array.from(w0.inputs)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    const w1 = windowAt(layout, 1, 3);
    expect([w1.streams, w1.time]).toEqual([3, 1]);
    expect(Array.from(w1.inputs)).toEqual([3, 7, 11]);
    expect(Array.from(w1.targets)).toEqual([4, 8, 12]);
    expect(() => windowAt(layout, 2, 3)).toThrow(RangeError);
  });

  it('reads a string and a file with the same content to the same vocabulary and ids', async () => {
    const text = 'Héllo wörld\r\n\n  \nthe cat the\n';
    expect(textLines(text)).toEqual(['Héllo wörld', 'the cat the']);
    const dir = mkdtempSync(join(tmpdir(), 'wordloom-lm-text-'));
    try {
      writeFileSync(join(dir, 'a.txt'), text);
      for (const level of ['char', 'word'] as const) {
        const settings = { level, tokenizer: level === 'char' ? ('characters' as const) : ('whitespace' as const), lowercase: true, minCount: 1, maxVocab: 0 };
        const fromString = await buildSourceVocabulary(text, settings);
        const fromFile = await buildSourceVocabulary([join(dir, 'a.txt')], settings);
        expect(fromFile.wordList()).toEqual(fromString.wordList());
        const ids = await encodeSource(text, fromString, settings);
        expect(Array.from(await encodeSource([join(dir, 'a.txt')], fromFile, settings))).toEqual(Array.from(ids));
        expect(joinTokens(fromString.decode(ids), level)).toBe('héllo wörld\nthe cat the\n');
      }
      const words = await buildSourceVocabulary(text, { level: 'word', tokenizer: 'whitespace', lowercase: false, minCount: 2, maxVocab: 0 });
      expect(words.wordList()).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'the']);
      expect(words.count(1)).toBe(3);
      expect(words.count(3)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
