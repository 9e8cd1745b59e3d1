import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A folder under the system temp folder. */
export interface TempFolder {
  /** The folder's path. */
  dir: string;
  /** A path inside the folder. */
  path: (...names: string[]) => string;
}

/**
 * A temp folder shared by the tests of one file (or describe block, where it is called): made
 * now, removed with everything in it after those tests. For a fresh folder per test, see
 * useTempDir in test/text/fixtures.ts.
 */
export function useTempFolder(prefix: string): TempFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, path: (...names) => join(dir, ...names) };
}
