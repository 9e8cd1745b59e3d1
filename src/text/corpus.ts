/**
 * Corpus-level operations: build a vocabulary, encode to id chunks for trainers, read lines.
 * A corpus is a text file, a `.gz` file or a directory of them (read in sorted order), in bounded
 * memory whatever its size. Each non-empty line is a sentence and ends with `<EOS>`; a line longer
 * than 1 MB is split at whitespace without ending the sentence.
 */
import { WordloomError } from '../errors.js';
import { readByteChunks } from './byte-chunks.js';
import { brownTokenizer, isBrownFile } from './brown.js';
import { listCorpusFiles } from './corpus-files.js';
import { scanCorpus, warnInvalid, type ByteTypeWords, type CorpusOptions, type ScanProgress } from './corpus-scan.js';
import { readLineSegments } from './line-reader.js';
import { normalizeText } from './normalize.js';
import { Vocabulary, type VocabularyOptions } from './vocabulary.js';

export type { CorpusOptions } from './corpus-scan.js';
export { corpusSize, type CorpusFormat } from './corpus-files.js';
export { defaultCorpusPath } from './brown.js';

export interface BuildProgress extends ScanProgress {
  tokens: number;
}

export interface BuildVocabularyOptions extends CorpusOptions, VocabularyOptions {
  onProgress?: (progress: BuildProgress) => void;
}

/** Counts every token of the corpus and builds a pruned, frequency-sorted Vocabulary. */
export async function buildVocabulary(path: string, options: BuildVocabularyOptions = {}): Promise<Vocabulary> {
  // one hash lookup per token: ids into a counts array, rather than get + set on a Map of counts
  const stringIds = new Map<string, number>();
  const stringCounts: number[] = [];
  const states = new Set<ByteTypeWords>();
  let lines = 0;
  let stringTokens = 0;
  let lineHasTokens = false;
  const onProgress = options.onProgress;
  for await (const batch of scanCorpus(path, {
    ...options,
    onProgress: onProgress ? (p) => onProgress({ ...p, tokens: countTokens(states) + stringTokens }) : undefined,
  })) {
    if (batch.kind === 'types') {
      states.add(batch.state);
    } else {
      for (const token of batch.tokens) {
        const id = stringIds.get(token);
        if (id === undefined) {
          stringIds.set(detached(token), stringCounts.length);
          stringCounts.push(1);
        } else {
          stringCounts[id]!++;
        }
      }
      stringTokens += batch.tokens.length;
      // a long line arrives in pieces: it is one sentence if any piece had tokens
      lineHasTokens ||= batch.tokens.length > 0;
      if (batch.lineEnd) {
        if (lineHasTokens) lines++;
        lineHasTokens = false;
      }
    }
  }
  for (const state of states) lines += state.scanner.lineEnds;
  return Vocabulary.fromCounts(entriesInOrder(states, stringIds, stringCounts, lines), options);
}

/**
 * A copy of the string that does not point into the line it was cut from. V8 represents a
 * substring of 13+ characters as a view of its parent, so keeping a token would keep its whole
 * line (up to 1 MB) alive, and memory would grow with the corpus instead of the vocabulary.
 */
function detached(token: string): string {
  return token.length < 13 ? token : Buffer.from(token, 'utf8').toString('utf8');
}

/** Tokens counted so far on the byte path. */
function countTokens(states: Set<ByteTypeWords>): number {
  let sum = 0;
  for (const state of states) sum += state.scanner.tokens;
  return sum;
}

/**
 * Byte types are merged into words here (lowercasing, NFC and tag stripping can map several byte
 * strings to one word), keeping first-appearance order: type ids are assigned in that order.
 */
function* entriesInOrder(
  states: Set<ByteTypeWords>,
  stringIds: Map<string, number>,
  stringCounts: number[],
  lines: number,
): Generator<[string, number]> {
  yield ['<EOS>', lines];
  for (const state of states) {
    const { counts } = state.scanner;
    const size = state.scanner.table.size;
    for (let t = 0; t < size; t++) {
      const word = state.words[t];
      if (word !== null && word !== undefined && counts[t]! > 0) yield [word, counts[t]!];
    }
  }
  for (const [word, id] of stringIds) yield [word, stringCounts[id]!];
}

export interface EncodeOptions extends CorpusOptions {
  /** Ids per yielded chunk (the last one may be shorter). Default 65536. */
  chunkTokens?: number;
  /** Words not in the vocabulary: 'unk' (default) emits `<UNK>` (1), 'skip' drops them. */
  unknown?: 'skip' | 'unk';
  /** Emit `<EOS>` (3) after each non-empty line. Default true. */
  eos?: boolean;
  onProgress?: (progress: ScanProgress) => void;
}

const SKIP = -1;

/**
 * The corpus as vocabulary ids, in Int32Array chunks the caller owns (each chunk is fresh).
 * Uses the same tokenization options as buildVocabulary must have used.
 */
export async function* encodeCorpus(path: string, vocab: Vocabulary, options: EncodeOptions = {}): AsyncGenerator<Int32Array> {
  const { chunkTokens = 1 << 16, unknown = 'unk', eos = true } = options;
  if (!Number.isInteger(chunkTokens) || chunkTokens < 1) {
    throw new WordloomError('EOPTION', `option chunkTokens must be a positive integer, got ${chunkTokens}`);
  }
  const skipUnknown = unknown === 'skip';
  const eosId = eos ? Vocabulary.EOS : SKIP;
  const valueOf = (word: string | null): number => {
    if (word === null) return SKIP;
    const id = vocab.id(word);
    return id === Vocabulary.UNK && skipUnknown ? SKIP : id;
  };
  let out = new Int32Array(chunkTokens);
  let k = 0;
  let lineHasTokens = false;
  for await (const batch of scanCorpus(path, { ...options, encoding: { valueOf, lineEndValue: eosId } })) {
    if (batch.kind === 'types') {
      // the scanner emitted final ids: copy them into output chunks
      const ids = batch.state.scanner.ids;
      const count = batch.count;
      let j = 0;
      while (j < count) {
        const take = Math.min(count - j, chunkTokens - k);
        out.set(ids.subarray(j, j + take), k);
        j += take;
        k += take;
        if (k === chunkTokens) {
          yield out;
          out = new Int32Array(chunkTokens);
          k = 0;
        }
      }
    } else {
      const { tokens, lineEnd } = batch;
      lineHasTokens ||= tokens.length > 0;
      const ids: number[] = [];
      for (const token of tokens) {
        const id = vocab.id(token);
        if (id !== Vocabulary.UNK || !skipUnknown) ids.push(id);
      }
      if (lineEnd && lineHasTokens) {
        if (eos) ids.push(Vocabulary.EOS);
        lineHasTokens = false;
      }
      for (const id of ids) {
        out[k++] = id;
        if (k === chunkTokens) {
          yield out;
          out = new Int32Array(chunkTokens);
          k = 0;
        }
      }
    }
  }
  if (k > 0) yield out.subarray(0, k);
}

/**
 * The corpus as text lines (NFC and lowercase applied as requested, Brown tags stripped, blank
 * lines skipped). A line longer than 1 MB arrives in pieces cut at whitespace.
 */
export async function* readCorpusLines(path: string, options: CorpusOptions = {}): AsyncGenerator<string> {
  const files = await listCorpusFiles(path, options.format ?? 'auto');
  const inDirectory = files.length > 1 || files[0]!.path !== path;
  const brownTokens = brownTokenizer(options);
  let any = false;
  for (const file of files) {
    try {
      let brown: boolean | undefined;
      const chunks = readByteChunks(file);
      const sniffed = (async function* () {
        for await (const chunk of chunks) {
          brown ??= isBrownFile(file, chunk);
          yield chunk;
        }
      })();
      for await (const { text } of readLineSegments(sniffed, (n) => warnInvalid(options, file, n))) {
        const line = brown ? brownTokens(text).join(' ') : normalizeText(text, options);
        if (line.trim().length === 0) continue;
        any = true;
        yield line;
      }
    } catch (err) {
      if (inDirectory && err instanceof WordloomError && err.code === 'EEMPTY') {
        options.onWarning?.(`${file.path}: empty file, skipped`);
        continue;
      }
      throw err;
    }
  }
  if (!any) throw new WordloomError('EEMPTY', `${path}: no text lines found`);
}
