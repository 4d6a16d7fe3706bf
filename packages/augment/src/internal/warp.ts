import type { Mat } from './affine.js';

/**
 * Bilinear sample at (sx, sy) of one image at `off` in `src`, zero outside (the black of an
 * ultrasound frame). Only used on the border path; the interior path is inlined in the loops.
 */
function sampleSlow(src: Float32Array, off: number, w: number, h: number, sx: number, sy: number): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  let v = 0;
  if (y0 >= 0 && y0 < h) {
    const row = off + y0 * w;
    if (x0 >= 0 && x0 < w) v += (1 - fx) * (1 - fy) * src[row + x0]!;
    if (x0 + 1 >= 0 && x0 + 1 < w) v += fx * (1 - fy) * src[row + x0 + 1]!;
  }
  if (y0 + 1 >= 0 && y0 + 1 < h) {
    const row = off + (y0 + 1) * w;
    if (x0 >= 0 && x0 < w) v += (1 - fx) * fy * src[row + x0]!;
    if (x0 + 1 >= 0 && x0 + 1 < w) v += fx * fy * src[row + x0 + 1]!;
  }
  return v;
}

/** The sub-interval of [0, n) where lo <= k·x + q < hi, shrunk by one pixel each side for rounding safety. */
function interval(k: number, q: number, lo: number, hi: number, from: number, to: number): [number, number] {
  if (k === 0) return lo <= q && q < hi ? [from, to] : [0, 0];
  let a = (lo - q) / k;
  let b = (hi - q) / k;
  if (k < 0) [a, b] = [b, a];
  const s = Math.max(from, Math.ceil(a) + 1);
  const e = Math.min(to, Math.floor(b) - 1);
  return s < e ? [s, e] : [0, 0];
}

/**
 * Warps one w×h image with the inverse affine map `m` (output pixel → source pixel), bilinear, zero
 * fill. Reads `src` at `srcOff`, writes `dst` at `dstOff` (must not overlap). Per row the span whose
 * four neighbours are all inside is computed up front, so the inner loop carries no bounds checks.
 * Crops being resized (axis-aligned maps inside the image) go to resizeCropInPlace (resize-crop.ts) instead.
 */
export function warpAffine(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, w: number, h: number, m: Readonly<Mat>): void {
  const [a, b, c, d, e, f] = m;
  for (let y = 0; y < h; y++) {
    const rx = b * y + c;
    const ry = e * y + f;
    const [s1, e1] = interval(a, rx, 0, w - 1, 0, w);
    const [s2, e2] = interval(d, ry, 0, h - 1, s1, e1);
    const row = dstOff + y * w;
    for (let x = 0; x < s2; x++) dst[row + x] = sampleSlow(src, srcOff, w, h, a * x + rx, d * x + ry);
    for (let x = s2; x < e2; x++) {
      const sx = a * x + rx;
      const sy = d * x + ry;
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = srcOff + y0 * w + x0;
      const p00 = src[i]!;
      const p01 = src[i + 1]!;
      const p10 = src[i + w]!;
      const p11 = src[i + w + 1]!;
      const top = p00 + fx * (p01 - p00);
      const bot = p10 + fx * (p11 - p10);
      dst[row + x] = top + fy * (bot - top);
    }
    for (let x = Math.max(e2, s2); x < w; x++) dst[row + x] = sampleSlow(src, srcOff, w, h, a * x + rx, d * x + ry);
  }
}

/** Nearest-neighbour warp of a 0/1 mask with the same inverse map (for fan-aware re-blackening). */
export function warpMaskAffine(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, w: number, h: number, m: Readonly<Mat>): void {
  const [a, b, c, d, e, f] = m;
  let o = dstOff;
  for (let y = 0; y < h; y++) {
    const rx = b * y + c + 0.5;
    const ry = e * y + f + 0.5;
    for (let x = 0; x < w; x++, o++) {
      const sx = Math.floor(a * x + rx);
      const sy = Math.floor(d * x + ry);
      dst[o] = sx >= 0 && sy >= 0 && sx < w && sy < h ? src[srcOff + sy * w + sx]! : 0;
    }
  }
}

/**
 * Exact horizontal flip of one image in place (no interpolation). Each row is reversed by the typed
 * array's native `reverse()`, about 2.5× faster than a swap loop in JavaScript.
 */
export function flipRowsInPlace(d: Float32Array, off: number, w: number, h: number): void {
  for (let y = 0; y < h; y++) {
    const i = off + y * w;
    d.subarray(i, i + w).reverse();
  }
}

/** {@link flipRowsInPlace} for a 0/1 mask. */
export function flipMaskInPlace(d: Uint8Array, off: number, w: number, h: number): void {
  for (let y = 0; y < h; y++) {
    const i = off + y * w;
    d.subarray(i, i + w).reverse();
  }
}

/**
 * Warps one image by a dense displacement field: output (x, y) samples the source at
 * (x + dx[y·w + x], y + dy[y·w + x]), bilinear, zero fill.
 */
export function warpDisplacement(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, w: number, h: number, dx: Float32Array, dy: Float32Array): void {
  const wm1 = w - 1;
  const hm1 = h - 1;
  let k = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++, k++) {
      const sx = x + dx[k]!;
      const sy = y + dy[k]!;
      const o = dstOff + k;
      if (sx >= 0 && sy >= 0 && sx < wm1 && sy < hm1) {
        const x0 = sx | 0;
        const y0 = sy | 0;
        const fx = sx - x0;
        const fy = sy - y0;
        const i = srcOff + y0 * w + x0;
        const p00 = src[i]!;
        const p01 = src[i + 1]!;
        const p10 = src[i + w]!;
        const p11 = src[i + w + 1]!;
        const top = p00 + fx * (p01 - p00);
        const bot = p10 + fx * (p11 - p10);
        dst[o] = top + fy * (bot - top);
      } else if (sx <= -1 || sy <= -1 || sx >= w || sy >= h) {
        dst[o] = 0;
      } else {
        dst[o] = sampleSlow(src, srcOff, w, h, sx, sy);
      }
    }
  }
}

/** Nearest-neighbour displacement warp of a 0/1 mask. */
export function warpMaskDisplacement(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, w: number, h: number, dx: Float32Array, dy: Float32Array): void {
  let k = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++, k++) {
      const sx = Math.floor(x + dx[k]! + 0.5);
      const sy = Math.floor(y + dy[k]! + 0.5);
      dst[dstOff + k] = sx >= 0 && sy >= 0 && sx < w && sy < h ? src[srcOff + sy * w + sx]! : 0;
    }
  }
}
