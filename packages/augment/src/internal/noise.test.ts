import { afterEach, describe, expect, it } from 'vitest';
import { angleOffset, cosPoly, drawNormals, gaussianNoiseKernel, logUniform, mulberryMix, sinPoly, speckleNoiseKernel } from './noise.js';
import { firstDifference } from '../../test/testing.js';
import { AUGMENT_KERNELS_WASM_BASE64 } from './wasm/kernels-wasm.js';
import { setForceFallback, wasmKernels } from './wasm/module.js';

afterEach(() => setForceFallback(false));

const WEYL = 0x6d2b79f5;

/** Φ(x), the standard normal CDF, via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** The checks a sample of i.i.d. N(0, 1) passes (each at 5 standard errors, KS at the 0.1 % level); returns the failed ones. */
function normalityFailures(z: ArrayLike<number>): string[] {
  const n = z.length;
  const failed: string[] = [];
  let s1 = 0;
  for (let i = 0; i < n; i++) s1 += z[i]!;
  const mean = s1 / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = z[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const skew = m3 / m2 ** 1.5;
  const kurtosis = m4 / (m2 * m2);
  if (Math.abs(mean) > 5 / Math.sqrt(n)) failed.push(`mean ${mean}`);
  if (Math.abs(m2 - 1) > 5 * Math.sqrt(2 / n)) failed.push(`variance ${m2}`);
  if (Math.abs(skew) > 5 * Math.sqrt(6 / n)) failed.push(`skew ${skew}`);
  if (Math.abs(kurtosis - 3) > 5 * Math.sqrt(24 / n)) failed.push(`kurtosis ${kurtosis}`);
  for (const k of [1, 2, 3, 4]) {
    const p = 2 * normalCdf(-k);
    let beyond = 0;
    for (let i = 0; i < n; i++) if (Math.abs(z[i]!) > k) beyond++;
    if (Math.abs(beyond / n - p) > 5 * Math.sqrt((p * (1 - p)) / n)) failed.push(`beyond ${k}σ: ${beyond / n}, want ${p}`);
  }
  const sorted = Float64Array.from(z).sort();
  let ks = 0;
  for (let i = 0; i < n; i++) {
    const c = normalCdf(sorted[i]!);
    ks = Math.max(ks, Math.abs(c - i / n), Math.abs(c - (i + 1) / n));
  }
  if (ks > 1.95 / Math.sqrt(n)) failed.push(`Kolmogorov–Smirnov distance ${ks}`);
  return failed;
}

/** Box–Muller on the generator's draws with the given sin/cos (for the reference and the broken generators). */
function boxMuller(n: number, seed: number, sin: (t: number) => number, cos: (t: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let base = 0; base < n; base += 8) {
    for (let i = 0; i < 4; i++) {
      const a = mulberryMix((seed + Math.imul(base + 1 + i, WEYL)) | 0);
      const b = mulberryMix((seed + Math.imul(base + 5 + i, WEYL)) | 0);
      const r = Math.sqrt(-2 * Math.log(((a >>> 8) + 1) / 2 ** 24));
      const theta = (2 * Math.PI * (b >>> 6)) / 2 ** 26;
      if (base + i < n) out[base + i] = r * cos(theta);
      if (base + i + 4 < n) out[base + i + 4] = r * sin(theta);
    }
  }
  return out;
}

describe('normal generator', () => {
  it('loads the SIMD WebAssembly kernels in Node; the module stays under 4 KB (a browser main thread compiles it synchronously)', () => {
    expect(wasmKernels()).toBeDefined();
    const b64 = AUGMENT_KERNELS_WASM_BASE64;
    expect(b64.length * 0.75 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0)).toBeLessThanOrEqual(4096);
  });

  it('ln, sin and cos polynomials stay within 1 ulp of Math.log / Math.sin / Math.cos over their inputs', () => {
    const ulp = (v: number): number => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);
    let logUlps = 0;
    // Every 64th of the 2^24 uniforms, and the ends of the range.
    for (let m = 1; m <= 2 ** 24; m += m < 4096 || m > 2 ** 24 - 4096 ? 1 : 64) {
      const want = Math.log(m * 2 ** -24);
      if (want !== 0) logUlps = Math.max(logUlps, Math.abs(logUniform((m - 1) << 8) - want) / ulp(want));
      else expect(logUniform((m - 1) << 8)).toBe(0);
    }
    let sinUlps = 0;
    let cosUlps = 0;
    let maxAngle = 0;
    for (let j = -(2 ** 23); j < 2 ** 23; j += Math.abs(j) < 4096 || j > 2 ** 23 - 4096 ? 1 : 64) {
      const a = angleOffset((j << 6) & 0x3fffffff);
      maxAngle = Math.max(maxAngle, Math.abs(a));
      if (a !== 0) sinUlps = Math.max(sinUlps, Math.abs(sinPoly(a) - Math.sin(a)) / ulp(Math.sin(a)));
      cosUlps = Math.max(cosUlps, Math.abs(cosPoly(a) - Math.cos(a)) / ulp(Math.cos(a)));
    }
    expect(maxAngle).toBe(Math.fround(Math.PI / 4));
    // Exhaustive maxima (all 2^24 inputs): 0.83, 0.80 and 0.99 ulp.
    expect(logUlps).toBeLessThan(0.84);
    expect(sinUlps).toBeLessThan(0.81);
    expect(cosUlps).toBeLessThan(1);
  });

  it('draws what exact Box–Muller gives on the Mulberry32 stream of the seed, to float32 accuracy', () => {
    for (const seed of [0, 7, -123456789]) {
      const n = 4099;
      const z = drawNormals(n, seed);
      const ref = boxMuller(n, seed, Math.sin, Math.cos);
      for (let k = 0; k < n; k++) expect(Math.abs(z[k]! - ref[k]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref[k]!)));
    }
  });

  it('is normal over 2^20 draws: moments, tails to 4σ and the Kolmogorov–Smirnov distance', () => {
    const z = drawNormals(1 << 20, 20240601);
    expect(normalityFailures(z)).toEqual([]);
    let max = 0;
    for (const v of z) max = Math.max(max, Math.abs(v));
    expect(max).toBeGreaterThan(4.5);
    expect(max).toBeLessThanOrEqual(5.77);
  });

  it('the normality checks reject a uniform and a badly approximated Box–Muller', () => {
    const n = 1 << 20;
    const uniform = new Float64Array(n);
    for (let k = 0; k < n; k++) uniform[k] = ((mulberryMix(Math.imul(k + 1, WEYL)) >>> 0) / 2 ** 32 - 0.5) * Math.sqrt(12);
    expect(normalityFailures(uniform)).not.toEqual([]);
    // Quadrant reduction kept, but sin a ≈ a and cos a ≈ 1 − a²/2 on [−π/4, π/4] (errors up to 8 %).
    const reduce = (t: number): [number, number] => {
      const q = Math.round(t / (Math.PI / 2));
      return [q & 3, t - (q * Math.PI) / 2];
    };
    const crudeSin = (t: number): number => {
      const [q, a] = reduce(t);
      return [a, 1 - (a * a) / 2, -a, -(1 - (a * a) / 2)][q]!;
    };
    const crudeCos = (t: number): number => {
      const [q, a] = reduce(t);
      return [1 - (a * a) / 2, -a, -(1 - (a * a) / 2), a][q]!;
    };
    expect(normalityFailures(boxMuller(n, 3, Math.sin, Math.cos))).toEqual([]);
    expect(normalityFailures(boxMuller(n, 3, crudeSin, crudeCos))).not.toEqual([]);
  });
});

describe('noise kernels: WebAssembly and the JS fallback give the same bytes', () => {
  /** Pixels in [0, 1] with exact zeros, −0, and a few values outside [0, 1]. */
  function image(n: number, seed: number): Float32Array {
    const d = new Float32Array(n);
    let s = seed >>> 0;
    for (let k = 0; k < n; k++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const u = s / 2 ** 32;
      d[k] = u < 0.1 ? 0 : u < 0.12 ? -0 : u < 0.14 ? u * 20 - 2 : u;
    }
    return d;
  }
  const cases: [string, (d: Float32Array, off: number, n: number, seed: number) => void][] = [
    ['gaussian, clipped', (d, off, n, seed) => gaussianNoiseKernel(d, off, n, 0.05, 0.03, seed, true)],
    ['gaussian, not clipped', (d, off, n, seed) => gaussianNoiseKernel(d, off, n, -0.2, 0.7, seed, false)],
    ['speckle, clipped', (d, off, n, seed) => speckleNoiseKernel(d, off, n, 0.15, seed, true)],
    ['speckle, not clipped', (d, off, n, seed) => speckleNoiseKernel(d, off, n, 2.5, seed, false)],
  ];
  for (const [name, run] of cases) {
    it(name, () => {
      for (const n of [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 100, 1001, 128 * 128 + 3]) {
        for (const seed of [0, 1, -1, 0x7fffffff, -0x80000000, 987654321]) {
          const src = image(n + 10, seed ^ n);
          const viaWasm = src.slice();
          run(viaWasm, 5, n, seed);
          setForceFallback(true);
          const viaJs = src.slice();
          run(viaJs, 5, n, seed);
          setForceFallback(false);
          expect(firstDifference(viaJs, viaWasm)).toBe(-1);
          // only the n pixels at the offset change
          expect(viaWasm.subarray(0, 5)).toEqual(src.subarray(0, 5));
          expect(viaWasm.subarray(5 + n)).toEqual(src.subarray(5 + n));
        }
      }
    });
  }

  it('speckle keeps exact zeros (and −0) as they are, Gaussian noise moves them', () => {
    const src = image(4096, 9);
    const s = src.slice();
    speckleNoiseKernel(s, 0, s.length, 0.5, 4, false);
    const g = src.slice();
    gaussianNoiseKernel(g, 0, g.length, 0, 0.1, 4, false);
    let moved = 0;
    for (let k = 0; k < src.length; k++) {
      if (src[k] === 0) {
        expect(Object.is(s[k], src[k])).toBe(true);
        if (g[k] !== 0) moved++;
      } else expect(s[k]).not.toBe(src[k]);
    }
    expect(moved).toBeGreaterThan(400);
  });
});

describe('whole pipelines without WebAssembly', () => {
  it('give the same bytes as with it (noise, speckle, resized crops, policies)', async () => {
    const { compose, gaussianNoise, randAugment, randomResizedCrop, speckleNoise, trivialAugment, ultrasoundDefaults } = await import('../index.js');
    const { noiseBatch } = await import('../../test/testing.js');
    const pipelines = [
      compose([randomResizedCrop({ scale: [0.3, 0.9] }), gaussianNoise({ mean: 0.02, std: [0, 0.1] }), speckleNoise({ std: [0, 0.3] })]),
      randAugment(3, 12),
      trivialAugment({ ops: ['gaussianNoise', 'speckleNoise', 'rotate'] }),
      ultrasoundDefaults(),
    ];
    for (const [i, p] of pipelines.entries()) {
      for (const [h, w] of [
        [24, 20],
        [33, 17],
      ] as const) {
        const batch = noiseBatch(6, h, w, i + 1);
        const viaWasm = p.apply(batch, 100 + i).data as Float32Array;
        setForceFallback(true);
        const viaJs = p.apply(batch, 100 + i).data as Float32Array;
        setForceFallback(false);
        expect(firstDifference(viaJs, viaWasm)).toBe(-1);
        expect(firstDifference(viaWasm, batch.data)).not.toBe(-1);
      }
    }
  });
});
