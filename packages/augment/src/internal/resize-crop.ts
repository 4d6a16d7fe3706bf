import type { Mat } from './affine.js';
import { HEAP_BASE, reserve, wasmKernels } from './wasm/module.js';

/** True when k·x + q stays within the image's half-pixel border for x in [0, n): a crop, not a shift out. */
function insideHalfPixel(k: number, q: number, n: number): boolean {
  const eps = 1e-6;
  return q >= -0.5 - eps && k * (n - 1) + q <= n - 0.5 + eps;
}

/** Source coordinate `s` clamped to [0, n − 1] (edge replication). */
function clampCoord(s: number, n: number): number {
  return s < 0 ? 0 : s > n - 1 ? n - 1 : s;
}

/** The left tap of a clamped coordinate: floor(s), kept ≤ n − 2 so its right neighbour exists. */
function leftTap(s: number, n: number): number {
  const i = Math.floor(s);
  return i > n - 2 ? Math.max(0, n - 2) : i;
}

/** Taps of one axis: source index of the left/upper neighbour and the float32 weight of the other. */
function taps(k: number, q: number, n: number, index: Int32Array, weight: Float32Array): void {
  for (let x = 0; x < n; x++) {
    const s = clampCoord(k * x + q, n);
    const i = leftTap(s, n);
    index[x] = i;
    weight[x] = s - i;
  }
}

let xl = new Int32Array(0);
let xf = new Float32Array(0);
let yl = new Int32Array(0);
let yf = new Float32Array(0);
let rowScratch = new Float32Array(0);

/**
 * Applies `m` in place when it is a scale-and-shift whose source window lies inside the image (a crop
 * being resized, as RandomResizedCrop) and returns true; returns false (nothing done) for any other map.
 * Bilinear with coordinates clamped to the edge like torch's interpolate (align_corners = false), done
 * separably in float32: the source rows the output needs are first resampled along x (p + fx·(q − p),
 * precomputed column taps), then each output row blends two of them (a + fy·(b − a)). The taps are
 * computed in float64 and their weights rounded to float32; the SIMD wasm kernel (wasm/kernels.c) runs
 * when available, else the same float32 operations in JS — the same bytes either way.
 */
export function resizeCropInPlace(data: Float32Array, off: number, w: number, h: number, m: Readonly<Mat>): boolean {
  const [a, b, c, d, e, f] = m;
  if (!(b === 0 && d === 0 && a > 0 && e > 0 && insideHalfPixel(a, c, w) && insideHalfPixel(e, f, h))) return false;
  if (xl.length < w) {
    xl = new Int32Array(w);
    xf = new Float32Array(w);
  }
  if (yl.length < h) {
    yl = new Int32Array(h);
    yf = new Float32Array(h);
  }
  taps(a, c, w, xl, xf);
  taps(e, f, h, yl, yf);
  const rowLo = yl[0]!;
  const rowHi = Math.min(h - 1, yl[h - 1]! + 1);
  const rows = rowHi - rowLo + 1;
  const k = wasmKernels();
  if (k !== undefined) {
    // Layout (in floats): image [w·h], resampled rows [rows·w], xl [w], xf [w], yl [h], yf [h].
    const img = HEAP_BASE >> 2;
    const tmp = img + w * h;
    const xlAt = tmp + rows * w;
    const xfAt = xlAt + w;
    const ylAt = xfAt + w;
    const yfAt = ylAt + h;
    reserve(k, 4 * (yfAt + h - img));
    const heap = k.f32;
    heap.set(data.subarray(off + rowLo * w, off + (rowHi + 1) * w), img + rowLo * w);
    k.i32.set(xl.subarray(0, w), xlAt);
    heap.set(xf.subarray(0, w), xfAt);
    k.i32.set(yl.subarray(0, h), ylAt);
    heap.set(yf.subarray(0, h), yfAt);
    k.exports.resize_crop(4 * img, 4 * tmp, 4 * xlAt, 4 * xfAt, 4 * ylAt, 4 * yfAt, w, h, rowLo, rowHi);
    data.set(heap.subarray(img, img + w * h), off);
    return true;
  }
  if (rowScratch.length < rows * w) rowScratch = new Float32Array(rows * w);
  const t = rowScratch;
  const fr = Math.fround;
  // Pass 1: source rows rowLo … rowHi along x, into t rows 0 … rowHi − rowLo.
  const dx = w > 1 ? 1 : 0;
  for (let r = rowLo; r <= rowHi; r++) {
    const s = off + r * w;
    const o = (r - rowLo) * w;
    for (let x = 0; x < w; x++) {
      const i = s + xl[x]!;
      const p = data[i]!;
      t[o + x] = p + fr(xf[x]! * fr(data[i + dx]! - p));
    }
  }
  // Pass 2: each output row from two resampled rows.
  const dy = h > 1 ? w : 0;
  for (let y = 0; y < h; y++) {
    const r0 = (yl[y]! - rowLo) * w;
    const r1 = r0 + dy;
    const fy = yf[y]!;
    const o = off + y * w;
    for (let x = 0; x < w; x++) {
      const p = t[r0 + x]!;
      data[o + x] = p + fr(fy * fr(t[r1 + x]! - p));
    }
  }
  return true;
}
