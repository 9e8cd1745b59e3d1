import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/text/vocabulary.js';
import { seededRandom, useTempDir, writeFixture } from './fixtures.js';

const tempDir = useTempDir();

function countsOf(text: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const w of text.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts];
}

describe('Vocabulary', () => {
  it('has the special tokens at fixed ids', () => {
    const vocab = Vocabulary.fromCounts([['a', 2]]);
    expect([Vocabulary.PAD, Vocabulary.UNK, Vocabulary.BOS, Vocabulary.EOS]).toEqual([0, 1, 2, 3]);
    expect(vocab.decode([0, 1, 2, 3, 4])).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'a']);
    expect(vocab.size).toBe(5);
    expect(vocab.id('<EOS>')).toBe(3);
  });

  it('sorts by count, breaking ties by first appearance', () => {
    const vocab = Vocabulary.fromCounts(countsOf('b a c a b d c e'));
    expect(vocab.wordList().slice(4)).toEqual(['b', 'a', 'c', 'd', 'e']);
    // the same counts given in another order give another (but again deterministic) tie order
    expect(Vocabulary.fromCounts(countsOf('e d c a b a b c')).wordList().slice(4)).toEqual(['c', 'a', 'b', 'e', 'd']);
  });

  it('orders many words like a stable sort by count, also with fractional counts', () => {
    const random = seededRandom(11);
    for (const fractional of [false, true]) {
      const entries: [string, number][] = Array.from({ length: 5000 }, (_, i) => [
        `w${i}`,
        fractional ? Math.floor(random() * 50) / 4 + 1.5 : Math.floor(random() ** 4 * 1000) + 1,
      ]);
      const expected = entries
        .map(([w, c], i) => ({ w, c, i }))
        .sort((a, b) => b.c - a.c || a.i - b.i)
        .map((e) => e.w);
      expect(Vocabulary.fromCounts(entries).wordList().slice(4)).toEqual(expected);
    }
  });

  it('sums repeated entries and takes special-token entries as their counts', () => {
    const vocab = Vocabulary.fromCounts([['x', 1], ['<EOS>', 7], ['y', 2], ['x', 3]]);
    expect(vocab.wordList().slice(4)).toEqual(['x', 'y']);
    expect(vocab.count(vocab.id('x'))).toBe(4);
    expect(vocab.count(Vocabulary.EOS)).toBe(7);
    expect(vocab.totalTokens).toBe(6);
  });

  it('prunes by min-count and max-size into the <UNK> count', () => {
    const entries = countsOf('a a a a b b b c c d e e');
    const byMinCount = Vocabulary.fromCounts(entries, { minCount: 2 });
    expect(byMinCount.wordList().slice(4)).toEqual(['a', 'b', 'c', 'e']);
    expect(byMinCount.count(Vocabulary.UNK)).toBe(1);
    expect(byMinCount.totalTokens).toBe(11);
    const bySize = Vocabulary.fromCounts(entries, { maxSize: 2 });
    expect(bySize.wordList().slice(4)).toEqual(['a', 'b']);
    expect(bySize.size).toBe(6);
    expect(bySize.count(Vocabulary.UNK)).toBe(5);
    expect(bySize.id('c')).toBe(Vocabulary.UNK);
    expect(bySize.has('c')).toBe(false);
  });

  it('rejects bad pruning options with the option name', () => {
    expect(() => Vocabulary.fromCounts([], { minCount: -1 })).toThrow('option --min-count must be an integer at least 0, got -1');
    expect(() => Vocabulary.fromCounts([], { maxSize: 1.5 })).toThrow('option --max-size must be an integer at least 0, got 1.5');
  });

  it('encodes unknown words as <UNK> and decodes back', () => {
    const vocab = Vocabulary.fromCounts(countsOf('the cat the'));
    const ids = vocab.encode(['the', 'dog', 'cat']);
    expect(Array.from(ids)).toEqual([4, 1, 5]);
    expect(vocab.decode(ids)).toEqual(['the', '<UNK>', 'cat']);
    expect(() => vocab.word(99)).toThrow('id 99 is outside the vocabulary (size 6)');
  });

  it('saves word<TAB>count lines, specials first, and loads the same ids back', async () => {
    const vocab = Vocabulary.fromCounts([['<EOS>', 2], ['zebra', 1], ['tab\there', 5], ['café', 3], ['back\\slash', 3]], {
      minCount: 1,
    });
    const path = join(tempDir(), 'out', 'vocab.tsv');
    await vocab.save(path);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe('<PAD>\t0\n<UNK>\t0\n<BOS>\t0\n<EOS>\t2\ntab\\there\t5\ncafé\t3\nback\\\\slash\t3\nzebra\t1\n');
    expect(readdirSync(join(tempDir(), 'out'))).toEqual(['vocab.tsv']);
    const loaded = await Vocabulary.load(path);
    expect(loaded.wordList()).toEqual(vocab.wordList());
    expect(Array.from(loaded.counts)).toEqual(Array.from(vocab.counts));
    expect(loaded.totalTokens).toBe(12);
  });

  it('loads space-separated `word count` files without special tokens, keeping file order', async () => {
    // GloVe vocab_count / word2vec -save-vocab style
    const path = writeFixture(tempDir(), 'vocab.txt', 'the 120\nof 80\r\nzebra 99\n\n');
    const vocab = await Vocabulary.load(path);
    expect(vocab.wordList()).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'the', 'of', 'zebra']);
    expect(vocab.count(vocab.id('zebra'))).toBe(99);
    expect(vocab.count(Vocabulary.EOS)).toBe(0);
  });

  it('prune keeps the order and moves pruned counts to <UNK>; fromList keeps ids exactly', () => {
    const full = Vocabulary.fromCounts([['<EOS>', 2], ...countsOf('a a a b b c')]);
    const pruned = full.prune({ minCount: 2 });
    expect(pruned.wordList()).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'a', 'b']);
    expect([pruned.count(Vocabulary.UNK), pruned.count(Vocabulary.EOS)]).toEqual([1, 2]);
    const restored = Vocabulary.fromList(['rare', 'common', '<EOS>'], [1, 9, 4]);
    expect(restored.wordList()).toEqual(['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'rare', 'common']);
    expect(restored.count(Vocabulary.EOS)).toBe(4);
    expect(() => Vocabulary.fromList(['x', 'x'], [1, 1], 'ckpt')).toThrow('ckpt:2: duplicate word "x"');
  });

  it('reports malformed vocabulary files with file and line', async () => {
    const dir = tempDir();
    await expect(Vocabulary.load(writeFixture(dir, 'a.tsv', 'the\t3\nof three\n'))).rejects.toThrow(
      /a\.tsv:2: expected "word<TAB>count" or "word count", got "of three"$/,
    );
    await expect(Vocabulary.load(writeFixture(dir, 'b.tsv', 'the\t3\nthe\t4\n'))).rejects.toThrow(/b\.tsv:2: duplicate word "the"$/);
    await expect(Vocabulary.load(writeFixture(dir, 'c.tsv', ''))).rejects.toThrow(/c\.tsv: empty vocabulary file$/);
    await expect(Vocabulary.load(join(dir, 'missing.tsv'))).rejects.toThrow(/missing\.tsv: no such file or directory$/);
  });
});
