/**
 * Counts the bytes of `bytes[start, end)` that are not part of a well-formed UTF-8 sequence:
 * how much of the input was damaged. (TextDecoder puts one U+FFFD per maximal invalid subpart,
 * so a truncated 3-byte sequence is 2 damaged bytes but 1 replacement character.)
 */
export function countInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let invalid = 0;
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(bytes, i, end);
    if (length === 0) {
      invalid++;
      i++;
    } else {
      i += length;
    }
  }
  return invalid;
}

/** Length of the valid sequence starting at i, or 0 when the lead byte starts no valid sequence. */
function sequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i]!;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) need = 1;
  else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    if (b === 0xe0) lo = 0xa0; // overlong
    if (b === 0xed) hi = 0x9f; // surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    if (b === 0xf0) lo = 0x90; // overlong
    if (b === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return 0;
  if (i + need >= end) return 0;
  const second = bytes[i + 1]!;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k <= need; k++) {
    const c = bytes[i + k]!;
    if (c < 0x80 || c > 0xbf) return 0;
  }
  return need + 1;
}

/**
 * Streaming counter for the string path: a sequence cut by a chunk boundary is completed with the
 * next chunk instead of being counted as damage.
 */
export class Utf8DamageCounter {
  private carry = new Uint8Array(0);
  /** The carried bytes (at most 3) followed by the next chunk's first 3, scanned in place of a
   *  joined copy of the whole chunk. */
  private readonly seam = new Uint8Array(6);
  invalidBytes = 0;

  /** Counts the chunk; the last chunk must be followed by finish(). */
  add(chunk: Uint8Array): void {
    const tail = incompleteTailStart(chunk);
    let start = 0;
    if (this.carry.length > 0) {
      if (chunk.length < 8) {
        // A tiny chunk: the sequence may still be incomplete after it, so join and carry again.
        const bytes = new Uint8Array(this.carry.length + chunk.length);
        bytes.set(this.carry, 0);
        bytes.set(chunk, this.carry.length);
        const joinedTail = incompleteTailStart(bytes);
        this.invalidBytes += countInvalidUtf8(bytes, 0, joinedTail);
        this.carry = bytes.slice(joinedTail);
        return;
      }
      // Scan the carried bytes as if joined to the chunk; a sequence that starts in the carry
      // ends at most 3 bytes into the chunk, and the chunk's tail lies beyond that.
      const n = this.carry.length;
      this.seam.set(this.carry, 0);
      this.seam.set(chunk.subarray(0, 3), n);
      let i = 0;
      while (i < n) {
        const length = this.seam[i]! < 0x80 ? 1 : sequenceLength(this.seam, i, n + 3);
        if (length === 0) {
          this.invalidBytes++;
          i++;
        } else i += length;
      }
      start = i - n;
    }
    this.invalidBytes += countInvalidUtf8(chunk, start, tail);
    this.carry = chunk.slice(tail);
  }

  finish(): number {
    this.invalidBytes += countInvalidUtf8(this.carry);
    this.carry = new Uint8Array(0);
    return this.invalidBytes;
  }
}

/** Start of a possibly incomplete multi-byte sequence at the end of the buffer (or its length). */
function incompleteTailStart(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return back < need ? n - back : n;
    }
  }
  return n;
}
