import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('@fpdb/internal/wasm', () => {
  it('is browser-safe: imports nothing outside its folder and uses no Buffer', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const specifiers = [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      expect(
        specifiers.filter((s) => !s.startsWith('./')),
        file,
      ).toEqual([]);
      expect(text, file).not.toMatch(/\bBuffer\s*[.(]/);
    }
  });
});
