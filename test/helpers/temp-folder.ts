import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

/** A folder under the system temp folder. */
export interface TempFolder {
  /** The folder's path. */
  dir: string;
  /** A path inside the folder. */
  path: (...names: string[]) => string;
}

/**
 * A temp folder shared by the tests of one file (or describe block, where it is called): made
 * now, removed with everything in it after those tests. For a fresh folder per test, see useTempDir.
 */
export function useTempFolder(prefix: string): TempFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, path: (...names) => join(dir, ...names) };
}

/** A fresh temp folder for each test that asks for one (made on the first call in the test), removed after it. */
export function useTempDir(prefix = 'wordloom-test-'): () => string {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), prefix)));
}
