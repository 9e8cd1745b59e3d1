import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/util/collect-garbage.js';

function unreachableMap(): WeakRef<Map<string, number>> {
  const garbage = new Map<string, number>();
  for (let i = 0; i < 300_000; i++) garbage.set(`word${i}`, i);
  return new WeakRef(garbage);
}

describe('collectGarbage', () => {
  it('runs a full collection that frees unreachable objects', async () => {
    const ref = unreachableMap();
    await new Promise((resolve) => setTimeout(resolve, 0)); // a WeakRef keeps its target until the job ends
    expect(collectGarbage()).toBe(true);
    expect(ref.deref()).toBeUndefined();
  });
});
