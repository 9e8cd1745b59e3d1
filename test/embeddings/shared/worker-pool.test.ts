import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool, type WorkerMessage } from '../../../src/embeddings/shared/worker-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'wordloom-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `import { parentPort, workerData } from 'node:worker_threads';\n${body}\n`);
  return path;
}

describe('WorkerPool', () => {
  it('runs one task per worker, passing events through and collecting the done messages', async () => {
    const path = script(
      'square.mjs',
      `parentPort.on('message', (t) => {
         parentPort.postMessage({ type: 'stats', n: t.n });
         parentPort.postMessage({ type: 'done', result: t.n * t.n + workerData.offset });
       });
       parentPort.postMessage({ type: 'ready' });`,
    );
    const pool = await WorkerPool.start(path, 3, (i) => ({ offset: i * 100 }));
    try {
      const events: [number, WorkerMessage][] = [];
      const done = await pool.run([{ n: 2 }, { n: 3 }, { n: 4 }], (i, m) => events.push([i, m]));
      expect(done.map((m) => m.result)).toEqual([4, 109, 216]);
      expect(events.map(([i, m]) => [i, m.n]).sort()).toEqual([[0, 2], [1, 3], [2, 4]]);
    } finally {
      await pool.terminate();
    }
  });

  it('fails instead of hanging when a worker cannot start or a task throws', async () => {
    const broken = script('broken.mjs', `parentPort.postMessage({ type: 'error', message: 'no kernel' });`);
    await expect(WorkerPool.start(broken, 2, () => null)).rejects.toThrow(/worker [01] failed to start: no kernel/);
    const throwing = script(
      'throwing.mjs',
      `parentPort.on('message', () => { throw new Error('bad task'); });
       parentPort.postMessage({ type: 'ready' });`,
    );
    const pool = await WorkerPool.start(throwing, 1, () => null);
    try {
      await expect(pool.run([{}], () => undefined)).rejects.toThrow('bad task');
    } finally {
      await pool.terminate();
    }
  });
});
