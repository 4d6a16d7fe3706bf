import type { FastRandom, Rng } from '@fpdb/schema';

/** Inverse normal CDF (Acklam's rational approximation), precise to about 1e-9. */
function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < lo ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

const NORMAL_QUANTILES = new Float32Array(4096);
for (let i = 0; i < 4096; i++) NORMAL_QUANTILES[i] = inverseNormal((i + 0.5) / 4096);

/**
 * A standard normal sample from one 32-bit draw of `fr`, by table lookup of the inverse CDF (4,096
 * quantiles): one draw per sample, for the millions of speckle samples of a frame.
 */
export function tableNormal(fr: FastRandom): number {
  return NORMAL_QUANTILES[fr.nextUint32() >>> 20]!;
}

/** Smoothstep from 0 at `e0` to 1 at `e1`. */
export function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * A smooth random field on [0, 1]² (bilinear value noise on a `gx × gy` grid with smoothstep
 * interpolation), values in [lo, hi].
 */
export function createValueNoise(rng: Rng, gx: number, gy: number, lo: number, hi: number): (u: number, v: number) => number {
  const grid = new Float32Array((gx + 1) * (gy + 1));
  for (let i = 0; i < grid.length; i++) grid[i] = lo + (hi - lo) * rng.next();
  return (u, v) => {
    const x = Math.min(Math.max(u, 0), 1) * gx;
    const y = Math.min(Math.max(v, 0), 1) * gy;
    const i = Math.min(gx - 1, Math.floor(x));
    const j = Math.min(gy - 1, Math.floor(y));
    let fx = x - i;
    let fy = y - j;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    const k = j * (gx + 1) + i;
    const a = grid[k]!;
    const b = grid[k + 1]!;
    const c = grid[k + gx + 1]!;
    const d = grid[k + gx + 2]!;
    return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
  };
}
