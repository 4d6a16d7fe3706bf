import type { ClassOptions, LabelInput, WeightInput } from '../types.js';
import { requireNonEmpty, requireSameLength, resolveLabelSet, toLabels, toWeights, type LabelSet } from './labels.js';

/** Validated true/predicted labels, encoded to class indices 0…K-1 of `set`. */
export interface LabelPair {
  yTrue: Int32Array;
  yPred: Int32Array;
  set: LabelSet;
  weights: Float64Array | null;
  /** Number of distinct labels present in yTrue ∪ yPred (scikit-learn's binary/multiclass test). */
  present: number;
  /** The raw labels (not re-encoded). */
  rawTrue: Int32Array;
  rawPred: Int32Array;
}

/** Validates and encodes a (yTrue, yPred) pair. */
export function preparePair(yTrue: LabelInput, yPred: LabelInput, options: (ClassOptions & { sampleWeight?: WeightInput | undefined }) | undefined): LabelPair {
  const rawTrue = toLabels(yTrue, 'yTrue');
  const rawPred = toLabels(yPred, 'yPred');
  requireSameLength(rawTrue.length, 'yTrue', rawPred.length, 'yPred');
  requireNonEmpty(rawTrue.length, 'yTrue');
  const { set, encoded } = resolveLabelSet(
    [
      { labels: rawTrue, name: 'yTrue' },
      { labels: rawPred, name: 'yPred' },
    ],
    options,
  );
  const weights = toWeights(options?.sampleWeight, rawTrue.length);
  const seen = new Set<number>();
  for (let i = 0; i < rawTrue.length && seen.size < 3; i++) {
    seen.add(rawTrue[i]!);
    seen.add(rawPred[i]!);
  }
  return { yTrue: encoded[0]!, yPred: encoded[1]!, set, weights, present: seen.size, rawTrue, rawPred };
}

/** Confusion counts [K, K] (row = true, column = predicted), weighted when weights are given. */
export function confusionCounts(yTrue: Int32Array, yPred: Int32Array, k: number, weights: ArrayLike<number> | null): Float64Array {
  const cm = new Float64Array(k * k);
  const n = yTrue.length;
  if (weights === null) {
    for (let i = 0; i < n; i++) cm[yTrue[i]! * k + yPred[i]!]! += 1;
  } else {
    for (let i = 0; i < n; i++) cm[yTrue[i]! * k + yPred[i]!]! += weights[i]!;
  }
  return cm;
}

/** Per-class sufficient statistics from a confusion matrix. */
export interface ClassCounts {
  tp: Float64Array;
  predSum: Float64Array;
  trueSum: Float64Array;
}

export function classCounts(cm: Float64Array, k: number): ClassCounts {
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = cm[i * k + j]!;
      trueSum[i]! += v;
      predSum[j]! += v;
    }
    tp[i] = cm[i * k + i]!;
  }
  return { tp, predSum, trueSum };
}
