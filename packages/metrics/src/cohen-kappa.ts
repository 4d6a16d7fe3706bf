import { FpdbError } from '@fpdb/schema';
import { confusionCounts, preparePair } from './internal/pair.js';
import type { ClassOptions, LabelInput, WeightInput } from './types.js';

/** Options of {@link cohenKappa}. */
export interface CohenKappaOptions extends ClassOptions {
  /** Disagreement weights: none (default), `'linear'` |i−j| or `'quadratic'` (i−j)² for ordinal classes. */
  weights?: 'linear' | 'quadratic' | null;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/** Cohen's kappa of a K×K confusion matrix (NaN when chance disagreement is 0, as in scikit-learn). */
export function cohenKappaFromCounts(cm: Float64Array, k: number, weights: 'linear' | 'quadratic' | null): number {
  const sum0 = new Float64Array(k);
  const sum1 = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = cm[i * k + j]!;
      sum0[j]! += v;
      sum1[i]! += v;
    }
  }
  for (let j = 0; j < k; j++) total += sum0[j]!;
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weights === null ? (i === j ? 0 : 1) : weights === 'linear' ? Math.abs(i - j) : (i - j) * (i - j);
      num += w * cm[i * k + j]!;
      den += w * ((sum0[i]! * sum1[j]!) / total);
    }
  }
  return 1 - num / den;
}

/**
 * Cohen's kappa, agreement corrected for chance, like scikit-learn `cohen_kappa_score`.
 * Returns NaN when both raters use a single class (0/0), as scikit-learn does.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT (weights)
 * @example cohenKappa([0, 1, 2, 2], [0, 2, 2, 2], { weights: 'quadratic' }) // 0.6
 */
export function cohenKappa(y1: LabelInput, y2: LabelInput, options?: CohenKappaOptions): number {
  const weights = options?.weights ?? null;
  if (weights !== null && weights !== 'linear' && weights !== 'quadratic') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `weights must be null, 'linear' or 'quadratic'; got ${JSON.stringify(weights)}.`, {
      details: { argument: 'weights', value: weights },
    });
  }
  const pair = preparePair(y1, y2, options);
  const cm = confusionCounts(pair.yTrue, pair.yPred, pair.set.k, pair.weights);
  return cohenKappaFromCounts(cm, pair.set.k, weights);
}
