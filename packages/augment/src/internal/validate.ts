import { FpdbError } from '@fpdb/schema';

/** A closed numeric interval `[min, max]`, the form every parameter range takes. */
export type Range = readonly [number, number];

function fail(where: string, message: string, value: unknown): never {
  throw new FpdbError('FPDB_INVALID_ARGUMENT', `${where}: ${message}`, { details: { value } });
}

/** Checks a probability in [0, 1]. */
export function checkProbability(where: string, p: number | undefined, fallback: number): number {
  const v = p ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    fail(where, `p must be a number in [0, 1], got ${String(v)}. Pass e.g. { p: 0.5 }.`, v);
  }
  return v;
}

/** Checks a finite number, optionally bounded. */
export function checkNumber(where: string, name: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    fail(where, `${name} must be a finite number in [${min}, ${max}], got ${String(v)}.`, v);
  }
  return v;
}

/** Checks an integer, bounded. */
export function checkInteger(where: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(where, `${name} must be an integer in [${min}, ${max}], got ${String(v)}.`, v);
  }
  return v;
}

/**
 * Accepts a range `[min, max]` or a single number `x` meaning `[-x, x]` (or `[center - x, center + x]`
 * when `center` is given), and checks it lies within `[lo, hi]`.
 */
export function checkRange(where: string, name: string, v: unknown, options: { lo?: number; hi?: number; center?: number } = {}): Range {
  const lo = options.lo ?? -Infinity;
  const hi = options.hi ?? Infinity;
  let range: [number, number];
  if (typeof v === 'number') {
    const c = options.center ?? 0;
    range = [c - Math.abs(v), c + Math.abs(v)];
  } else if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') {
    range = [v[0], v[1]];
  } else {
    fail(where, `${name} must be [min, max] or one number, got ${JSON.stringify(v)}.`, v);
  }
  const [a, b] = range;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b || a < lo || b > hi) {
    fail(where, `${name} must satisfy ${lo} <= min <= max <= ${hi}, got [${a}, ${b}].`, v);
  }
  return range;
}
