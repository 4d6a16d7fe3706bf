/**
 * Clamps `v` to [0, 1] without a data-dependent branch: on noisy images a compare-and-branch clamp
 * mispredicts on a large share of pixels and costs several times the arithmetic around it.
 * (v + |v|)/2 − (w + |w|)/2 with w = v − 1 is exact: each half is exactly max(·, 0) in floating point,
 * so values in [0, 1] come back unchanged, and v in (1, 2] gives exactly 1. The two pre-caps (taken only
 * by values outside [−2, 2], rare and well predicted) keep larger values and ±Infinity exact. NaN stays NaN.
 */
export function clamp01(v: number): number {
  if (v > 2) v = 2;
  else if (v < -2) v = -2;
  const w = v - 1;
  return (v + Math.abs(v)) * 0.5 - (w + Math.abs(w)) * 0.5;
}

/** min(v, 1) without a data-dependent branch, exact like {@link clamp01}: v − max(v − 1, 0). NaN stays NaN. */
export function clampMax1(v: number): number {
  if (v > 2) v = 2;
  else if (v === -Infinity) return v;
  const w = v - 1;
  return v - (w + Math.abs(w)) * 0.5;
}

/**
 * min(max(v, 0), 1) as WebAssembly's f32x4.pmax/pmin compute it (v < 0 ? 0 : v, then 1 < v ? 1 : v):
 * the clamp of the wasm kernels, for their bit-identical JS fallbacks. NaN and −0 pass through.
 */
export function clampPmax01(v: number): number {
  const r = v < 0 ? 0 : v;
  return 1 < r ? 1 : r;
}
