/**
 * One pass over a corpus, shared by vocabulary building and encoding. Whitespace-tokenized and
 * Brown files go through the byte path (ByteTokenScanner: type ids, a string only per new type,
 * counts kept by the scanner, final ids emitted when encoding); other tokenizers go through the
 * string path (decoded lines, tokenizer per line), whose batches are token arrays.
 */
import { WordloomError } from '../errors.js';
import { isBrownFile } from './brown.js';
import { readByteChunks } from './byte-chunks.js';
import { DEFAULT_MAX_TOKEN_BYTES } from './byte-token-scanner.js';
import { ByteTypeWords, type ByteEncoding } from './byte-type-words.js';
import { listCorpusFiles, type CorpusFile, type CorpusFormat } from './corpus-files.js';
import { readLineSegments } from './line-reader.js';
import { createTokenizer, type TokenizerName } from './tokenizer.js';

export { ByteTypeWords, type ByteEncoding };

export interface CorpusOptions {
  /** 'whitespace' (default; fast byte path), 'english' (Treebank-style) or 'characters'. Brown files are pre-tokenized and always split at whitespace. */
  tokenizer?: TokenizerName;
  /** Lowercase tokens (after NFC). Default false. */
  lowercase?: boolean;
  /** Unicode NFC normalisation of tokens. Default true. */
  nfc?: boolean;
  /** 'auto' (default) detects Brown `word/tag` files; 'text' never strips tags; 'brown' always does. */
  format?: CorpusFormat;
  /** Problems that do not stop the read (invalid UTF-8 replaced, empty files skipped, tokens cut). */
  onWarning?: (message: string) => void;
}

export interface ScanProgress {
  /** On-disk bytes consumed so far (compressed bytes for .gz). */
  bytesRead: number;
  totalBytes: number;
}

export type ScanBatch =
  /** Byte path: `count` final ids in `state.scanner.ids` when encoding, else count is 0. */
  | { kind: 'types'; state: ByteTypeWords; count: number }
  /** String path: the tokens of one line segment. */
  | { kind: 'tokens'; tokens: string[]; lineEnd: boolean };

export interface ScanOptions extends CorpusOptions {
  onProgress?: (progress: ScanProgress) => void;
  /** Byte path: emit ids (encoding); without it the scan only counts. */
  encoding?: ByteEncoding;
}

/** Yields the corpus as batches; throws WordloomError on unusable input. */
export async function* scanCorpus(path: string, options: ScanOptions = {}): AsyncGenerator<ScanBatch> {
  const files = await listCorpusFiles(path, options.format ?? 'auto');
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const inDirectory = files.length > 1 || files[0]!.path !== path;
  const tokenizerName = options.tokenizer ?? 'whitespace';
  const tokenizer = createTokenizer({ ...options, tokenizer: tokenizerName });
  const states = new Map<boolean, ByteTypeWords>();
  const stateFor = (brown: boolean): ByteTypeWords => {
    let state = states.get(brown);
    if (!state) {
      state = new ByteTypeWords(brown, options, options.encoding);
      states.set(brown, state);
    }
    return state;
  };
  let bytesRead = 0;
  const onDiskBytes = (delta: number) => {
    bytesRead += delta;
  };
  let reported = -1;
  const progress = () => {
    // the string path yields per line: report only when more of the file has been read
    if (options.onProgress && bytesRead !== reported) {
      reported = bytesRead;
      options.onProgress({ bytesRead, totalBytes });
    }
  };
  let anyTokens = false;
  for (const file of files) {
    try {
      const chunks = readByteChunks(file, { onDiskBytes });
      const first = await chunks.next();
      if (first.done) continue;
      const brown = isBrownFile(file, first.value);
      const rest = prepend(first.value, chunks);
      if (brown || tokenizerName === 'whitespace') {
        const state = stateFor(brown);
        const snapshot = state.damageSnapshot();
        const tokensBefore = state.scanner.tokens;
        for await (const chunk of rest) {
          yield { kind: 'types', state, count: state.scanner.scan(chunk) };
          progress();
        }
        yield { kind: 'types', state, count: state.scanner.finish() };
        if (state.scanner.tokens > tokensBefore) anyTokens = true;
        const invalid = state.invalidBytesSince(snapshot);
        if (invalid > 0) warnInvalid(options, file, invalid);
      } else {
        const segments = readLineSegments(rest, (n) => warnInvalid(options, file, n));
        for await (const { text, lineEnd } of segments) {
          const tokens = tokenizer(text);
          if (tokens.length > 0) anyTokens = true;
          yield { kind: 'tokens', tokens, lineEnd };
          progress();
        }
      }
    } catch (err) {
      if (inDirectory && err instanceof WordloomError && err.code === 'EEMPTY') {
        options.onWarning?.(`${file.path}: empty file, skipped`);
        continue;
      }
      throw err;
    }
  }
  const truncated = [...states.values()].reduce((s, st) => s + st.scanner.truncatedTokens, 0);
  if (truncated > 0) options.onWarning?.(`${path}: ${truncated} tokens longer than ${DEFAULT_MAX_TOKEN_BYTES} bytes were cut`);
  if (!anyTokens) {
    throw new WordloomError('EEMPTY', `${path}: no tokens found (${files.length === 1 ? 'only whitespace' : `${files.length} files`})`);
  }
}

export function warnInvalid(options: CorpusOptions, file: CorpusFile, count: number): void {
  options.onWarning?.(`${file.path}: replaced ${count} invalid UTF-8 byte${count === 1 ? '' : 's'} with U+FFFD`);
}

async function* prepend<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
