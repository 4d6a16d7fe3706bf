import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));

/** Every module reachable from `entry` by relative imports, and the bare specifiers they import. */
function imports(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  };
  visit(join(src, entry));
  return { files, bare };
}

describe('entry points', () => {
  it('the main entry is browser-safe: no Node built-ins, no sharp, no tfjs', () => {
    const { bare } = imports('index.ts');
    // @fpdb/internal/wasm is bundled in and browser-safe itself (its own test checks it).
    expect([...bare].sort()).toEqual(['@fpdb/internal/wasm', '@fpdb/schema', 'csv-parse/browser/esm/sync', 'fast-png', 'fflate']);
  });
  it('the tfjs entry adds only tfjs-core', () => {
    const { bare } = imports('tfjs.ts');
    expect([...bare].sort()).toEqual(['@tensorflow/tfjs-core']);
  });
});
