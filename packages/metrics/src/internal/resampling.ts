import { createRng } from '@fpdb/schema';
import { toKeys } from './dataset.js';
import { percentileSorted } from './percentile.js';

/** What a bootstrap resamples: samples, or groups (clusters, e.g. patients) mapped to dense ids. */
export interface ResamplingUnits {
  /** The unit of each sample, or null when every sample is its own unit. */
  unitOf: Int32Array | null;
  units: number;
}

/** The resampling units of `n` samples: one per sample, or one per distinct key of `groups`. */
export function resamplingUnits(n: number, groups: Parameters<typeof toKeys>[0] | undefined): ResamplingUnits {
  if (groups === undefined) return { unitOf: null, units: n };
  const keys = toKeys(groups, n, 'groups');
  const ids = new Map<string, number>();
  const unitOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let id = ids.get(keys[i]!);
    if (id === undefined) ids.set(keys[i]!, (id = ids.size));
    unitOf[i] = id;
  }
  return { unitOf, units: ids.size };
}

/**
 * Draws `resamples` bootstrap resamples (units with replacement, seeded) and calls `each` with the
 * per-sample weight of every one (how many times the sample's unit was drawn). `w` is reused between calls.
 */
export function forEachResample(n: number, { unitOf, units }: ResamplingUnits, resamples: number, seed: number | string, each: (w: Float64Array, r: number) => void): void {
  const rng = createRng(seed);
  const draws = new Float64Array(units);
  const w = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    draws.fill(0);
    for (let u = 0; u < units; u++) draws[rng.int(units)]! += 1;
    if (unitOf === null) w.set(draws);
    else for (let i = 0; i < n; i++) w[i] = draws[unitOf[i]!]!;
    each(w, r);
  }
}

/** The percentile interval and standard error of resampled values (NaN/Inf resamples are left out). */
export function percentileInterval(values: Float64Array, confidence: number): { low: number; high: number; valid: number; standardError: number; sorted: number[] } {
  const sorted = Array.from(values)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  let mean = 0;
  for (const x of sorted) mean += x;
  mean /= sorted.length;
  let ss = 0;
  for (const x of sorted) ss += (x - mean) ** 2;
  const alpha = (1 - confidence) / 2;
  return {
    low: percentileSorted(sorted, alpha * 100),
    high: percentileSorted(sorted, (1 - alpha) * 100),
    valid: sorted.length,
    standardError: sorted.length > 1 ? Math.sqrt(ss / (sorted.length - 1)) : NaN,
    sorted,
  };
}
