import { clamp01, clampMax1 } from './clamp.js';

// Per-sample intensity kernels on [0, 1] floats, in place, clamped to [0, 1] (as torchvision does for
// float images). `off` is the sample's first index, `n` its pixel count.

/** v·f */
export function brightnessKernel(d: Float32Array, off: number, n: number, f: number): void {
  const end = off + n;
  for (let k = off; k < end; k++) {
    d[k] = clampMax1(d[k]! * f);
  }
}

/** f·v + (1 − f)·mean(v) */
export function contrastKernel(d: Float32Array, off: number, n: number, f: number): void {
  const end = off + n;
  let sum = 0;
  for (let k = off; k < end; k++) sum += d[k]!;
  const shift = (1 - f) * (sum / n);
  for (let k = off; k < end; k++) {
    d[k] = clamp01(f * d[k]! + shift);
  }
}

// x^γ for 0 < x < 1 from the float's own bits: x = 2^e·(1 + m), so gain·x^γ = [gain·2^(γe)]·(1 + m)^γ —
// one table entry per exponent e, and (1 + m)^γ from 256 segments over the top 8 mantissa bits with
// linear interpolation over the remaining 15. The interpolation's relative error is at most
// |γ(γ − 1)|·2^−16/8 (the second derivative of (1 + m)^γ over (1 + m)^γ, times h²/8 with h = 1/256),
// so < 1e-6 for γ in [0.5, 2] and < 8e-6 while |γ(γ − 1)| ≤ 4 (γ ≤ 2.56); beyond that the exact
// per-pixel pow runs. Float32 storage adds its rounding (2^−24 relative).
const MANT_SEGMENTS = 256;
const lnMantissa = new Float64Array(MANT_SEGMENTS + 1);
for (let i = 0; i <= MANT_SEGMENTS; i++) lnMantissa[i] = Math.log(1 + i / MANT_SEGMENTS);
/** Pairs (value, slope per unit of the 15 low mantissa bits) of (1 + m)^γ at the 256 segment starts. */
const mantissaTable = new Float64Array(2 * MANT_SEGMENTS);
/** gain·2^(γ·(e − 127)) per biased exponent e = 1 … 126 (normal floats below 1). */
const octaveTable = new Float64Array(127);
const GAMMA_TABLE_MAX_CURVATURE = 4;

/** gain·v^γ, clamped to [0, 1]; 0 (and anything non-positive or NaN) maps to 0. */
export function gammaKernel(d: Float32Array, off: number, n: number, gamma: number, gain: number): void {
  const end = off + n;
  if (Math.abs(gamma * (gamma - 1)) > GAMMA_TABLE_MAX_CURVATURE) {
    for (let k = off; k < end; k++) d[k] = gammaExact(d[k]!, gamma, gain);
    return;
  }
  const t = mantissaTable;
  let prev = 1;
  for (let j = 0; j < MANT_SEGMENTS; j++) {
    const next = Math.exp(gamma * lnMantissa[j + 1]!);
    t[2 * j] = prev;
    t[2 * j + 1] = (next - prev) / 32768;
    prev = next;
  }
  const o = octaveTable;
  for (let e = 1; e < 127; e++) o[e] = gain * Math.exp(gamma * (e - 127) * Math.LN2);
  const bits = new Int32Array(d.buffer, d.byteOffset, d.length);
  for (let k = off; k < end; k++) {
    const b = bits[k]!;
    // Normal floats in (0, 1): biased exponent 1 … 126, sign 0.
    if (b >= 0x00800000 && b < 0x3f800000) {
      const j = (b >> 14) & 0x1fe;
      d[k] = clampMax1(o[b >> 23]! * (t[j]! + (b & 0x7fff) * t[j + 1]!));
    } else d[k] = gammaExact(d[k]!, gamma, gain);
  }
}

function gammaExact(x: number, gamma: number, gain: number): number {
  if (!(x > 0)) return 0;
  return clampMax1(gain * Math.pow(x, gamma));
}

/**
 * torchvision's adjust_sharpness: blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13 (border
 * pixels kept): f·v + (1 − f)·smooth. `tmp` holds ≥ w·h floats.
 *
 * With box = the plain 3×3 sum, f·v + (1 − f)(box + 4v)/13 = a·v + b·box (a = f + 4(1 − f)/13,
 * b = (1 − f)/13); box comes from running column sums, so each pixel costs three loads.
 */
export function sharpenKernel(d: Float32Array, off: number, w: number, h: number, f: number, tmp: Float32Array): void {
  const n = w * h;
  const t = tmp;
  t.set(d.subarray(off, off + n));
  const b = (1 - f) / 13;
  const a = f + 4 * b;
  for (let y = 1; y < h - 1; y++) {
    const c = y * w;
    const u = c - w;
    const l = c + w;
    let left = t[u]! + t[c]! + t[l]!;
    let mid = t[u + 1]! + t[c + 1]! + t[l + 1]!;
    let centre = t[c + 1]!;
    const o = off + c;
    for (let x = 1; x < w - 1; x++) {
      const next = t[c + x + 1]!;
      const right = t[u + x + 1]! + next + t[l + x + 1]!;
      d[o + x] = clamp01(a * centre + b * (left + mid + right));
      left = mid;
      mid = right;
      centre = next;
    }
  }
  // Border pixels: blend of the pixel with itself.
  for (let x = 0; x < w; x++) {
    d[off + x] = clamp01(t[x]!);
    d[off + (h - 1) * w + x] = clamp01(t[(h - 1) * w + x]!);
  }
  for (let y = 0; y < h; y++) {
    d[off + y * w] = clamp01(t[y * w]!);
    d[off + y * w + w - 1] = clamp01(t[y * w + w - 1]!);
  }
}
