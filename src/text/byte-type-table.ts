/**
 * An open-addressing hash table from byte strings to dense ids (0, 1, 2, ... in insertion order).
 * Keys live in one growing byte arena, so looking up a token costs a hash compare and a short
 * byte compare, and no JS string is ever created for a token that was seen before.
 */
const EMPTY = -1;

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes[start, end); the scanner computes the same hash inline. */
export function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h;
}

export class ByteTypeTable {
  private slots: Int32Array;
  private mask: number;
  private hashes = new Int32Array(1024);
  /** Key t occupies arena[starts[t], starts[t + 1]). */
  private starts = new Int32Array(1025);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  size = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = new Int32Array(initialSlots).fill(EMPTY);
    this.mask = initialSlots - 1;
  }

  /** Id of the key, or -1 when absent; `hash` must be fnv1a of the key. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const { slots, mask, hashes, starts, arena } = this;
    const length = end - start;
    let s = hash & mask;
    for (;;) {
      const t = slots[s]!;
      if (t === EMPTY) return -1;
      if (hashes[t] === hash) {
        const at = starts[t]!;
        if (starts[t + 1]! - at === length) {
          let k = 0;
          while (k < length && arena[at + k] === bytes[start + k]) k++;
          if (k === length) return t;
        }
      }
      s = (s + 1) & mask;
    }
  }

  /** Adds a key known to be absent and returns its id. */
  insert(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const t = this.size;
    if (t + 1 >= this.hashes.length) this.growTypes();
    if ((t + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) this.growArena(this.arenaUsed + length);
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.hashes[t] = hash;
    this.starts[t] = this.arenaUsed;
    this.arenaUsed += length;
    this.starts[t + 1] = this.arenaUsed;
    let s = hash & this.mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & this.mask;
    this.slots[s] = t;
    this.size = t + 1;
    return t;
  }

  /** The key bytes of id t (a view into the arena: copy before the table grows). */
  keyBytes(t: number): Uint8Array {
    return this.arena.subarray(this.starts[t]!, this.starts[t + 1]!);
  }

  private growTypes(): void {
    const hashes = new Int32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const starts = new Int32Array(hashes.length + 1);
    starts.set(this.starts);
    this.starts = starts;
  }

  private growArena(needed: number): void {
    let length = this.arena.length * 2;
    while (length < needed) length *= 2;
    const arena = new Uint8Array(length);
    arena.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = arena;
  }

  private rehash(slotCount: number): void {
    const slots = new Int32Array(slotCount).fill(EMPTY);
    const mask = slotCount - 1;
    for (let t = 0; t < this.size; t++) {
      let s = this.hashes[t]! & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = t;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
