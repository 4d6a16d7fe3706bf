import { convolveSeparable, gaussianKernel } from './blur.js';
import type { FastRandom } from '@fpdb/schema';

/**
 * The elastic displacement field of torchvision's ElasticTransform — uniform(−1, 1) noise smoothed by a
 * Gaussian of σ pixels, times α/2, one field per axis — written into `dx`, `dy` (w·h each, pixels).
 *
 * A σ-smooth field carries nothing finer than ~σ pixels, so it is drawn on a grid k = floor(σ / 2.5)
 * times coarser (blurred with σ/k, std scaled by 1/k to match the full-resolution field) and upsampled
 * bilinearly: k² fewer samples to blur. Same distribution shape, not the same draws as torchvision.
 */
export function displacementField(dx: Float32Array, dy: Float32Array, w: number, h: number, alpha: number, sigma: number, r: FastRandom, tmp: Float32Array): void {
  const k = Math.max(1, Math.floor(sigma / 2.5));
  const gw = Math.ceil((w - 1) / k) + 1;
  const gh = Math.ceil((h - 1) / k) + 1;
  const gn = gw * gh;
  const gx = new Float32Array(gn);
  const gy = new Float32Array(gn);
  for (let i = 0; i < gn; i++) gx[i] = 2 * r.next() - 1;
  for (let i = 0; i < gn; i++) gy[i] = 2 * r.next() - 1;
  const gs = sigma / k;
  if (gs > 0) {
    const radius = Math.min(Math.max(1, Math.round(4 * gs)), Math.min(gw, gh) - 1);
    if (radius >= 1) {
      const kernel = gaussianKernel(gs, radius);
      const scratch = tmp.length >= gn ? tmp : new Float32Array(gn);
      convolveSeparable(gx, 0, gw, gh, kernel, scratch);
      convolveSeparable(gy, 0, gw, gh, kernel, scratch);
    }
  }
  const scale = alpha / 2 / k;
  upsample(gx, gw, gh, k, dx, w, h, scale);
  upsample(gy, gw, gh, k, dy, w, h, scale);
}

/** Bilinear upsampling of a grid whose node (i, j) sits at pixel (i·k, j·k), times `scale`. */
function upsample(g: Float32Array, gw: number, gh: number, k: number, out: Float32Array, w: number, h: number, scale: number): void {
  if (k === 1) {
    for (let i = 0; i < w * h; i++) out[i] = g[i]! * scale;
    return;
  }
  for (let y = 0; y < h; y++) {
    const j = Math.min(Math.floor(y / k), gh - 2);
    const fy = y / k - j;
    const r0 = j * gw;
    const r1 = r0 + gw;
    for (let x = 0; x < w; x++) {
      const i = Math.min(Math.floor(x / k), gw - 2);
      const fx = x / k - i;
      const top = g[r0 + i]! + fx * (g[r0 + i + 1]! - g[r0 + i]!);
      const bot = g[r1 + i]! + fx * (g[r1 + i + 1]! - g[r1 + i]!);
      out[y * w + x] = (top + fy * (bot - top)) * scale;
    }
  }
}
