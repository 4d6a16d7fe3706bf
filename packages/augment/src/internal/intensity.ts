// Per-sample intensity kernels on [0, 1] floats, in place, clamped to [0, 1] (as torchvision does for
// float images). `off` is the sample's first index, `n` its pixel count.

/** v·f */
export function brightnessKernel(d: Float32Array, off: number, n: number, f: number): void {
  const end = off + n;
  for (let k = off; k < end; k++) {
    const v = d[k]! * f;
    d[k] = v > 1 ? 1 : v;
  }
}

/** f·v + (1 − f)·mean(v) */
export function contrastKernel(d: Float32Array, off: number, n: number, f: number): void {
  const end = off + n;
  let sum = 0;
  for (let k = off; k < end; k++) sum += d[k]!;
  const shift = (1 - f) * (sum / n);
  for (let k = off; k < end; k++) {
    const v = f * d[k]! + shift;
    d[k] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

const GAMMA_BINS = 1024;
const gammaTable = new Float32Array(GAMMA_BINS + 2);

/**
 * gain·v^γ. A 1024-bin table with linear interpolation replaces the per-pixel pow; below 1/256, where
 * v^γ curves hardest, and above 1 the exact pow is used, so the error stays < 1e-4 for γ ≥ 0.5.
 */
export function gammaKernel(d: Float32Array, off: number, n: number, gamma: number, gain: number): void {
  const t = gammaTable;
  for (let i = 0; i <= GAMMA_BINS + 1; i++) {
    const v = gain * Math.pow(i / GAMMA_BINS, gamma);
    t[i] = v > 1 ? 1 : v;
  }
  const end = off + n;
  for (let k = off; k < end; k++) {
    const x = d[k]!;
    if (x > 0.00390625 && x < 1) {
      const u = x * GAMMA_BINS;
      const i = u | 0;
      const a = t[i]!;
      d[k] = a + (u - i) * (t[i + 1]! - a);
    } else if (x > 0) {
      const v = gain * Math.pow(x, gamma);
      d[k] = v > 1 ? 1 : v;
    } else d[k] = 0;
  }
}

// The noise loops inline Mulberry32 (seeded per image from the pipeline's Rng) and Marsaglia's polar
// method, two normals per accepted pair: a closure call per pixel would cost more than the maths.

/** v + N(mean, std²) per pixel, optionally clamped; `seed` drives the per-pixel generator. */
export function gaussianNoiseKernel(d: Float32Array, off: number, n: number, mean: number, std: number, seed: number, clip: boolean): void {
  let s = seed | 0;
  const end = off + n;
  let k = off;
  while (k < end) {
    let u: number;
    let v: number;
    let q: number;
    do {
      let t = (s = (s + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      u = ((t ^ (t >>> 14)) >>> 0) * (2 / 4294967296) - 1;
      t = (s = (s + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      v = ((t ^ (t >>> 14)) >>> 0) * (2 / 4294967296) - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q) * std;
    let r = d[k]! + mean + u * f;
    d[k++] = clip ? (r < 0 ? 0 : r > 1 ? 1 : r) : r;
    if (k < end) {
      r = d[k]! + mean + v * f;
      d[k++] = clip ? (r < 0 ? 0 : r > 1 ? 1 : r) : r;
    }
  }
}

/**
 * v·(1 + N(0, std²)) per pixel, optionally clamped (multiplicative speckle, as skimage's 'speckle').
 * Black pixels stay black and draw nothing.
 */
export function speckleNoiseKernel(d: Float32Array, off: number, n: number, std: number, seed: number, clip: boolean): void {
  let s = seed | 0;
  const end = off + n;
  let k = off;
  let spare = 0;
  let hasSpare = false;
  for (; k < end; k++) {
    const x = d[k]!;
    if (x === 0) continue;
    let g: number;
    if (hasSpare) {
      g = spare;
      hasSpare = false;
    } else {
      let u: number;
      let v: number;
      let q: number;
      do {
        let t = (s = (s + 0x6d2b79f5) | 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        u = ((t ^ (t >>> 14)) >>> 0) * (2 / 4294967296) - 1;
        t = (s = (s + 0x6d2b79f5) | 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        v = ((t ^ (t >>> 14)) >>> 0) * (2 / 4294967296) - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      g = u * f;
      spare = v * f;
      hasSpare = true;
    }
    const r = x * (1 + std * g);
    d[k] = clip ? (r < 0 ? 0 : r > 1 ? 1 : r) : r;
  }
}

/**
 * torchvision's adjust_sharpness: blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13 (border
 * pixels kept): f·v + (1 − f)·smooth. `tmp` holds ≥ w·h floats.
 */
export function sharpenKernel(d: Float32Array, off: number, w: number, h: number, f: number, tmp: Float32Array): void {
  const n = w * h;
  for (let k = 0; k < n; k++) tmp[k] = d[off + k]!;
  const g = 1 - f;
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = r + x;
      const c = tmp[i]!;
      const s = (tmp[i - w - 1]! + tmp[i - w]! + tmp[i - w + 1]! + tmp[i - 1]! + 5 * c + tmp[i + 1]! + tmp[i + w - 1]! + tmp[i + w]! + tmp[i + w + 1]!) / 13;
      const v = f * c + g * s;
      d[off + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  // Border pixels: blend of the pixel with itself.
  for (let x = 0; x < w; x++) {
    d[off + x] = clamp01(tmp[x]!);
    d[off + (h - 1) * w + x] = clamp01(tmp[(h - 1) * w + x]!);
  }
  for (let y = 0; y < h; y++) {
    d[off + y * w] = clamp01(tmp[y * w]!);
    d[off + y * w + w - 1] = clamp01(tmp[y * w + w - 1]!);
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
