/**
 * The fast path for whitespace-separated corpora: scans raw byte chunks, splits on ASCII
 * whitespace and maps each token to a dense byte-type id through a ByteTypeTable, counting
 * occurrences as it goes. A JS string is never made here; the owner decodes a type once, when
 * `onNewType` reports it. Splitting on ASCII bytes is safe for UTF-8 because no byte of a
 * multi-byte sequence is below 0x80.
 */
import { ByteTypeTable, EMPTY_SLOT, FNV_OFFSET, FNV_PRIME, fnv1a } from './byte-type-table.js';

/** Marks the end of a line that had at least one token (an `<EOS>` for the caller). */
export const LINE_END = -1;

const TOKEN_BYTE = 0;
const SPACE = 1;
const NEWLINE = 2;
const BYTE_CLASS = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0b, 0x0c, 0x0d]) BYTE_CLASS[b] = SPACE;
BYTE_CLASS[0x0a] = NEWLINE;

/** Tokens longer than this are cut (at a UTF-8 boundary): a corpus word is never this long. */
export const DEFAULT_MAX_TOKEN_BYTES = 1024;

export interface ByteTokenScannerOptions {
  /** Fill `ids` with type ids and LINE_END markers (encoding); counting alone needs no ids. */
  emitIds?: boolean;
  maxTokenBytes?: number;
}

export class ByteTokenScanner {
  readonly table = new ByteTypeTable();
  /** Occurrences of each type id so far. */
  counts = new Float64Array(1024);
  /** Tokens scanned so far. */
  tokens = 0;
  /** Lines that had at least one token, so far. */
  lineEnds = 0;
  /**
   * With emitIds, what scan() emits per token: `valueMap[type]` (negative: emit nothing) when set,
   * else the type id. The owner keeps it covering every type, growing it from onNewType. Set by
   * an encoder so the ids come out final, without a second pass.
   */
  valueMap: Int32Array | null = null;
  /** With valueMap: emitted at each line end (negative: nothing). Without: LINE_END is emitted. */
  lineEndValue = LINE_END;
  /** With emitIds: the values of the last scan(), valid until the next call. */
  ids = new Int32Array(0);
  /** Tokens cut to maxTokenBytes so far. */
  truncatedTokens = 0;

  private readonly emitIds: boolean;
  private readonly maxTokenBytes: number;
  private pending = new Uint8Array(256);
  private pendingLength = 0;
  private inToken = false;
  private lineHasToken = false;

  constructor(
    private readonly onNewType: (type: number) => void,
    { emitIds = true, maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES }: ByteTokenScannerOptions = {},
  ) {
    this.emitIds = emitIds;
    this.maxTokenBytes = maxTokenBytes;
  }

  /** Scans a chunk; returns how many entries of `ids` it filled (0 without emitIds). */
  scan(chunk: Uint8Array): number {
    const n = chunk.length;
    const emit = this.emitIds;
    if (emit && this.ids.length < n + 2) this.ids = new Int32Array(n + 2);
    const ids = this.ids;
    let k = 0;
    let i = 0;
    let lineHas = this.lineHasToken;
    if (this.inToken) {
      while (i < n && BYTE_CLASS[chunk[i]!] === TOKEN_BYTE) i++;
      this.appendPending(chunk, 0, i);
      if (i === n) return 0;
      k = this.emitToken(this.typeOfPending(), k);
      lineHas = true;
    }
    // Tokens before the chunk's last separator end inside the chunk, so the token loop below
    // needs no bounds check; the bytes after it are carried into the next chunk.
    let last = n - 1;
    while (last >= i && BYTE_CLASS[chunk[last]!] === TOKEN_BYTE) last--;
    const table = this.table;
    const maxTokenBytes = this.maxTokenBytes;
    let counts = this.counts;
    let lineEnds = 0;
    let tokens = 0;
    let known = table.size;
    let { slots, mask, lengths, starts, tails, arena } = table;
    let map = this.valueMap;
    while (i <= last) {
      let b = chunk[i]!;
      if (BYTE_CLASS[b] !== TOKEN_BYTE) {
        if (b === 0x0a && lineHas) {
          if (emit) k = this.emitLineEnd(k);
          lineEnds++;
          lineHas = false;
        }
        i++;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      let tail = 0;
      do {
        h = Math.imul(h ^ b, FNV_PRIME);
        tail = (tail << 8) | b;
        b = chunk[++i]!;
      } while (BYTE_CLASS[b] === TOKEN_BYTE);
      let t: number;
      if (i - start <= maxTokenBytes) {
        // ByteTypeTable.idOf inlined: find the key, or let idOf insert it and reload the arrays
        const length = i - start;
        let s = h & mask;
        for (;;) {
          t = slots[2 * s + 1]!;
          if (t === EMPTY_SLOT) {
            t = table.idOf(chunk, start, i, h);
            ({ slots, mask, lengths, starts, tails, arena } = table);
            break;
          }
          if (slots[2 * s] === h && lengths[t] === length && tails[t] === tail) {
            if (length <= 4) break;
            const offset = starts[t]! - start;
            const headEnd = i - 4;
            let q = start;
            while (q < headEnd && arena[offset + q] === chunk[q]) q++;
            if (q === headEnd) break;
          }
          s = (s + 1) & mask;
        }
        if (t >= known) {
          this.noteNewType(t);
          known = t + 1;
          counts = this.counts;
          map = this.valueMap;
        }
      } else {
        t = this.typeOfLongToken(chunk, start, i);
        known = table.size;
        counts = this.counts;
        map = this.valueMap;
        ({ slots, mask, lengths, starts, tails, arena } = table);
      }
      counts[t]!++;
      tokens++;
      if (emit) {
        const v = map === null ? t : map[t]!;
        if (v >= 0) ids[k++] = v;
      }
      // the separator that ended the token (at most `last`) is consumed here, saving a re-read
      if (b === 0x0a) {
        if (emit) k = this.emitLineEnd(k);
        lineEnds++;
        lineHas = false;
      } else {
        lineHas = true;
      }
      i++;
    }
    this.lineEnds += lineEnds;
    this.tokens += tokens;
    if (last + 1 < n) {
      this.pendingLength = 0;
      this.appendPending(chunk, last + 1, n);
      this.inToken = true;
    }
    this.lineHasToken = lineHas;
    return k;
  }

  /** Ends the current file: flushes a token cut by the end and closes the last line. */
  finish(): number {
    let k = 0;
    if (this.emitIds && this.ids.length < 2) this.ids = new Int32Array(2);
    if (this.inToken) {
      k = this.emitToken(this.typeOfPending(), k);
      this.lineHasToken = true;
    }
    if (this.lineHasToken) {
      if (this.emitIds) k = this.emitLineEnd(k);
      this.lineEnds++;
    }
    this.lineHasToken = false;
    return k;
  }

  private emitToken(t: number, k: number): number {
    if (!this.emitIds) return k;
    const v = this.valueMap === null ? t : this.valueMap[t]!;
    if (v >= 0) this.ids[k++] = v;
    return k;
  }

  private emitLineEnd(k: number): number {
    if (this.valueMap === null) this.ids[k++] = LINE_END;
    else if (this.lineEndValue >= 0) this.ids[k++] = this.lineEndValue;
    return k;
  }

  /** Grows counts to cover a new type (ids are dense and sequential) and reports it. */
  private noteNewType(t: number): void {
    if (t >= this.counts.length) {
      const grown = new Float64Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    this.onNewType(t);
  }

  private appendPending(chunk: Uint8Array, start: number, end: number): void {
    // keep one byte past the limit so typeOfPending knows the token was cut
    const take = Math.min(this.maxTokenBytes + 1 - this.pendingLength, end - start);
    if (take <= 0) return;
    if (this.pendingLength + take > this.pending.length) {
      const grown = new Uint8Array(Math.max(this.pending.length * 2, this.pendingLength + take));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(chunk.subarray(start, start + take), this.pendingLength);
    this.pendingLength += take;
  }

  private typeOfPending(): number {
    this.inToken = false;
    const length = this.pendingLength;
    this.pendingLength = 0;
    const t =
      length > this.maxTokenBytes ? this.typeOfLongToken(this.pending, 0, length) : this.typeOf(this.pending, 0, length);
    this.counts[t]!++;
    this.tokens++;
    return t;
  }

  private typeOfLongToken(bytes: Uint8Array, start: number, end: number): number {
    this.truncatedTokens++;
    let cut = start + this.maxTokenBytes;
    // a cut inside a multi-byte sequence backs off to the sequence's lead byte
    if (cut < end && (bytes[cut]! & 0xc0) === 0x80) {
      while (cut > start && (bytes[cut]! & 0xc0) === 0x80) cut--;
    }
    return this.typeOf(bytes, start, Math.min(cut, end));
  }

  /** Slow-path lookup that also reports a new type. */
  private typeOf(bytes: Uint8Array, start: number, end: number): number {
    const before = this.table.size;
    const t = this.table.idOf(bytes, start, end, fnv1a(bytes, start, end));
    if (t >= before) this.noteNewType(t);
    return t;
  }
}
