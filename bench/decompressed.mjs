// Benchmarks compare tools that read plain text, so a .gz input is decompressed once into the
// temp folder (named after the source) and reused while it is newer than the source. It is
// written under a temporary name first, so an interrupted run never leaves a truncated copy.
import { createReadStream, createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export async function decompressedCopy(gzPath) {
  const out = join(tmpdir(), `wordloom-bench-${basename(gzPath).replace(/\.gz$/, '')}`);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(gzPath).mtimeMs) {
    console.error(`decompressing ${gzPath} -> ${out} (once)`);
    await pipeline(createReadStream(gzPath), createGunzip(), createWriteStream(`${out}.part`));
    renameSync(`${out}.part`, out);
  }
  return out;
}
