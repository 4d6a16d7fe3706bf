import { afterEach, describe, expect, it } from 'vitest';
import { blendImagesInPlace } from './blend.js';
import { firstDifference } from '../../test/testing.js';
import { setForceFallback, wasmKernels } from './wasm/module.js';

afterEach(() => setForceFallback(false));

function images(batch: number, n: number, seed: number): Float32Array {
  const d = new Float32Array(batch * n);
  let s = seed >>> 0;
  for (let i = 0; i < d.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    d[i] = i % 13 === 0 ? 0 : i % 11 === 0 ? 1 : s / 2 ** 32;
  }
  return d;
}

/** The plain definition, from an untouched copy. */
function reference(x: Float32Array, batch: number, n: number, perm: ArrayLike<number>, lambda: number): Float32Array {
  const l = Math.fround(lambda);
  const m = Math.fround(1 - lambda);
  const out = new Float32Array(x.length);
  for (let i = 0; i < batch; i++) {
    for (let t = 0; t < n; t++) out[i * n + t] = Math.fround(Math.fround(x[i * n + t]! * l) + Math.fround(x[perm[i]! * n + t]! * m));
  }
  return out;
}

const PERMS: Record<string, number[]> = {
  identity: [0, 1, 2, 3, 4, 5],
  swap: [1, 0, 2, 3, 5, 4],
  oneCycle: [3, 0, 5, 4, 1, 2],
  mixed: [2, 1, 0, 5, 3, 4],
  reversed: [5, 4, 3, 2, 1, 0],
};

describe('MixUp blend in place', () => {
  it('equals the definition, with the wasm kernel and the JS fallback alike (same bytes)', () => {
    expect(wasmKernels()).toBeDefined();
    for (const n of [1, 3, 5, 8, 13 * 11, 224 * 224]) {
      for (const [name, perm] of Object.entries(PERMS)) {
        for (const lambda of [0, 1, 0.5, 0.3141592, 0.999]) {
          const x = images(6, n, n + lambda * 1000);
          const want = reference(x, 6, n, perm, lambda);
          const viaWasm = x.slice();
          blendImagesInPlace(viaWasm, 6, n, perm, lambda, () => new Float32Array(n));
          setForceFallback(true);
          const viaJs = x.slice();
          blendImagesInPlace(viaJs, 6, n, perm, lambda, () => new Float32Array(n));
          setForceFallback(false);
          const where = `${name}, n ${n}, λ ${lambda}`;
          expect(firstDifference(viaWasm, want), where).toBe(-1);
          expect(firstDifference(viaJs, want), where).toBe(-1);
        }
      }
    }
  });

  it('λ = 1 keeps every image, λ = 0 gives each its partner', () => {
    const x = images(6, 50, 1);
    const keep = x.slice();
    blendImagesInPlace(keep, 6, 50, PERMS.oneCycle!, 1, () => new Float32Array(50));
    expect(firstDifference(keep, x)).toBe(-1);
    const swapped = x.slice();
    blendImagesInPlace(swapped, 6, 50, PERMS.oneCycle!, 0, () => new Float32Array(50));
    for (let i = 0; i < 6; i++) expect(firstDifference(swapped.subarray(i * 50, i * 50 + 50), x.subarray(PERMS.oneCycle![i]! * 50, PERMS.oneCycle![i]! * 50 + 50))).toBe(-1);
  });
});
