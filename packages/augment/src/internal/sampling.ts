import type { Rng } from '@fpdb/schema';

/** Gamma(shape, 1) by Marsaglia–Tsang, using `rng`. */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = rng.next();
    return sampleGamma(rng, shape + 1) * (u === 0 ? Number.MIN_VALUE : u) ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) from two gamma draws. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x + y === 0 ? 0.5 : x / (x + y);
}

/** A 32-bit seed for a kernel's inlined generator, drawn from `rng`. */
export function drawSeed(rng: Rng): number {
  return Math.floor(rng.next() * 4294967296) | 0;
}
