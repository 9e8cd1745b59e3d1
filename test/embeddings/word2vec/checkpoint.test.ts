import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../../src/embeddings/shared/checkpoint.js';
import { loadWord2VecCheckpoint, saveWord2VecCheckpoint } from '../../../src/embeddings/word2vec/checkpoint.js';
import type { ModelMemory } from '../../../src/embeddings/word2vec/kernel/index.js';
import { resolveWord2VecOptions } from '../../../src/embeddings/word2vec/options.js';
import { Vocabulary } from '../../../src/text/vocabulary.js';
import { useTempFolder } from '../../helpers/temp-folder.js';

const tmp = useTempFolder('wordloom-vectors-');

/** A checkpoint of 6 words, dim 2, 1 thread, negative sampling. */
async function goodCheckpoint(): Promise<Buffer> {
  const options = resolveWord2VecOptions({ dim: 2, minCount: 1, threads: 1, checkpoint: 'x' });
  const vocabulary = Vocabulary.fromCounts([['a', 3], ['b', 2]]);
  const weights = () => new Float32Array(vocabulary.size * 2).fill(0.5);
  const model = { syn0: weights(), syn1neg: weights(), syn1: null } as unknown as ModelMemory;
  await saveWord2VecCheckpoint(tmp.path('good.ckpt'), {
    options, corpus: 'c.txt', corpusIds: 10, vocabulary, model,
    progress: { epoch: 1, remaining: [[2, 10]], wordsDone: 12 },
    randomStates: [{ kernel: [1, 2, 3], subsampling: 7 }],
  });
  return readFileSync(tmp.path('good.ckpt'));
}

/** The checkpoint with its JSON header edited (the length field kept right). */
function edited(good: Buffer, edit: (header: Record<string, any>) => void, tail = Buffer.alloc(0)): string {
  const length = good.readUInt32LE(8);
  const header = JSON.parse(good.toString('utf8', 12, 12 + length));
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.from(good.subarray(0, 12));
  prefix.writeUInt32LE(json.length, 8);
  const path = tmp.path(`edited-${Math.random().toString(36).slice(2)}.ckpt`);
  writeFileSync(path, Buffer.concat([prefix, json, good.subarray(12 + length), tail]));
  return path;
}

describe('word2vec checkpoints that are damaged', () => {
  it('load when whole', async () => {
    await goodCheckpoint();
    const c = await loadWord2VecCheckpoint(tmp.path('good.ckpt'));
    expect(c.vocabulary.size).toBe(6);
    expect(c.progress).toEqual({ epoch: 1, remaining: [[2, 10]], wordsDone: 12 });
  });

  it('are refused with one line naming what is wrong, never a TypeError or RangeError', async () => {
    const good = await goodCheckpoint();
    const damaged = (what: string) => `checkpoint is damaged (${what}); delete it and train again`;
    const cases: [string, string][] = [
      [edited(good, (h) => delete h.vocabulary), damaged('vocabulary')],
      [edited(good, (h) => (h.vocabulary.counts = ['x'])), damaged('vocabulary')],
      [edited(good, (h) => (h.options = null)), damaged('options')],
      [edited(good, (h) => (h.options.dim = 3)), damaged('weights syn0 are missing or not 6 x 3')],
      [edited(good, (h) => (h.options.window = -1)), damaged('option --window must be an integer between 1 and 1000, got -1')],
      [edited(good, (h) => (h.progress.epoch = 99)), damaged('progress epoch')],
      [edited(good, (h) => (h.progress.remaining = [[5, 1e9]])), damaged('progress ranges')],
      [edited(good, (h) => (h.randomStates = [{ kernel: 'x', subsampling: 1 }])), damaged('random states')],
      [edited(good, (h) => (h.arrays[0].length = -4)), 'checkpoint is damaged or truncated (an array entry is not a name, a type f32 or i32 and a length)'],
      [edited(good, (h) => (h.arrays[0].length = 1e12)), 'checkpoint is damaged or truncated (array syn0 needs 4000000000000 bytes, 96 are left)'],
      [edited(good, (h) => (h.arrays = {})), 'checkpoint is damaged or truncated (its header is not an object with a list of arrays)'],
      [edited(good, () => undefined, Buffer.from('junk')), 'checkpoint is damaged or truncated (4 bytes after its arrays)'],
    ];
    for (const [path, message] of cases) {
      await expect(loadWord2VecCheckpoint(path), message).rejects.toThrow(`${path}: ${message}`);
    }
  });

  it('a directory or a missing file', async () => {
    mkdirSync(tmp.path('dir.ckpt'));
    await expect(loadCheckpoint(tmp.path('dir.ckpt'))).rejects.toThrow(`${tmp.path('dir.ckpt')}: is a directory, expected a checkpoint file`);
    await expect(loadCheckpoint(tmp.path('none.ckpt'))).rejects.toThrow(`no checkpoint at ${tmp.path('none.ckpt')} (nothing to resume)`);
  });
});
