/**
 * Byte-path state for one corpus format: the scanner with its type table, and each type's word
 * (decoded once, tag-stripped for Brown, NFC/lowercased as asked). Several byte types can map to
 * one word (`The` and `the` when lowercasing); buildVocabulary merges them.
 */
import { stripBrownTag } from './brown.js';
import { ByteTokenScanner } from './byte-token-scanner.js';
import { normalizeText, type NormalizeOptions } from './normalize.js';
import { countInvalidUtf8 } from './utf8.js';

/** How the byte path turns types into output ids while it scans. */
export interface ByteEncoding {
  /** The id to emit for a word (null: nothing left after tag stripping); negative emits nothing. */
  valueOf: (word: string | null) => number;
  /** The id emitted at the end of each non-empty line; negative emits nothing. */
  lineEndValue: number;
}

export class ByteTypeWords {
  readonly scanner: ByteTokenScanner;
  /** Word of each type id after tag stripping and normalisation; null when nothing is left. */
  readonly words: (string | null)[] = [];
  /** Types containing invalid UTF-8, with the number of invalid bytes in each. */
  private readonly damaged: { type: number; invalidBytes: number }[] = [];
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly brown: boolean,
    private readonly options: NormalizeOptions,
    private readonly encoding?: ByteEncoding,
  ) {
    this.scanner = new ByteTokenScanner((t) => this.decode(t), { emitIds: encoding !== undefined });
    if (encoding) {
      this.scanner.valueMap = new Int32Array(1024);
      this.scanner.lineEndValue = encoding.lineEndValue;
    }
  }

  /** Occurrence counts of the damaged types, to diff at the end of a file. */
  damageSnapshot(): number[] {
    return this.damaged.map(({ type }) => this.scanner.counts[type]!);
  }

  /** Invalid bytes read since the snapshot (occurrences times invalid bytes per occurrence). */
  invalidBytesSince(snapshot: number[]): number {
    let sum = 0;
    this.damaged.forEach(({ type, invalidBytes }, i) => {
      sum += (this.scanner.counts[type]! - (snapshot[i] ?? 0)) * invalidBytes;
    });
    return sum;
  }

  private decode(type: number): void {
    const bytes = this.scanner.table.keyBytes(type);
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    let word: string;
    let invalid = 0;
    if (ascii) {
      word = String.fromCharCode.apply(null, bytes as unknown as number[]);
    } else {
      invalid = countInvalidUtf8(bytes);
      word = this.decoder.decode(bytes);
    }
    if (this.brown) word = stripBrownTag(word);
    const normalized = word.length > 0 ? normalizeText(word, this.options) : null;
    this.words[type] = normalized;
    if (invalid > 0) this.damaged.push({ type, invalidBytes: invalid });
    if (this.encoding) {
      let map = this.scanner.valueMap!;
      if (type >= map.length) {
        map = new Int32Array(map.length * 2);
        map.set(this.scanner.valueMap!);
        this.scanner.valueMap = map;
      }
      map[type] = this.encoding.valueOf(normalized);
    }
  }
}
