/**
 * An open-addressing hash table from byte strings to dense ids (0, 1, 2, ... in insertion order).
 * Keys live in one growing byte arena, so looking up a token costs a hash compare and a short
 * byte compare, and no JS string is ever created for a token that was seen before. Each slot holds
 * [hash, id] side by side, so a probe touches one cache line.
 */
const EMPTY = -1;

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * The last (up to) 4 bytes of a key packed into an int, computed inline by the scanner alongside
 * the hash: equal length and tail settle keys of up to 4 bytes (most tokens) without a byte loop,
 * and leave only the first length - 4 bytes to compare for longer ones.
 */
function packTail(bytes: Uint8Array, start: number, end: number): number {
  let p = 0;
  for (let i = Math.max(start, end - 4); i < end; i++) p = (p << 8) | bytes[i]!;
  return p;
}

/** FNV-1a over bytes[start, end); the scanner computes the same hash inline. */
export function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h;
}

export const EMPTY_SLOT = EMPTY;

/**
 * The arrays are public because ByteTokenScanner inlines the probe of idOf() in its hot loop
 * (measured ~20% faster than the call); they are replaced when the table grows, so a reader must
 * reload them after any insert.
 */
export class ByteTypeTable {
  /** slots[2s] = hash, slots[2s + 1] = id or EMPTY_SLOT; s = hash & mask, linear probing. */
  slots: Int32Array;
  mask: number;
  /** Key t is arena[starts[t], starts[t] + lengths[t]); tails[t] = packTail(key). */
  starts = new Int32Array(1024);
  lengths = new Int32Array(1024);
  tails = new Int32Array(1024);
  arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  size = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = new Int32Array(initialSlots * 2).fill(EMPTY);
    this.mask = initialSlots - 1;
  }

  /** Id of the key, adding it when absent (a new id equals the old size); `hash` must be fnv1a of the key. */
  idOf(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const length = end - start;
    let s = hash & mask;
    for (;;) {
      const t = slots[2 * s + 1]!;
      if (t === EMPTY) return this.insert(bytes, start, end, hash);
      if (slots[2 * s] === hash && this.lengths[t] === length) {
        const arena = this.arena;
        const at = this.starts[t]! - start;
        let k = start;
        while (k < end && arena[at + k] === bytes[k]) k++;
        if (k === end) return t;
      }
      s = (s + 1) & mask;
    }
  }

  /** Adds a key known to be absent and returns its id. */
  private insert(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const t = this.size;
    if (t >= this.starts.length) this.growTypes();
    if ((t + 1) * 4 > this.slots.length) this.rehash(this.slots.length);
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) this.growArena(this.arenaUsed + length);
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.starts[t] = this.arenaUsed;
    this.lengths[t] = length;
    this.tails[t] = packTail(bytes, start, end);
    this.arenaUsed += length;
    this.place(this.slots, this.mask, hash, t);
    this.size = t + 1;
    return t;
  }

  /** The key bytes of id t (a view into the arena: copy before the table grows). */
  keyBytes(t: number): Uint8Array {
    const start = this.starts[t]!;
    return this.arena.subarray(start, start + this.lengths[t]!);
  }

  private place(slots: Int32Array, mask: number, hash: number, t: number): void {
    let s = hash & mask;
    while (slots[2 * s + 1] !== EMPTY) s = (s + 1) & mask;
    slots[2 * s] = hash;
    slots[2 * s + 1] = t;
  }

  private growTypes(): void {
    const starts = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const lengths = new Int32Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const tails = new Int32Array(this.tails.length * 2);
    tails.set(this.tails);
    this.tails = tails;
  }

  private growArena(needed: number): void {
    let length = this.arena.length * 2;
    while (length < needed) length *= 2;
    const arena = new Uint8Array(length);
    arena.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = arena;
  }

  /** Doubles the slot count (load stays at most 1/2), re-placing every key by its stored hash. */
  private rehash(slotCount: number): void {
    const old = this.slots;
    const slots = new Int32Array(slotCount * 2).fill(EMPTY);
    const mask = slotCount - 1;
    for (let s = 0; s < old.length; s += 2) {
      const t = old[s + 1]!;
      if (t !== EMPTY) this.place(slots, mask, old[s]!, t);
    }
    this.slots = slots;
    this.mask = mask;
  }
}
