import { afterEach, describe, expect, it } from 'vitest';
import type { Mat } from './affine.js';
import { resizeCropInPlace } from './resize-crop.js';
import { firstDifference, noiseBatch } from '../../test/testing.js';
import { setForceFallback } from './wasm/module.js';

afterEach(() => setForceFallback(false));

/** The inverse map of RandomResizedCrop: the cw×ch box at (x0, y0) resized to w×h, half-pixel centres. */
function cropMap(w: number, h: number, x0: number, y0: number, cw: number, ch: number): Mat {
  const sx = cw / w;
  const sy = ch / h;
  return [sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5];
}

/** torch.nn.functional.interpolate(bilinear, align_corners=False) of the crop, in float64. */
function reference(src: Float32Array, w: number, h: number, m: Mat): Float64Array {
  const out = new Float64Array(w * h);
  const tap = (s: number, n: number): [number, number, number] => {
    const c = Math.max(0, s);
    const i0 = Math.min(Math.floor(c), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    return [i0, i1, Math.min(c, n - 1) - i0];
  };
  for (let y = 0; y < h; y++) {
    const [y0, y1, fy] = tap(m[4] * y + m[5], h);
    for (let x = 0; x < w; x++) {
      const [x0, x1, fx] = tap(m[0] * x + m[2], w);
      const top = (1 - fx) * src[y0 * w + x0]! + fx * src[y0 * w + x1]!;
      const bot = (1 - fx) * src[y1 * w + x0]! + fx * src[y1 * w + x1]!;
      out[y * w + x] = (1 - fy) * top + fy * bot;
    }
  }
  return out;
}

describe('resizeCropInPlace', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [1, 6],
    [6, 1],
    [2, 2],
    [3, 7],
    [7, 3],
    [13, 11],
    [32, 32],
    [37, 29],
    [224, 224],
  ];
  it('matches torch bilinear interpolation of the crop and gives the same bytes in wasm and in JS', () => {
    let s = 12345;
    const rand = (n: number): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return Math.floor((s / 2 ** 32) * n);
    };
    for (const [w, h] of sizes) {
      for (let trial = 0; trial < 6; trial++) {
        const cw = trial === 0 ? w : 1 + rand(w);
        const ch = trial === 0 ? h : 1 + rand(h);
        const m = cropMap(w, h, rand(w - cw + 1), rand(h - ch + 1), cw, ch);
        const off = 3 * w * h;
        const batch = noiseBatch(5, h, w, 7 + trial).data;
        const viaWasm = batch.slice();
        expect(resizeCropInPlace(viaWasm, off, w, h, m)).toBe(true);
        setForceFallback(true);
        const viaJs = batch.slice();
        expect(resizeCropInPlace(viaJs, off, w, h, m)).toBe(true);
        setForceFallback(false);
        expect(firstDifference(viaJs, viaWasm)).toBe(-1);
        // other samples untouched
        expect(firstDifference(viaWasm.subarray(0, off), batch.subarray(0, off))).toBe(-1);
        expect(firstDifference(viaWasm.subarray(off + w * h), batch.subarray(off + w * h))).toBe(-1);
        const want = reference(batch.subarray(off, off + w * h), w, h, m);
        let err = 0;
        for (let k = 0; k < w * h; k++) err = Math.max(err, Math.abs(viaWasm[off + k]! - want[k]!));
        expect(err).toBeLessThan(3e-7);
      }
    }
  });
  it('leaves maps that are not crops to the general warp', () => {
    const d = noiseBatch(1, 8, 8).data;
    const before = d.slice();
    expect(resizeCropInPlace(d, 0, 8, 8, [0.9, 0.1, 0, -0.1, 0.9, 0])).toBe(false);
    expect(resizeCropInPlace(d, 0, 8, 8, [0.5, 0, 5, 0, 0.5, 0])).toBe(false);
    expect(d).toEqual(before);
  });
});
