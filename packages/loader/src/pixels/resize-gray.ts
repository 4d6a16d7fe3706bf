import { resizeGeometry, type ResizePolicy } from './resize-geometry.js';

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

// Antialiased linear (triangle) filter whose support widens with the downscale factor, as PIL's
// BILINEAR: every source pixel contributes, so shrinking 960 → 128 does not alias.
function taps(src: number, dst: number): Taps {
  const scale = dst / src;
  const support = scale < 1 ? 1 / scale : 1;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) / scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(src, Math.ceil(centre + support));
    let sum = 0;
    let n = 0;
    for (let j = lo; j < hi && n < stride; j++, n++) {
      const w = Math.max(0, 1 - Math.abs(j + 0.5 - centre) / support);
      weights[i * stride + n] = w;
      sum += w;
    }
    if (sum === 0) {
      weights[i * stride] = 1;
      n = Math.max(n, 1);
      sum = 1;
    }
    for (let k = 0; k < n; k++) weights[i * stride + k]! /= sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, stride };
}

function scale(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const h = taps(sw, dw);
  const v = taps(sh, dh);
  const mid = new Float32Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      const s0 = h.start[x]!;
      const base = x * h.stride;
      for (let k = 0, n = h.count[x]!; k < n; k++) acc += src[row + s0 + k]! * h.weights[base + k]!;
      mid[y * dw + x] = acc;
    }
  }
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const s0 = v.start[y]!;
    const base = y * v.stride;
    const n = v.count[y]!;
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += mid[(s0 + k) * dw + x]! * v.weights[base + k]!;
      out[y * dw + x] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}

/**
 * Resizes a one-channel 8-bit image to `width`×`height` under a policy, in plain JavaScript
 * (antialiased linear filter; browser-safe). The Node path uses sharp's lanczos3 with the same
 * {@link resizeGeometry}; the two agree within a few gray levels.
 * @returns `width·height` bytes, row-major; letterbox borders are 0.
 * @example resizeGray(pixels, 960, 660, 128, 128, 'pad')
 */
export function resizeGray(src: Uint8Array, srcWidth: number, srcHeight: number, width: number, height: number, policy: ResizePolicy = 'stretch'): Uint8Array {
  const g = resizeGeometry(srcWidth, srcHeight, width, height, policy);
  const scaled = g.scaledWidth === srcWidth && g.scaledHeight === srcHeight ? src : scale(src, srcWidth, srcHeight, g.scaledWidth, g.scaledHeight);
  if (policy === 'stretch') return scaled;
  const out = new Uint8Array(width * height);
  if (policy === 'pad') {
    for (let y = 0; y < g.scaledHeight; y++) out.set(scaled.subarray(y * g.scaledWidth, (y + 1) * g.scaledWidth), (y + g.offsetY) * width + g.offsetX);
  } else {
    for (let y = 0; y < height; y++) {
      const from = (y + g.offsetY) * g.scaledWidth + g.offsetX;
      out.set(scaled.subarray(from, from + width), y * width);
    }
  }
  return out;
}
