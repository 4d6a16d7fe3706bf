import { clampMax1, clampPmax01 } from './clamp.js';
import { GAMMA_TABLE, HEAP_BASE, reserve, wasmKernels, type WasmKernels } from './wasm/module.js';

// Per-sample intensity kernels on [0, 1] floats, in place, clamped to [0, 1] (as torchvision does for
// float images). `off` is the sample's first index, `n` its pixel count.
//
// Brightness, contrast and gamma run in WebAssembly SIMD (wasm/pixel-kernels.c) when the engine has it:
// the image is copied into the kernels' memory in chunks, mapped there, and copied back. The JS fallbacks
// below perform the same IEEE float32 operations in the same order (Math.fround after each), so both give
// the same bytes. The factors are rounded to float32 first.

const fr = Math.fround;
/** Floats per chunk copied into the wasm memory (64 KB: the copy-in, the map and the copy-out stay in L2). */
const CHUNK = 16384;

/** Runs `kernel(pointer, blocks of 4)` over d[off … off + n) in chunks copied through the wasm memory. */
function mapInChunks(k: WasmKernels, d: Float32Array, off: number, n: number, kernel: (ptr: number, blocks: number) => void): void {
  const heap = reserve(k, 4 * Math.min(n + 3, CHUNK)).f32;
  const at = HEAP_BASE >> 2;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const from = off + start;
    heap.set(d.subarray(from, from + count), at);
    kernel(HEAP_BASE, (count + 3) >> 2);
    d.set(heap.subarray(at, at + count), from);
  }
}

/** min(max(fround(fround(v·a) + b), lo), hi) per pixel (a, b float32) in JS: the fallback of scale_shift. */
function scaleShiftJs(d: Float32Array, off: number, n: number, a: number, b: number, lo: number, hi: number): void {
  const end = off + n;
  for (let k = off; k < end; k++) {
    const x = fr(fr(d[k]! * a) + b);
    const y = x < lo ? lo : x;
    d[k] = hi < y ? hi : y;
  }
}

/**
 * v·f, then min(·, 1) (NaN kept), f rounded to float32: one float32 multiply per pixel. The wasm kernel
 * adds −0, which leaves every value (−0 included) unchanged.
 */
export function brightnessKernel(d: Float32Array, off: number, n: number, f: number): void {
  const a = fr(f);
  const k = wasmKernels();
  if (k === undefined) scaleShiftJs(d, off, n, a, -0, -Infinity, 1);
  else mapInChunks(k, d, off, n, (p, blocks) => k.pixel.scale_shift(p, blocks, a, -0, -Infinity, 1));
}

/**
 * The float64 sum of d[off … off + n) in a fixed order: eight partial sums over the indices ≡ j (mod 8)
 * (j = 0…7, each in index order), combined as ((s0 + s2) + (s4 + s6)) + ((s1 + s3) + (s5 + s7)) — what
 * the wasm kernel sum8 computes with four f64x2 accumulators.
 */
export function sum8Js(d: Float32Array, off: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const whole = off + (n & ~7);
  let k = off;
  for (; k < whole; k += 8) {
    s0 += d[k]!;
    s1 += d[k + 1]!;
    s2 += d[k + 2]!;
    s3 += d[k + 3]!;
    s4 += d[k + 4]!;
    s5 += d[k + 5]!;
    s6 += d[k + 6]!;
    s7 += d[k + 7]!;
  }
  // The tail: the wasm side adds zeros for the missing lanes, which changes no partial sum.
  const rest = n & 7;
  if (rest > 0) s0 += d[k]!;
  if (rest > 1) s1 += d[k + 1]!;
  if (rest > 2) s2 += d[k + 2]!;
  if (rest > 3) s3 += d[k + 3]!;
  if (rest > 4) s4 += d[k + 4]!;
  if (rest > 5) s5 += d[k + 5]!;
  if (rest > 6) s6 += d[k + 6]!;
  return s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
}

/**
 * f·v + (1 − f)·mean(v), clamped to [0, 1] as f32x4.pmax/pmin do (NaN kept): mean from {@link sum8Js}'s
 * float64 sum, shift = (1 − f)·mean in float64 rounded once to float32, then per pixel
 * fround(fround(v·f) + shift) with f rounded to float32.
 */
export function contrastKernel(d: Float32Array, off: number, n: number, f: number): void {
  const a = fr(f);
  const k = wasmKernels();
  if (k === undefined) {
    scaleShiftJs(d, off, n, a, fr((1 - f) * (sum8Js(d, off, n) / n)), 0, 1);
    return;
  }
  // The whole image in the wasm memory (two passes), zero-padded to a multiple of 8.
  const padded = (n + 7) & ~7;
  const heap = reserve(k, 4 * padded).f32;
  const at = HEAP_BASE >> 2;
  heap.set(d.subarray(off, off + n), at);
  heap.fill(0, at + n, at + padded);
  const shift = fr((1 - f) * (k.pixel.sum8(HEAP_BASE, padded >> 3) / n));
  k.pixel.scale_shift(HEAP_BASE, padded >> 2, a, shift, 0, 1);
  d.set(heap.subarray(at, at + n), off);
}

// gain·v^γ = gain·2^(γ·log2 v) with float32 polynomials (wasm/pixel-kernels.c, gamma_pow): v = 2^e·x,
// x in [sqrt(1/2), sqrt(2)) (subnormal v scaled by 2^24 first), log2 x = s·L(s²) with s = (x − 1)/(x + 1)
// (the atanh series); γ·e is exact as gh·e + gl·e (γ split into 12 + 24 significant bits), and
// γ·log2 v = gh·e + gl·e + γ·log2 x is reduced exactly to an integer n plus r in [−1/2, 1/2]; 2^r is
// Cephes' exp2f polynomial, and 2^n is built from its exponent bits (clamped to [−127, 127]: results
// below 2^−126 ≈ 1.2e-38 flush to 0). The error does not grow with |log2 v| (γ·log2 v is never rounded as
// a whole): relative to gain·v^γ it stays below GAMMA_MAX_RELATIVE_ERROR for γ ≤ GAMMA_POLY_MAX (tested in
// intensity-kernels.test.ts), growing slowly with γ; above GAMMA_POLY_MAX Math.pow runs per pixel.

/** Largest γ for the polynomial path; above it, Math.pow per pixel. */
export const GAMMA_POLY_MAX = 16;
const MAGIC = 12582912; // 1.5·2^23: fround(x + MAGIC) − MAGIC rounds x to an integer (ties to even) for |x| < 2^22
const L1 = fr(2.8853900817779268);
const L3 = fr(0.9617966939259756);
const L5 = fr(0.5770780163555854);
const L7 = fr(0.4121985831111324);
const L9 = fr(0.3205988979753252);
const E0 = fr(1.5353361883195e-4);
const E1 = fr(1.339887440266574e-3);
const E2 = fr(9.61843735767464e-3);
const E3 = fr(5.550332471162809e-2);
const E4 = fr(2.402264791363012e-1);
const E5 = fr(6.931472028550421e-1);
const bitsF = new Float32Array(1);
const bitsI = new Int32Array(bitsF.buffer);

/** The float32 parameters of gamma_pow for γ: [gh, gl, g] with gh + gl ≈ γ (gh: 12 significant bits, gl the float32 rest) and g = fround(γ). */
export function gammaParameters(gamma: number): [number, number, number] {
  bitsF[0] = gamma;
  bitsI[0] = bitsI[0]! & ~0xfff;
  const gh = bitsF[0]!;
  return [gh, fr(gamma - gh), fr(gamma)];
}

/** gamma_pow for one float32 v in JS: the same float32 operations in the same order (γ = 1 exactly: gain·v). */
export function gammaPoly(v: number, gh: number, gl: number, g: number, gain: number): number {
  if (!(v > 0)) return 0;
  if (gh === 1 && gl === 0) {
    const y = fr(v * gain); // γ = 1 exactly: gain·v
    return 1 < y ? 1 : y;
  }
  let e = 0;
  let u = v;
  if (v < 2 ** -126) {
    u = v * 2 ** 24; // exact
    e = -24;
  }
  bitsF[0] = u;
  const ix = (bitsI[0]! + (0x3f800000 - 0x3f3504f3)) | 0;
  e += (ix >> 23) - 0x7f;
  bitsI[0] = (ix & 0x007fffff) + 0x3f3504f3;
  const x = bitsF[0]!;
  const s = fr((x - 1) / fr(x + 1)); // x − 1 is exact (Sterbenz)
  const z = fr(s * s);
  let l = fr(fr(z * L9) + L7);
  l = fr(fr(l * z) + L5);
  l = fr(fr(l * z) + L3);
  l = fr(fr(l * z) + L1);
  l = fr(l * s);
  const big = fr(gh * e); // exact
  const tp = fr(big + MAGIC);
  let r = fr(fr(big - (tp - MAGIC)) + fr(gl * e)); // tp − MAGIC is exact
  r = fr(r + fr(g * l));
  const tq = fr(r + MAGIC);
  r = fr(r - (tq - MAGIC)); // exact
  let n = tp - MAGIC + (tq - MAGIC) + 127;
  n = n < 0 ? 0 : n > 254 ? 254 : n;
  let p = fr(fr(E0 * r) + E1);
  p = fr(fr(p * r) + E2);
  p = fr(fr(p * r) + E3);
  p = fr(fr(p * r) + E4);
  p = fr(fr(p * r) + E5);
  const y = fr(fr(fr(fr(p * r) + 1) * gain) * (n === 0 ? 0 : 2 ** (n - 127)));
  return 1 < y ? 1 : y;
}

/**
 * gain·v^γ, then min(·, 1); 0 (and anything non-positive or NaN) maps to 0. γ ≤ {@link GAMMA_POLY_MAX}:
 * float32 polynomials (see above; gain rounded to float32); larger γ: Math.pow per pixel.
 */
export function gammaKernel(d: Float32Array, off: number, n: number, gamma: number, gain: number): void {
  const end = off + n;
  if (!(gamma <= GAMMA_POLY_MAX)) {
    for (let k = off; k < end; k++) d[k] = gammaExact(d[k]!, gamma, gain);
    return;
  }
  const [gh, gl, g32] = gammaParameters(gamma);
  const g = fr(gain);
  const k = wasmKernels();
  if (k === undefined) for (let i = off; i < end; i++) d[i] = gammaPoly(d[i]!, gh, gl, g32, g);
  else mapInChunks(k, d, off, n, (p, blocks) => k.pixel.gamma_pow(p, blocks, gh, gl, g32, g, GAMMA_TABLE));
}

function gammaExact(x: number, gamma: number, gain: number): number {
  if (!(x > 0)) return 0;
  return clampMax1(gain * x ** gamma);
}

let colScratch = new Float32Array(0);

/**
 * torchvision's adjust_sharpness: blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13 (border
 * pixels kept): f·v + (1 − f)·smooth, clamped to [0, 1] as pmax/pmin (NaN kept). `tmp` holds ≥ w·h floats
 * (used by the JS fallback).
 *
 * With box = the plain 3×3 sum, f·v + (1 − f)(box + 4v)/13 = a·v + b·box with a = f + 4(1 − f)/13 and
 * b = (1 − f)/13 (each rounded to float32 once); box = (col[x − 1] + col[x]) + col[x + 1] from the
 * row's column sums col[x] = (up + centre) + down; per pixel fround(fround(v·a) + fround(box·b)). The
 * wasm kernel (pixel-kernels.c) and the JS fallback perform these float32 operations alike.
 */
export function sharpenKernel(d: Float32Array, off: number, w: number, h: number, f: number, tmp: Float32Array): void {
  const n = w * h;
  const b = fr((1 - f) / 13);
  const a = fr(f + (4 * (1 - f)) / 13);
  const k = wasmKernels();
  if (k !== undefined) {
    // Layout (floats): source [n], result [n], column sums [w].
    const heap = reserve(k, 4 * (2 * n + w)).f32;
    const src = HEAP_BASE >> 2;
    heap.set(d.subarray(off, off + n), src);
    k.pixel.sharpen(HEAP_BASE, HEAP_BASE + 4 * n, HEAP_BASE + 8 * n, w, h, a, b);
    d.set(heap.subarray(src + n, src + 2 * n), off);
    return;
  }
  const t = tmp;
  t.set(d.subarray(off, off + n));
  if (colScratch.length < w) colScratch = new Float32Array(w);
  const col = colScratch;
  for (let y = 0; y < h; y++) {
    const c = y * w;
    const o = off + c;
    if (y === 0 || y === h - 1) {
      for (let x = 0; x < w; x++) d[o + x] = clampPmax01(t[c + x]!);
      continue;
    }
    for (let x = 0; x < w; x++) col[x] = fr(fr(t[c - w + x]! + t[c + x]!) + t[c + w + x]!);
    d[o] = clampPmax01(t[c]!);
    for (let x = 1; x < w - 1; x++) {
      const box = fr(fr(col[x - 1]! + col[x]!) + col[x + 1]!);
      d[o + x] = clampPmax01(fr(fr(t[c + x]! * a) + fr(box * b)));
    }
    if (w > 1) d[o + w - 1] = clampPmax01(t[c + w - 1]!);
  }
}
