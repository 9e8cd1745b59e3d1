// Work handed out while a task runs: the task's work is cut into items (slices of batch rows,
// blocks of product rows, panels of columns) that threads take one at a time through an atomic
// counter in the task's parameter block. A thread slowed by another process then holds up one
// item rather than a fixed share of the task. Every element's arithmetic is the same whichever
// thread takes its item and however the items are cut, so results do not depend on threads.

/** About this many items per thread: enough to even out, few enough to keep items large. */
export const ITEMS_PER_THREAD: i32 = 4;

/** How many of `units` (4-row blocks, 8-column panels) go in one item; all of them for one thread. */
export function unitsPerItem(units: i32, threads: i32): i32 {
  if (threads <= 1) return max(units, 1);
  const items = ITEMS_PER_THREAD * threads;
  return max(1, (units + items - 1) / items);
}

/** The index of the next untaken item, or -1 once all `count` items are taken. */
@inline export function takeItem(counter: usize, count: i32): i32 {
  const item = atomic.add<i32>(counter, 1);
  return item < count ? item : -1;
}
