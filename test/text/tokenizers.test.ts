import { describe, expect, it } from 'vitest';
import tokenizers from 'natural/lib/natural/tokenizers/index.js';
import { createTokenizer, tokenizeWhitespace } from '../../src/text/tokenizer.js';
import { tokenizeEnglish } from '../../src/text/english-tokenizer.js';
import { tokenizeCharacters } from '../../src/text/character-tokenizer.js';
import { normalizeText } from '../../src/text/normalize.js';

describe('whitespace tokenizer', () => {
  it('splits on runs of ASCII whitespace and drops empty ends', () => {
    expect(tokenizeWhitespace('  the\tquick\r\n brown  fox \f')).toEqual(['the', 'quick', 'brown', 'fox']);
    expect(tokenizeWhitespace('')).toEqual([]);
    expect(tokenizeWhitespace(' \t ')).toEqual([]);
  });

  it('keeps a no-break space inside a token, like the byte scanner', () => {
    expect(tokenizeWhitespace('a\u00a0b c')).toEqual(['a\u00a0b', 'c']);
  });
});

describe('english tokenizer', () => {
  it('splits contractions the Treebank way', () => {
    expect(tokenizeEnglish("I don't know, she can't and we'll see it's John's")).toEqual([
      'I', 'do', "n't", 'know', ',', 'she', 'ca', "n't", 'and', 'we', "'ll", 'see', 'it', "'s", 'John', "'s",
    ]);
    expect(tokenizeEnglish('I cannot, gonna go')).toEqual(['I', 'can', 'not', ',', 'gon', 'na', 'go']);
    expect(tokenizeEnglish('don’t')).toEqual(['do', 'n’t']);
  });

  it('keeps words with non-ASCII letters whole', () => {
    expect(tokenizeEnglish('The café in Zürich serves crème brûlée; naïve Ångström')).toEqual([
      'The', 'café', 'in', 'Zürich', 'serves', 'crème', 'brûlée', ';', 'naïve', 'Ångström',
    ]);
    expect(tokenizeEnglish('Москва и 東京')).toEqual(['Москва', 'и', '東京']);
  });

  it('splits punctuation in running text where natural leaves it attached', () => {
    expect(tokenizeEnglish('She said: hello. Then "left" -- fast, end,')).toEqual([
      'She', 'said', ':', 'hello', '.', 'Then', '"', 'left', '"', '--', 'fast', ',', 'end', ',',
    ]);
    expect(tokenizeEnglish("go--really 'quoted'")).toEqual(['go', '--', 'really', "'", 'quoted', "'"]);
    expect(tokenizeEnglish('Wait... what?!')).toEqual(['Wait', '...', 'what', '?', '!']);
  });

  it('keeps numbers, abbreviations, hyphenated words and markup tokens', () => {
    expect(tokenizeEnglish('Mr. Smith paid $1,000.50 (3.5%) for e-mail and/or AT&T in the U.S. at 10:30 <unk>')).toEqual([
      'Mr.', 'Smith', 'paid', '$', '1,000.50', '(', '3.5', '%', ')', 'for', 'e-mail', 'and/or', 'AT&T', 'in', 'the',
      'U.S.', 'at', '10:30', '<unk>',
    ]);
  });

  it('keeps emoji sequences as one token', () => {
    expect(tokenizeEnglish('ok👍🏽 🇫🇷 👨‍👩‍👧')).toEqual(['ok', '👍🏽', '🇫🇷', '👨‍👩‍👧']);
  });

  it('agrees with natural\'s Treebank tokenizer on plain ASCII sentences', () => {
    const treebank = new tokenizers.TreebankWordTokenizer();
    for (const sentence of [
      "They'll say we can't do it, but we've done it before",
      'The quick ( brown ) fox jumps over the lazy dog',
      "I'm sure he'd agree that you're right",
    ]) {
      expect(tokenizeEnglish(sentence)).toEqual(treebank.tokenize(sentence));
    }
  });
});

describe('character tokenizer', () => {
  it('yields code points, so an astral emoji is one symbol', () => {
    expect(tokenizeCharacters('a😀b')).toEqual(['a', '😀', 'b']);
    expect('a😀b'.length).toBe(4);
    expect(tokenizeCharacters('𝔘 x')).toEqual(['𝔘', ' ', 'x']);
  });
});

describe('normalisation', () => {
  it('NFC folds a combining accent into one code point, by default', () => {
    const decomposed = 'e\u0301';
    expect(normalizeText(decomposed)).toBe('é');
    expect(normalizeText(decomposed, { nfc: false })).toBe(decomposed);
    expect(createTokenizer({ tokenizer: 'characters' })(`caf${decomposed}`)).toEqual(['c', 'a', 'f', 'é']);
    expect(createTokenizer({ tokenizer: 'english' })(`caf${decomposed} CAFÉ`)).toEqual(['café', 'CAFÉ']);
  });

  it('lowercases after NFC when asked', () => {
    expect(createTokenizer({ lowercase: true })('The CAFE\u0301 Ärger')).toEqual(['the', 'café', 'ärger']);
  });

  it('rejects an unknown tokenizer name', () => {
    expect(() => createTokenizer({ tokenizer: 'spaces' as never })).toThrow(
      'option --tokenizer must be one of whitespace, english, characters, got spaces',
    );
  });
});
