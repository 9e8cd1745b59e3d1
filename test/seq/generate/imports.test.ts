/**
 * The generator must run in a browser with tfjs alone: no file in src/seq/generate, nor any
 * wordloom file it imports (followed transitively), imports a Node module (`node:` or a bare
 * builtin), the recurrent engine or the fused layers (WebAssembly, worker threads); and the
 * generator's own files use no Node global (Buffer, process, require) and never Math.random.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const generateDir = join(root, 'src/seq/generate');
const IMPORT = /(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    out.push({ spec, typeOnly: /^\s*(?:import|export)\s+type\s/.test(m[0].replace(/^[;\s]+/, '')) });
  }
  return out;
}

/** Every wordloom source file reachable from src/seq/generate through value imports. */
function reachable(): Map<string, { spec: string; typeOnly: boolean }[]> {
  const seen = new Map<string, { spec: string; typeOnly: boolean }[]>();
  const todo = readdirSync(generateDir).filter((f) => f.endsWith('.ts')).map((f) => join(generateDir, f));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const imports = importsOf(file);
    seen.set(file, imports);
    for (const { spec, typeOnly } of imports) {
      if (spec.startsWith('.') && !typeOnly) todo.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('src/seq/generate imports', () => {
  it('finds the imports it checks (the scanner works)', () => {
    const files = reachable();
    const generateFiles = [...files.keys()].filter((f) => f.startsWith(generateDir));
    expect(generateFiles.length).toBeGreaterThanOrEqual(8);
    const specs = [...files.values()].flat().map((i) => i.spec);
    expect(specs).toContain('@tensorflow/tfjs');
    expect(specs).toContain('../../errors.js');
    expect(importsOf(fileURLToPath(import.meta.url)).map((i) => i.spec)).toContain('node:fs');
  });

  it('no file in it, nor any wordloom file it imports, reaches Node, the engine, the fused layers or wasm', () => {
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    for (const [file, imports] of reachable()) {
      const where = relative(root, file);
      const text = readFileSync(file, 'utf8');
      for (const { spec } of imports) {
        const bare = !spec.startsWith('.');
        if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]!)) problems.push(`${where} imports ${spec}`);
        if (bare && spec !== '@tensorflow/tfjs') problems.push(`${where} imports the package ${spec} (only @tensorflow/tfjs is allowed)`);
        if (!bare) {
          const target = relative(root, resolve(dirname(file), spec));
          if (/^src\/seq\/(engine|layers|backend|lm)\b/.test(target) || /wasm/i.test(target)) problems.push(`${where} imports ${target}`);
        }
      }
      // The generator's own files use no Node global either (files it imports are held to their
      // imports only: a Node global inside a function it never calls does not stop a browser).
      const own = file.startsWith(generateDir);
      if (own && /\brequire\s*\(|process\.|Buffer\b|__dirname|import\.meta\.url|Math\.random/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) {
        problems.push(`${where} uses a Node global, require or Math.random`);
      }
    }
    expect(problems).toEqual([]);
  });
});
