import { afterEach, describe, expect, it } from 'vitest';
import { brightnessKernel, contrastKernel, GAMMA_POLY_MAX, gammaKernel, gammaParameters, gammaPoly, sharpenKernel, sum8Js } from './intensity.js';
import { firstDifference } from '../../test/testing.js';
import { AUGMENT_PIXEL_KERNELS_WASM_BASE64 } from './wasm/pixel-kernels-wasm.js';
import { setForceFallback, wasmKernels } from './wasm/module.js';

afterEach(() => setForceFallback(false));

/** Pseudo-random floats in [0, 1) with some exact 0s and 1s and a few out-of-range values when `wild`. */
function pixels(n: number, seed: number, wild = false): Float32Array {
  const d = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    d[i] = i % 17 === 3 ? 0 : i % 19 === 5 ? 1 : u;
  }
  if (wild && n > 8) {
    d.set([-0, -0.25, 1.5, Number.NaN, Infinity, -Infinity, 1e-40, 3e-39], 0);
  }
  return d;
}

/** Runs `fn` on a copy of d with the wasm kernels and on another with the JS fallback; returns both. */
function both(d: Float32Array, fn: (x: Float32Array) => void): [Float32Array, Float32Array] {
  const w = d.slice();
  const j = d.slice();
  setForceFallback(false);
  fn(w);
  setForceFallback(true);
  fn(j);
  setForceFallback(false);
  return [w, j];
}

const SIZES = [1, 3, 5, 7, 8, 9, 31, 33, 13 * 11, 224 * 224, 16384 + 5];

describe('pixel kernels: wasm and JS fallback give the same bytes', () => {
  it('loads the second module; it stays under 4 KB', () => {
    expect(wasmKernels()?.pixel).toBeDefined();
    const b64 = AUGMENT_PIXEL_KERNELS_WASM_BASE64;
    expect(b64.length * 0.75 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0)).toBeLessThanOrEqual(4096);
  });

  it('brightness', () => {
    for (const n of SIZES) {
      for (const [seed, f] of [
        [1, 0],
        [2, 1],
        [3, 0.8],
        [4, 1.2],
        [5, 1.7321],
        [6, 1e-30],
      ] as const) {
        for (const off of [0, 3]) {
          const d = pixels(n + 2 * off, seed, true);
          const [w, j] = both(d, (x) => brightnessKernel(x, off, n, f));
          expect(firstDifference(w, j)).toBe(-1);
          expect(firstDifference(w.subarray(0, off), d.subarray(0, off))).toBe(-1);
          expect(firstDifference(w.subarray(off + n), d.subarray(off + n))).toBe(-1);
        }
      }
    }
  });

  it('contrast', () => {
    for (const n of SIZES) {
      for (const [seed, f] of [
        [1, 0],
        [2, 1],
        [3, 0.8],
        [4, 1.2],
        [5, 1.7321],
        [6, 2],
      ] as const) {
        for (const off of [0, 5]) {
          const d = pixels(n + 2 * off, seed);
          const [w, j] = both(d, (x) => contrastKernel(x, off, n, f));
          expect(firstDifference(w, j)).toBe(-1);
          expect(firstDifference(w.subarray(off + n), d.subarray(off + n))).toBe(-1);
        }
      }
    }
  });

  it('gamma', () => {
    for (const n of SIZES) {
      for (const [seed, g, gain] of [
        [1, 1, 1],
        [2, 0.5, 1],
        [3, 0.8, 0.9],
        [4, 1.25, 1.3],
        [5, 2.2, 1],
        [6, 1e-3, 0],
        [7, GAMMA_POLY_MAX, 100],
      ] as const) {
        for (const off of [0, 2]) {
          const d = pixels(n + 2 * off, seed, true);
          const [w, j] = both(d, (x) => gammaKernel(x, off, n, g, gain));
          expect(firstDifference(w, j)).toBe(-1);
          expect(firstDifference(w.subarray(off + n), d.subarray(off + n))).toBe(-1);
        }
      }
    }
  });
});

describe('sharpen: wasm and JS fallback give the same bytes', () => {
  it('over shapes with widths not multiples of 4, thin images and factors 0, 1, 2', () => {
    for (const [w, h] of [
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 3],
      [5, 7],
      [7, 5],
      [9, 4],
      [13, 11],
      [1, 9],
      [9, 1],
      [224, 224],
    ] as const) {
      for (const [seed, f] of [
        [1, 0],
        [2, 1],
        [3, 2],
        [4, 0.37],
        [5, 9.5],
      ] as const) {
        for (const off of [0, 3]) {
          const d = pixels(w * h + 2 * off, seed);
          const [a, b] = both(d, (x) => sharpenKernel(x, off, w, h, f, new Float32Array(w * h)));
          expect(firstDifference(a, b), `${w}×${h} f ${f}`).toBe(-1);
          expect(firstDifference(a.subarray(off + w * h), d.subarray(off + w * h))).toBe(-1);
          expect(firstDifference(a.subarray(0, off), d.subarray(0, off))).toBe(-1);
        }
      }
    }
  });
});

describe('contrast sum', () => {
  it('sum8Js is the float64 sum to rounding', () => {
    const d = pixels(1000, 9);
    let s = 0;
    for (const v of d) s += v;
    expect(Math.abs(sum8Js(d, 0, 1000) - s)).toBeLessThan(1e-12);
  });
});

describe('gamma polynomial', () => {
  /** Max of |got − want|/want over float32 v with 2^−lo < v < 1 (every exponent, many mantissas) and over v = 1. */
  function maxRelativeError(g: number, gain: number, lo = 40, samples = 40000): number {
    const [gh, gl, g32] = gammaParameters(g);
    const gain32 = Math.fround(gain);
    const v = new Float32Array(samples + 1);
    let s = 12345;
    for (let i = 0; i < samples; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      v[i] = 2 ** (-lo * (i / samples)) * (0.5 + (s / 2 ** 32) * 0.5);
    }
    v[samples] = 1;
    const out = v.slice();
    gammaKernel(out, 0, out.length, g, gain);
    let worst = 0;
    let mismatches = 0;
    let unflushed = 0;
    for (let i = 0; i < v.length; i++) {
      const want = Math.min(1, gain32 * v[i]! ** g);
      if (out[i] !== gammaPoly(v[i]!, gh, gl, g32, gain32)) mismatches++;
      if (want >= 2 ** -126) worst = Math.max(worst, Math.abs(out[i]! - want) / want);
      else if (out[i]! > 2 ** -126) unflushed++; // below the normal range the result is flushed to 0
    }
    expect(mismatches).toBe(0);
    expect(unflushed).toBe(0);
    return worst;
  }

  it('stays within 2.5e-7 relative of gain·v^γ for γ in [0.5, 2] (the policies use [2/3, 1.5]) over 2^−40 … 1', () => {
    // Measured maxima: 1.5e-7 (γ = 0.5), 1.7e-7 (2/3), 1.6e-7 (1), 2.2e-7 (1.5), 1.9e-7 (2).
    for (const g of [0.5, 2 / 3, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2]) expect(maxRelativeError(g, 0.9)).toBeLessThan(2.5e-7);
    expect(maxRelativeError(1.234567, 1)).toBeLessThan(2.5e-7);
  });

  it('stays within 1e-6 up to GAMMA_POLY_MAX (the error grows with γ), also for tiny γ and subnormal inputs', () => {
    for (const g of [1e-3, 0.1, 3, 4]) expect(maxRelativeError(g, 1)).toBeLessThan(3.5e-7);
    for (const g of [6, 8, 12, GAMMA_POLY_MAX]) expect(maxRelativeError(g, 1, 4)).toBeLessThan(1e-6);
    expect(maxRelativeError(0.5, 1, 149)).toBeLessThan(2.5e-7); // down to the subnormals
    // Exact zeros, negatives and NaN map to 0; 1 maps to gain (clamped).
    const tiny = Math.fround(1e-45); // the smallest subnormal, 2^−149
    const d = Float32Array.from([0, -0, -0.5, Number.NaN, 1, tiny]);
    gammaKernel(d, 0, d.length, 0.5, 0.7);
    expect(Array.from(d.subarray(0, 5))).toEqual([0, 0, 0, 0, Math.fround(0.7)]);
    const want = Math.fround(0.7) * Math.sqrt(tiny);
    expect(Math.abs(d[5]! - want) / want).toBeLessThan(2.5e-7);
  });

  it('γ = 1 is exactly gain·v (clamped; 0 for non-positive values)', () => {
    const v = pixels(1001, 3, true);
    for (const gain of [1, 0.75]) {
      const d = v.slice();
      gammaKernel(d, 0, d.length, 1, gain);
      const want = Float32Array.from(v, (x) => (x > 0 ? Math.min(1, Math.fround(x * Math.fround(gain))) : 0));
      expect(firstDifference(d, want)).toBe(-1);
    }
  });

  it('runs Math.pow above GAMMA_POLY_MAX', () => {
    const d = Float32Array.from([0.5, 0.9, 0.99]);
    gammaKernel(d, 0, 3, 20, 1);
    expect(Array.from(d)).toEqual([0.5, 0.9, 0.99].map((v) => Math.fround(Math.fround(v) ** 20)));
  });
});
