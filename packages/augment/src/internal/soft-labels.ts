import { FpdbError } from '@fpdb/schema';
import type { Work } from './work.js';

/**
 * Makes sure `work.soft` exists: one-hot from `labels` when no soft labels came in. `numClasses` is the
 * transform's own option, used when the batch does not say.
 */
export function ensureSoft(work: Work, numClasses: number | undefined, where: string): { soft: Float32Array; classes: number } {
  if (work.soft && work.numClasses !== undefined) return { soft: work.soft, classes: work.numClasses };
  const c = work.numClasses ?? numClasses;
  if (!work.labels || c === undefined) {
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `${where} mixes labels, but the batch has ${work.labels ? 'labels without a class count' : 'no labels'}. Pass batch.labels and { numClasses } (to ${where} or on the batch), or batch.soft.`,
      { details: { where } },
    );
  }
  const soft = new Float32Array(work.batch * c);
  for (let i = 0; i < work.batch; i++) {
    const l = work.labels[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= c) {
      throw new FpdbError('FPDB_LABEL', `${where}: label ${l} of image ${i} is not a class index in [0, ${c}).`, { details: { value: l, index: i } });
    }
    soft[i * c + l] = 1;
  }
  work.soft = soft;
  work.numClasses = c;
  return { soft, classes: c };
}

/** A seeded random permutation of 0 … n−1. */
export function permutation(n: number, next: (k: number) => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = next(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
