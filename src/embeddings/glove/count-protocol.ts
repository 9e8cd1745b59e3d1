/**
 * What the counting thread (main) and the counting workers share: a ring of id chunks in one
 * SharedArrayBuffer. The main thread tokenizes and writes chunk c into slot c % RING_SLOTS once
 * every worker has consumed chunk c - RING_SLOTS; every worker reads every chunk, in order.
 */
import type { CountPlan } from './count-plan.js';

export const RING_SLOTS = 32;
/** Ids per slot: the chunks of encodeCorpus. */
export const SLOT_TOKENS = 1 << 16;
/** Control words (Int32) at the start of the buffer. */
export const PRODUCED = 0;
export const DONE = 1;
export const STOP = 2;
export const SHARDS = 3;
/** Chunks consumed by worker t: CONSUMED + t. */
export const CONSUMED = 8;
const CONTROL_WORDS = 64;

export interface CountWorkerData {
  plan: CountPlan;
  threadIndex: number;
  ring: SharedArrayBuffer;
  /** Folder of this run's shards. */
  shardDir: string;
  /** Where this thread writes its partitions' merged records. */
  partPath: string;
}

export interface CountRing {
  control: Int32Array;
  lengths: Int32Array;
  ids: Int32Array;
}

export function allocateRing(): SharedArrayBuffer {
  return new SharedArrayBuffer((CONTROL_WORDS + RING_SLOTS + RING_SLOTS * SLOT_TOKENS) * 4);
}

export function ringViews(buffer: SharedArrayBuffer): CountRing {
  return {
    control: new Int32Array(buffer, 0, CONTROL_WORDS),
    lengths: new Int32Array(buffer, CONTROL_WORDS * 4, RING_SLOTS),
    ids: new Int32Array(buffer, (CONTROL_WORDS + RING_SLOTS) * 4, RING_SLOTS * SLOT_TOKENS),
  };
}
