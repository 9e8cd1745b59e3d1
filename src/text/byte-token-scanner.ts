/**
 * The fast path for whitespace-separated corpora: scans raw byte chunks, splits on ASCII
 * whitespace and maps each token to a dense byte-type id through a ByteTypeTable. A JS string is
 * never made here; the owner decodes a type once, when `onNewType` reports it. Splitting on ASCII
 * bytes is safe for UTF-8 because no byte of a multi-byte sequence is below 0x80.
 */
import { ByteTypeTable, FNV_OFFSET, FNV_PRIME, fnv1a } from './byte-type-table.js';

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

export class ByteTokenScanner {
  readonly table = new ByteTypeTable();
  /** Type ids and LINE_END markers of the last scan(), valid until the next call. */
  ids = new Int32Array(1 << 16);
  /** Tokens cut to maxTokenBytes so far. */
  truncatedTokens = 0;

  private pending = new Uint8Array(256);
  private pendingLength = 0;
  private inToken = false;
  private lineHasToken = false;

  constructor(
    private readonly onNewType: (type: number) => void,
    private readonly maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES,
  ) {}

  /** Scans a chunk; returns how many entries of `ids` it filled. */
  scan(chunk: Uint8Array): number {
    const n = chunk.length;
    if (this.ids.length < n + 2) this.ids = new Int32Array(n + 2);
    const ids = this.ids;
    const table = this.table;
    let k = 0;
    let i = 0;
    if (this.inToken) {
      while (i < n && BYTE_CLASS[chunk[i]!] === TOKEN_BYTE) i++;
      this.appendPending(chunk, 0, i);
      if (i === n) return 0;
      ids[k++] = this.typeOfPending();
    }
    let lineHas = this.lineHasToken || k > 0;
    while (i < n) {
      let b = chunk[i]!;
      const cls = BYTE_CLASS[b]!;
      if (cls !== TOKEN_BYTE) {
        if (cls === NEWLINE && lineHas) {
          ids[k++] = LINE_END;
          lineHas = false;
        }
        i++;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      for (;;) {
        h = Math.imul(h ^ b, FNV_PRIME);
        if (++i === n) break;
        b = chunk[i]!;
        if (BYTE_CLASS[b] !== TOKEN_BYTE) break;
      }
      if (i === n) {
        // the token may continue in the next chunk
        this.pendingLength = 0;
        this.appendPending(chunk, start, n);
        this.inToken = true;
        break;
      }
      lineHas = true;
      if (i - start > this.maxTokenBytes) {
        ids[k++] = this.typeOfLongToken(chunk, start, i);
        continue;
      }
      let t = table.find(chunk, start, i, h);
      if (t < 0) t = this.addType(chunk, start, i, h);
      ids[k++] = t;
    }
    this.lineHasToken = lineHas;
    return k;
  }

  /** Ends the current file: flushes a token cut by the end and closes the last line. */
  finish(): number {
    let k = 0;
    if (this.inToken) {
      this.ids[k++] = this.typeOfPending();
      this.lineHasToken = true;
    }
    if (this.lineHasToken) this.ids[k++] = LINE_END;
    this.lineHasToken = false;
    return k;
  }

  private appendPending(chunk: Uint8Array, start: number, end: number): void {
    // keep one byte past the limit so typeOfLongToken knows the token was cut
    const room = this.maxTokenBytes + 1 - this.pendingLength;
    const take = Math.min(room, end - start);
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
    if (length > this.maxTokenBytes) return this.typeOfLongToken(this.pending, 0, length);
    return this.typeOf(this.pending, 0, length);
  }

  private typeOfLongToken(bytes: Uint8Array, start: number, end: number): number {
    this.truncatedTokens++;
    let cut = start + this.maxTokenBytes;
    // back off continuation bytes and then the lead byte of the cut sequence
    if (cut < end && (bytes[cut]! & 0xc0) === 0x80) {
      while (cut > start && (bytes[cut]! & 0xc0) === 0x80) cut--;
    }
    return this.typeOf(bytes, start, Math.min(cut, end));
  }

  private typeOf(bytes: Uint8Array, start: number, end: number): number {
    const h = fnv1a(bytes, start, end);
    const t = this.table.find(bytes, start, end, h);
    return t >= 0 ? t : this.addType(bytes, start, end, h);
  }

  private addType(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const t = this.table.insert(bytes, start, end, hash);
    this.onNewType(t);
    return t;
  }
}
