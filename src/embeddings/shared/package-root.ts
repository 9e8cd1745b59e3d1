import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (the folder with wordloom's package.json), found from this file's location,
 * so worker scripts resolve to `<root>/dist/...` both from the built CLI and under vitest (src).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isWordloomPackage(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the wordloom package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Absolute path of a built worker script, e.g. `workerScript('embeddings/word2vec/worker.js')`. */
export function workerScript(relativeToDist: string): string {
  return join(packageRoot(), 'dist', relativeToDist);
}

function isWordloomPackage(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === 'wordloom';
  } catch {
    return false;
  }
}
