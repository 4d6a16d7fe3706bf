import { classCounts, confusionCounts, preparePair } from './internal/pair.js';
import type { ClassOptions, LabelInput, WeightInput } from './types.js';

/** Options of {@link accuracy}. */
export interface AccuracyOptions extends ClassOptions {
  /** Return the fraction (default true) or the number (total weight) of correct predictions. */
  normalize?: boolean;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/**
 * Fraction of exactly correct predictions, like scikit-learn `accuracy_score`.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL
 * @example accuracy([0, 1, 2, 2], [0, 2, 2, 2]) // 0.75
 */
export function accuracy(yTrue: LabelInput, yPred: LabelInput, options?: AccuracyOptions): number {
  const pair = preparePair(yTrue, yPred, options);
  const w = pair.weights;
  let hit = 0;
  let total = 0;
  for (let i = 0; i < pair.yTrue.length; i++) {
    const wi = w === null ? 1 : w[i]!;
    if (pair.yTrue[i] === pair.yPred[i]) hit += wi;
    total += wi;
  }
  return options?.normalize === false ? hit : hit / total;
}

/** Options of {@link balancedAccuracy}. */
export interface BalancedAccuracyOptions extends ClassOptions {
  /** Rescale so chance is 0 and perfect is 1 (default false). */
  adjusted?: boolean;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/** Balanced accuracy from a confusion matrix: mean recall over classes present in the truth. */
export function balancedAccuracyFromCounts(cm: Float64Array, k: number, adjusted: boolean): number {
  const c = classCounts(cm, k);
  let sum = 0;
  let m = 0;
  for (let i = 0; i < k; i++) {
    if (c.trueSum[i]! === 0) continue;
    sum += c.tp[i]! / c.trueSum[i]!;
    m++;
  }
  let score = sum / m;
  if (adjusted) {
    const chance = 1 / m;
    score -= chance;
    score /= 1 - chance;
  }
  return score;
}

/**
 * Mean per-class recall over the classes present in `yTrue`, like scikit-learn
 * `balanced_accuracy_score` (classes only predicted are ignored).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL
 * @example balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]) // 0.625
 */
export function balancedAccuracy(yTrue: LabelInput, yPred: LabelInput, options?: BalancedAccuracyOptions): number {
  const pair = preparePair(yTrue, yPred, options);
  const cm = confusionCounts(pair.yTrue, pair.yPred, pair.set.k, pair.weights);
  return balancedAccuracyFromCounts(cm, pair.set.k, options?.adjusted === true);
}
