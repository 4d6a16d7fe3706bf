import { confusionCounts, preparePair } from './internal/pair.js';
import type { ClassOptions, LabelInput, WeightInput } from './types.js';

/** Options of {@link matthewsCorrcoef}. */
export interface MatthewsOptions extends ClassOptions {
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/** Multiclass Matthews correlation (Gorodkin's R_K) of a K×K confusion matrix; 0 when undefined. */
export function matthewsFromCounts(cm: Float64Array, k: number): number {
  const t = new Float64Array(k);
  const p = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = cm[i * k + j]!;
      t[i]! += v;
      p[j]! += v;
    }
    correct += cm[i * k + i]!;
  }
  let n = 0;
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let i = 0; i < k; i++) {
    n += p[i]!;
    tp += t[i]! * p[i]!;
    pp += p[i]! * p[i]!;
    tt += t[i]! * t[i]!;
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * Matthews correlation coefficient (multiclass), like scikit-learn `matthews_corrcoef`:
 * +1 perfect, 0 chance, 0 as well when either side has a single class.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL
 * @example matthewsCorrcoef([0, 1, 1, 0], [0, 1, 0, 0]) // 0.5773…
 */
export function matthewsCorrcoef(yTrue: LabelInput, yPred: LabelInput, options?: MatthewsOptions): number {
  const pair = preparePair(yTrue, yPred, options);
  return matthewsFromCounts(confusionCounts(pair.yTrue, pair.yPred, pair.set.k, pair.weights), pair.set.k);
}
