// Test helpers (not exported from the package).
import type { ImageBatch } from '../src/image-batch.js';

/** A batch of `b` images whose pixel value is `f(x, y, i)`. */
export function makeBatch(b: number, h: number, w: number, f: (x: number, y: number, i: number) => number): ImageBatch<Float32Array> {
  const data = new Float32Array(b * h * w);
  for (let i = 0; i < b; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[i * h * w + y * w + x] = f(x, y, i);
  return { data, batch: b, height: h, width: w };
}

/** Pixel (x, y) of image i. */
export function px(batch: ImageBatch, i: number, x: number, y: number): number {
  return batch.data[i * batch.height * batch.width + y * batch.width + x]!;
}

/** Mean and standard deviation of a slice. */
export function meanStd(a: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / a.length) };
}

/** A deterministic pseudo-random image batch in [0, 1]. */
export function noiseBatch(b: number, h: number, w: number, seed = 1): ImageBatch<Float32Array> {
  let s = seed;
  return makeBatch(b, h, w, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}

/** A synthetic ultrasound-like frame: a grey 90° sector with a dark hole, on black. */
export function fanBatch(b: number, size: number): ImageBatch<Float32Array> {
  const cx = (size - 1) / 2;
  return makeBatch(b, size, size, (x, y, i) => {
    const dx = x - cx;
    const dy = y - size * 0.05;
    const r = Math.hypot(dx, dy);
    const inside = dy > 0 && r < size * 0.9 && Math.abs(dx) < dy;
    if (!inside) return 0;
    if (Math.hypot(dx, dy - size * 0.5) < size * 0.08) return 0.01; // fluid: dark but inside the fan
    return 0.3 + (0.1 * ((x * 7 + y * 13 + i) % 5)) / 5;
  });
}

/** Index of the first float whose bytes differ (NaN payloads and −0 included), or −1. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
