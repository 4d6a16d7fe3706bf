import { describe, expect, it } from 'vitest';
import { cachedWasm, compileWasm, instantiateWasm } from './compile-wasm.js';
import { decodeBase64 } from './decode-base64.js';

// (module (import "env" "memory" (memory 1)) (func (export "first") (result i32) i32.const 0 i32.load8_u))
const READ_FIRST_BYTE = 'AGFzbQEAAAABBQFgAAF/Ag8BA2VudgZtZW1vcnkCAAEDAgEABwkBBWZpcnN0AAAKCQEHAEEALQAACw==';
// The 8-byte header of a module from a future version: does not validate.
const FUTURE = 'AGFzbQkAAAA=';

describe('decodeBase64', () => {
  it('gives the same bytes as Buffer, padding included', () => {
    for (const text of ['', 'AA==', 'AAE=', 'AAEC', READ_FIRST_BYTE]) {
      expect(Buffer.compare(decodeBase64(text), Buffer.from(text, 'base64'))).toBe(0);
    }
  });
});

describe('compileWasm', () => {
  it('compiles the first variant that validates and says which', () => {
    expect(compileWasm([FUTURE, READ_FIRST_BYTE])?.variant).toBe(1);
    expect(compileWasm([READ_FIRST_BYTE])?.variant).toBe(0);
    expect(compileWasm([FUTURE])).toBeUndefined();
  });

  it('instantiates on a memory JavaScript owns', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Uint8Array(memory.buffer)[0] = 42;
    const exports = instantiateWasm<{ first(): number }>(compileWasm([READ_FIRST_BYTE])!.module, memory);
    expect(exports.first()).toBe(42);
  });
});

describe('cachedWasm', () => {
  it('loads once and keeps the result, a throw counting as unavailable', () => {
    let calls = 0;
    const ok = cachedWasm(() => ++calls);
    expect([ok(), ok(), calls]).toEqual([1, 1, 1]);
    const broken = cachedWasm<number>(() => {
      calls++;
      throw new Error('no SIMD');
    });
    expect([broken(), broken(), calls]).toEqual([undefined, undefined, 2]);
  });
});
