/**
 * The search module on planted objectives, with a fake clock (each trial costs what the test says),
 * so the trials are deterministic: it finds a planted learning rate (log scale), narrows around
 * the best in the fine phase, records diverged and budget-stopped trials, keeps only the best result.
 */
import { describe, expect, it } from 'vitest';
import { randomSearch, type SearchParameter } from '../../../src/seq/tune/index.js';
import { WordloomError } from '../../../src/errors.js';

const space: SearchParameter[] = [
  { name: 'lr', kind: 'log', min: 1e-4, max: 1 },
  { name: 'dropout', kind: 'linear', min: 0, max: 0.6 },
  { name: 'units', kind: 'integer', min: 16, max: 512, log: true },
];

/** A clock the trials advance. */
function fakeClock(): { now: () => number; spend: (seconds: number) => void } {
  let t = 0;
  return { now: () => t, spend: (s) => (t += s * 1000) };
}

describe('randomSearch', () => {
  it('finds a planted learning rate within 10%, coarse first and then fine', async () => {
    const clock = fakeClock();
    const planted = 0.0037;
    const disposed: number[] = [];
    const search = await randomSearch({
      space,
      initial: { lr: 0.1, dropout: 0, units: 128 },
      budgetSeconds: 80,
      seed: 3,
      now: clock.now,
      run: async (params) => {
        clock.spend(1);
        const lr = params['lr'] as number;
        // Accuracy peaks at the planted rate and falls off with the log-distance; dropout and units barely matter.
        const score = 0.9 - 0.2 * Math.abs(Math.log(lr / planted)) - 0.001 * (params['dropout'] as number);
        return { score, result: score };
      },
      dispose: (r) => disposed.push(r),
    });
    expect(search.trials).toHaveLength(80);
    expect(search.trials[0]!.params).toEqual({ lr: 0.1, dropout: 0, units: 128 });
    expect(search.trials.slice(0, 40).every((t) => t.phase === 'coarse')).toBe(true);
    expect(search.trials.slice(41).every((t) => t.phase === 'fine')).toBe(true);
    const best = search.best.params['lr'] as number;
    expect(Math.abs(Math.log(best / planted))).toBeLessThan(0.1);
    expect(search.result).toBe(search.best.score);
    // Every result but the kept one was released, once.
    expect(disposed).toHaveLength(79);
    expect(disposed).not.toContain(search.result);
    // Fine trials stay near the best of their time: all within a factor of e^(0.25 x ln(1e4)) of the planted rate.
    for (const t of search.trials.slice(41)) expect(Math.abs(Math.log((t.params['lr'] as number) / planted))).toBeLessThan(0.25 * Math.log(1e4) + 0.5);
    for (const t of search.trials) {
      expect(Number.isInteger(t.params['units'])).toBe(true);
      expect(t.params['units']).toBeGreaterThanOrEqual(16);
      expect(t.params['units']).toBeLessThanOrEqual(512);
    }
  });

  it('records diverged trials, stops the one the budget ends, and is the same for the same seed', async () => {
    const runOnce = async () => {
      const clock = fakeClock();
      return randomSearch({
        space,
        initial: { lr: 0.5 },
        budgetSeconds: 20,
        seed: 9,
        now: clock.now,
        run: async (params, signal) => {
          const lr = params['lr'] as number;
          if (lr > 0.05) {
            clock.spend(0.5);
            throw new WordloomError('EDIVERGED', `training diverged; lower --lr (currently ${lr})`);
          }
          clock.spend(3);
          if (clock.now() > 20_000) {
            // As a trainer does when its signal fires (the real timer cannot fire under a fake clock).
            expect(signal).toBeInstanceOf(AbortSignal);
            throw new WordloomError('EINTERRUPTED', 'training interrupted');
          }
          return { score: -lr, result: lr };
        },
      });
    };
    const a = await runOnce();
    expect(a.trials[0]!.status).toBe('diverged');
    expect(a.trials[0]!.params['lr']).toBe(0.5);
    expect(a.trials.some((t) => t.status === 'ok')).toBe(true);
    expect(a.trials[a.trials.length - 1]!.status).toBe('stopped');
    expect(a.best.status).toBe('ok');
    expect(a.trials.filter((t) => t.best).pop()).toBe(a.best);
    const b = await runOnce();
    expect(b.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
  });

  it('fails with a clear message when no trial finishes', async () => {
    const clock = fakeClock();
    await expect(
      randomSearch({
        space,
        initial: {},
        budgetSeconds: 2,
        now: clock.now,
        run: async () => {
          clock.spend(1);
          throw new WordloomError('EDIVERGED', 'diverged');
        },
      }),
    ).rejects.toThrow(/autotune: no trial finished within the budget of 2 s \(2 trial\(s\); last: diverged\)/);
  });
});
