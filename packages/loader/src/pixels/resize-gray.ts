import { pixelKernels } from './pixel-kernels.js';
import type { ResizePolicy } from '@fpdb/schema';
import { resizeGeometry } from './resize-geometry.js';

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

/**
 * Separable resize: the vertical pass first (over full source rows: contiguous, so it vectorises), then
 * the horizontal one. Float32 arithmetic throughout — every product and every sum rounded to float32 in
 * tap order — so the WebAssembly kernels (wasm/pixel-kernels.c), when the engine has them, return the
 * very same bytes as this JavaScript.
 */
function scale(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const h = taps(sw, dw);
  const v = taps(sh, dh);
  const wasm = pixelKernels();
  if (wasm) {
    wasm.reset();
    const at = {
      src: wasm.put(src),
      vStart: wasm.put(v.start),
      vCount: wasm.put(v.count),
      vWeights: wasm.put(v.weights),
      hStart: wasm.put(h.start),
      hCount: wasm.put(h.count),
      hWeights: wasm.put(h.weights),
      mid: wasm.alloc((sw * dh + h.stride) * 4), // slack: resize_cols reads up to `stride` taps past a row
      out: wasm.alloc(dw * dh),
    };
    wasm.bytes().fill(0, at.mid + sw * dh * 4, at.mid + (sw * dh + h.stride) * 4); // finite zeros: 0·w adds nothing
    wasm.exports.resize_rows(at.src, sw, dh, at.vStart, at.vCount, at.vWeights, v.stride, at.mid);
    wasm.exports.resize_cols(at.mid, sw, dh, dw, at.hStart, at.hCount, at.hWeights, h.stride, at.out);
    return wasm.bytes().slice(at.out, at.out + dw * dh);
  }
  const f = Math.fround;
  const mid = new Float32Array(sw * dh);
  for (let y = 0; y < dh; y++) {
    const s0 = v.start[y]!;
    const base = y * v.stride;
    const n = v.count[y]!;
    for (let x = 0; x < sw; x++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc = f(acc + f(src[(s0 + k) * sw + x]! * v.weights[base + k]!));
      mid[y * sw + x] = acc;
    }
  }
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      const s0 = row + h.start[x]!;
      const base = x * h.stride;
      for (let k = 0, n = h.count[x]!; k < n; k++) acc = f(acc + f(mid[s0 + k]! * h.weights[base + k]!));
      out[y * dw + x] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}

/**
 * Resizes a one-channel 8-bit image to `width`×`height` under a policy with an antialiased linear
 * (triangle) filter, as PIL's BILINEAR. Runs as WebAssembly where the engine compiles it
 * synchronously, else as plain JavaScript: the same bytes either way. Browser-safe.
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
