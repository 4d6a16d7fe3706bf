import { HEAP_BASE, NOISE_TABLE, reserve, wasmKernels } from './wasm/module.js';

// Per-pixel Gaussian and speckle noise. The normals come from a counter-based generator that vectorises:
// draw j (1-based) of a seed is Mulberry32's output for the state seed + j·0x6d2b79f5 — exactly the
// scalar Mulberry32 stream of the seed, computed four lanes at a time — and Box–Muller turns the pair of
// draws (8k + 1 + i, 8k + 5 + i), i = 0…3, into the normals of pixels 8k + i (radius·cos θ) and
// 8k + 4 + i (radius·sin θ):
//   u = ((a >>> 8) + 1)·2^−24 in [2^−24, 1]   → radius = sqrt(−2 ln u)       (at most 5.77σ)
//   θ = 2π·(top 26 bits of b)/2^26              → exact quadrant reduction, offset in [−π/4, π/4)
// ln is musl's logf and sin/cos are Cephes' sinf/cosf polynomials, all in float32. Their errors, measured
// on every input the generator can produce (2^24 values each; noise.test.ts rechecks every 64th):
//   ln u:         ≤ 0.83 ulp of the result (≤ 8.0e-8 relative, ≤ 4.9e-7 absolute as |ln u| ≤ 16.6)
//                 against Math.log of the same float u;
//   sin a, cos a: ≤ 0.80 ulp and ≤ 0.99 ulp (≤ 4.8e-8 and ≤ 5.9e-8 absolute) against Math.sin / Math.cos
//                 of the same float a.
// So each normal is within ~3e-7 relative of sqrt(−2 ln u)·cos θ for its own (u, θ).
// The kernels run in WebAssembly SIMD (wasm/kernels.c) when the engine has it; this file's JS versions
// perform the same IEEE float32 operations in the same order (Math.fround after each — an operation of
// two float32 values rounded once in float64 then to float32 is the float32 result — except where the
// float32 result is exact anyway, and Math.imul), so both give the same bytes: same seed → same bytes on
// every platform. The JS path is ~15× slower than the wasm one; it is only the fallback.

const f = Math.fround;
const WEYL = 0x6d2b79f5;
const TWO_M24 = 2 ** -24;
const LG1 = 0xaaaaaa * 2 ** -24;
const LG2 = 0xccce13 * 2 ** -25;
const LG3 = 0x91e9ee * 2 ** -25;
const LG4 = 0xf89e26 * 2 ** -26;
const LN2_HI = 0xb17180 * 2 ** -24;
const LN2_LO = 0x97f7d1 * 2 ** -40;
/** (π/2)/2^24 rounded to float32: one step of the 24-bit angle offset. */
const ANGLE_STEP = 0x1921fb6 * 2 ** -48;
const S1 = f(1.6666654611e-1);
const S2 = f(8.3321608736e-3);
const S3 = f(-1.9515295891e-4);
const C1 = f(4.166664568298827e-2);
const C2 = f(1.388731625493765e-3);
const C3 = f(2.443315711809948e-5);

const bitsF = new Float32Array(1);
const bitsI = new Int32Array(bitsF.buffer);

/** Mulberry32's output for the (already advanced) state `t`. */
export function mulberryMix(t: number): number {
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return t ^ (t >>> 14);
}

/** ln(u) in float32 for the uniform u = ((a >>> 8) + 1)·2^−24 of the 32-bit draw `a`. */
export function logUniform(a: number): number {
  bitsF[0] = ((a >>> 8) + 1) * TWO_M24;
  const ix = (bitsI[0]! + (0x3f800000 - 0x3f3504f3)) | 0;
  const k = (ix >>> 23) - 0x7f;
  bitsI[0] = (ix & 0x007fffff) + 0x3f3504f3;
  const x = bitsF[0]!;
  const fm1 = x - 1; // exact (Sterbenz: x in [0.70, 1.42])
  const s = f(fm1 / f(2 + fm1));
  const z = f(s * s);
  const w = f(z * z);
  const t1 = f(w * f(LG2 + f(w * LG4)));
  const t2 = f(z * f(LG1 + f(w * LG3)));
  const r = f(t2 + t1);
  const hfsq = f(0.5 * fm1 * fm1); // 0.5·fm1 is exact
  let y = f(f(s * f(hfsq + r)) + f(k * LN2_LO));
  y = f(y - hfsq);
  y = f(y + fm1);
  return f(y + k * LN2_HI); // k·LN2_HI is exact: |k| ≤ 24 and LN2_HI has 17 significant bits
}

/** The float32 angle offset a in [−π/4, π/4) of the 32-bit draw `b` (its quadrant is (b + 2^29) >>> 30). */
export function angleOffset(b: number): number {
  return f(((b << 2) >> 8) * ANGLE_STEP);
}

/** Cephes' sinf polynomial at a float32 a in [−π/4, π/4]. */
export function sinPoly(a: number): number {
  const z = f(a * a);
  let p = f(f(S3 * z) + S2);
  p = f(f(p * z) - S1);
  return f(f(f(p * z) * a) + a);
}

/** Cephes' cosf polynomial at a float32 a in [−π/4, π/4]. */
export function cosPoly(a: number): number {
  const z = f(a * a);
  let p = f(f(C3 * z) - C2);
  p = f(f(p * z) + C1);
  let c = f(f(p * z) * z);
  c = f(c - f(0.5 * z));
  return f(c + 1);
}

/** Pixels per chunk of the JS fallback: its radii go through a small scratch array first. */
const CHUNK = 1024;
const radii = new Float32Array(CHUNK / 2);

/** radii[4b + i] = std·sqrt(−2 ln u) of draw 8(b0 + b) + 1 + i, for b < blocks. */
function fillRadii(seed: number, b0: number, blocks: number, std: number): void {
  const r = radii;
  for (let b = 0; b < blocks; b++) {
    const s0 = (seed + Math.imul(8 * (b0 + b), WEYL)) | 0;
    for (let i = 0; i < 4; i++) {
      const ln = logUniform(mulberryMix((s0 + Math.imul(i + 1, WEYL)) | 0));
      r[4 * b + i] = f(f(Math.sqrt(-2 * ln)) * std); // −2·ln is exact
    }
  }
}

/**
 * Applies the noise of `seed` to d[off … off + n) in JS, bit-identical to the wasm kernel.
 * mode 0: v + mean + z (Gaussian); mode 1: v·(1 + z) with exact zeros kept (speckle).
 * Clamping is min(max(r, lo), hi) as f32x4.pmax/pmin do it, with [lo, hi] = [−∞, ∞] when not clipping.
 */
function noiseJs(d: Float32Array, off: number, n: number, mean: number, std: number, seed: number, clip: boolean, mode: 0 | 1): void {
  const m = f(mean);
  const sd = f(std);
  const lo = clip ? 0 : -Infinity;
  const hi = clip ? 1 : Infinity;
  const r = radii;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const b0 = start >> 3;
    fillRadii(seed, b0, (count + 7) >> 3, sd);
    for (let k = 0; k < count; k++) {
      const b = k >> 3;
      const lane = k & 3;
      const draw = mulberryMix((seed + Math.imul(8 * (b0 + b) + 5 + lane, WEYL)) | 0);
      const q = ((draw + 0x20000000) | 0) >>> 30;
      const a = angleOffset(draw);
      // pixel 8b + lane takes cos θ, pixel 8b + 4 + lane takes sin θ (quadrant q: swap when odd, signs).
      const useSin = (k & 4) !== 0;
      const odd = (q & 1) === 1;
      let t = useSin !== odd ? sinPoly(a) : cosPoly(a);
      if (useSin ? (q & 2) !== 0 : ((q + 1) & 2) !== 0) t = -t;
      const z = f(r[4 * b + lane]! * t);
      const at = off + start + k;
      const v = d[at]!;
      if (mode === 1 && v === 0) continue;
      let x = mode === 0 ? f(f(v + m) + z) : f(v * f(1 + z));
      x = x < lo ? lo : x;
      d[at] = hi < x ? hi : x;
    }
  }
}

function noise(d: Float32Array, off: number, n: number, mean: number, std: number, seed: number, clip: boolean, mode: 0 | 1): void {
  const k = wasmKernels();
  if (k === undefined) {
    noiseJs(d, off, n, mean, std, seed, clip, mode);
    return;
  }
  const blocks = (n + 7) >> 3;
  const heap = reserve(k, blocks * 32).f32;
  const at = HEAP_BASE >> 2;
  heap.set(d.subarray(off, off + n), at);
  if (mode === 0) k.exports.gaussian_noise(HEAP_BASE, blocks, mean, std, seed, clip ? 1 : 0, NOISE_TABLE);
  else k.exports.speckle_noise(HEAP_BASE, blocks, std, seed, clip ? 1 : 0, NOISE_TABLE);
  d.set(heap.subarray(at, at + n), off);
}

/** v + N(mean, std²) per pixel of d[off … off + n), optionally clamped to [0, 1]; `seed` drives the generator. */
export function gaussianNoiseKernel(d: Float32Array, off: number, n: number, mean: number, std: number, seed: number, clip: boolean): void {
  noise(d, off, n, mean, std, seed, clip, 0);
}

/**
 * v·(1 + N(0, std²)) per pixel, optionally clamped (multiplicative speckle, as skimage's 'speckle').
 * Black pixels (exact zeros) stay black.
 */
export function speckleNoiseKernel(d: Float32Array, off: number, n: number, std: number, seed: number, clip: boolean): void {
  noise(d, off, n, 0, std, seed, clip, 1);
}

/** `n` standard normals of `seed` (the generator alone: pixel k of a zero image under unit noise). */
export function drawNormals(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  gaussianNoiseKernel(out, 0, n, 0, 1, seed, false);
  return out;
}
