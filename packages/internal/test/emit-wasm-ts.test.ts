import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const emitter = fileURLToPath(new URL('../scripts/emit-wasm-ts.mjs', import.meta.url));

// The committed modules, as the packages' build-wasm.sh wrappers write them.
const GENERATED = [
  { file: 'augment/src/internal/wasm/kernels-wasm.ts', source: 'kernels.c', sizes: 'wasm-and-base64' },
  { file: 'augment/src/internal/wasm/pixel-kernels-wasm.ts', source: 'pixel-kernels.c', sizes: 'wasm-and-base64' },
  { file: 'models/src/backend/wasm/training-kernels-wasm.ts', source: 'training-kernels.c', sizes: 'bytes' },
  { file: 'loader/src/pixels/wasm/pixel-kernels-wasm.ts', source: 'pixel-kernels.c', sizes: 'bytes' },
];

describe('emit-wasm-ts.mjs (the last step of scripts/build-wasm.sh)', () => {
  it.each(GENERATED)('writes $file byte for byte from its own wasm', ({ file, source, sizes }) => {
    const committed = readFileSync(join(packages, file), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'fpdb-emit-'));
    const args: string[] = [];
    for (const m of committed.matchAll(/\/\*\* (.*) \*\/\nexport const (\w+): string = \[\n([\s\S]*?),\n\]\.join\(""\);/g)) {
      const base64 = m[3]!
        .split(',\n')
        .map((line) => JSON.parse(line.trim()) as string)
        .join('');
      const wasm = join(dir, `${m[2]}.wasm`);
      const bytes = Buffer.from(base64, 'base64');
      expect(bytes.subarray(0, 4).toString('latin1'), m[2]).toBe('\0asm');
      writeFileSync(wasm, bytes);
      args.push(m[2]!, m[1]!, wasm);
    }
    expect(args.length).toBeGreaterThan(0);
    const out = join(dir, 'out.ts');
    execFileSync(process.execPath, [emitter, '--out', out, '--source-name', source, '--sizes', sizes, ...args]);
    expect(readFileSync(out, 'utf8')).toBe(committed);
  });
});
