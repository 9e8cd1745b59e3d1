import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKEND_NAMES } from '../../../src/seq/backend/index.js';
import type { WordloomError } from '../../../src/errors.js';

type Module = typeof import('../../../src/seq/backend/index.js');

// selectBackend caches per module instance: each test gets a fresh one (and with it a fresh
// WordloomError class, hence `isWordloomError` from the same graph). tfjs, loaded by Node outside
// vitest's registry, stays one engine per worker.
let isWordloomError: (err: unknown) => err is WordloomError;
async function fresh(): Promise<Module> {
  vi.resetModules();
  ({ isWordloomError } = await import('../../../src/errors.js'));
  return import('../../../src/seq/backend/index.js');
}

function collector(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

const WASM_LINE = /^wordloom: tfjs backend wasm \((no )?SIMD, 1 thread for tfjs's own ops; fused layers on all cores\)$/;
const savedEnv = process.env['WORDLOOM_BACKEND'];

beforeEach(() => {
  delete process.env['WORDLOOM_BACKEND'];
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env['WORDLOOM_BACKEND'];
  else process.env['WORDLOOM_BACKEND'] = savedEnv;
});

async function rejection(p: Promise<unknown>): Promise<WordloomError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isWordloomError(err)).toBe(true);
  return err as WordloomError;
}

describe('selectBackend', () => {
  it('lists the backend names fastest first', () => {
    expect(BACKEND_NAMES).toEqual(['tensorflow', 'wasm', 'cpu']);
  });

  it('defaults to wasm here (tfjs-node is absent), registers its missing kernel and logs once', async () => {
    const { selectBackend } = await fresh();
    const { lines, log } = collector();
    expect(await selectBackend({ log })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(WASM_LINE);
    expect(await selectBackend({ log })).toBe('wasm');
    expect(await selectBackend({ backend: 'wasm', log })).toBe('wasm');
    expect(lines).toHaveLength(1);
  });

  it('is safe to call concurrently: one selection, one line', async () => {
    const { selectBackend } = await fresh();
    const { lines, log } = collector();
    const results = await Promise.all([selectBackend({ log }), selectBackend({ log }), selectBackend({ log })]);
    expect(results).toEqual(['wasm', 'wasm', 'wasm']);
    expect(lines).toHaveLength(1);
  });

  it('takes WORDLOOM_BACKEND, and the option over it', async () => {
    const { selectBackend } = await fresh();
    const { lines, log } = collector();
    process.env['WORDLOOM_BACKEND'] = 'cpu';
    expect(await selectBackend({ log })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend({ backend: 'wasm', log })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // A change of backend is news: each new choice gets its line, a repeat does not.
    expect(await selectBackend({ backend: 'wasm', log })).toBe('wasm');
    expect(lines[0]).toBe('wordloom: tfjs backend cpu (plain JavaScript)');
    expect(lines[1]).toMatch(WASM_LINE);
    expect(lines).toHaveLength(2);
  });

  it('treats an empty WORDLOOM_BACKEND as unset', async () => {
    const { selectBackend } = await fresh();
    process.env['WORDLOOM_BACKEND'] = '';
    expect(await selectBackend({ log: () => {} })).toBe('wasm');
  });

  it('selects again when the engine was switched behind its back', async () => {
    const { selectBackend } = await fresh();
    const { lines, log } = collector();
    expect(await selectBackend({ log })).toBe('wasm');
    await tf.setBackend('cpu');
    expect(await selectBackend({ log })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
  });

  it('rejects an unknown name in WORDLOOM_BACKEND, naming the variable, value and choices', async () => {
    const { selectBackend } = await fresh();
    process.env['WORDLOOM_BACKEND'] = 'gpu';
    const err = await rejection(selectBackend({ log: () => {} }));
    expect(err.code).toBe('EOPTION');
    expect(err.message).toBe("environment variable WORDLOOM_BACKEND must be one of tensorflow, wasm, cpu, got 'gpu'");
  });

  it('rejects an unknown name in the option', async () => {
    const { selectBackend } = await fresh();
    const err = await rejection(selectBackend({ backend: 'WASM' as 'wasm', log: () => {} }));
    expect(err.code).toBe('EOPTION');
    expect(err.message).toBe("option backend must be one of tensorflow, wasm, cpu, got 'WASM'");
  });

  it('fails, rather than falls back, when tensorflow is asked for and tfjs-node is absent', async () => {
    const { selectBackend } = await fresh();
    const { lines, log } = collector();
    const expected = (source: string): string =>
      `backend tensorflow (from ${source}) cannot be loaded: @tensorflow/tfjs-node is not installed; ` +
      'it is an optional dependency that needs libtensorflow, which its install script downloads. Choose wasm or cpu instead';

    const fromOption = await rejection(selectBackend({ backend: 'tensorflow', log }));
    expect(fromOption.code).toBe('EOPTION');
    expect(fromOption.message).toBe(expected('option backend'));

    process.env['WORDLOOM_BACKEND'] = 'tensorflow';
    const fromEnv = await rejection(selectBackend({ log }));
    expect(fromEnv.message).toBe(expected('environment variable WORDLOOM_BACKEND'));
    expect(lines).toEqual([]);

    // The failure is not cached: a usable request afterwards works.
    expect(await selectBackend({ backend: 'wasm', log })).toBe('wasm');
  });

  it('registers the fallback kernels once, without tfjs duplicate warnings', async () => {
    const { registerWasmFallbackKernels } = await fresh();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      registerWasmFallbackKernels();
      registerWasmFallbackKernels();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
