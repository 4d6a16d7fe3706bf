import { FpdbError } from '@fpdb/schema';
import { requireInRange, requireNonEmpty, requireSameLength, statedNumClasses, toLabels, toWeights } from './internal/labels.js';
import { toProbs } from './internal/probabilities.js';
import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from './types.js';

/** Options of {@link topKAccuracy}. */
export interface TopKAccuracyOptions extends ClassOptions {
  /** How many top-ranked classes count as a hit (default 2, as in scikit-learn). */
  k?: number;
  /** Return the fraction (default true) or the number of hits. */
  normalize?: boolean;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/**
 * Fraction of samples whose true class is among the `k` highest probabilities, like scikit-learn
 * `top_k_accuracy_score(yTrue, yProb, labels=range(K))`; ties rank the higher class index first.
 * With K = 2 it scores `yProb[:, 1]` as scikit-learn's binary case does (k = 1: positive iff p > 0.5).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT (k < 1)
 * @example topKAccuracy([0, 1, 2], [[0.5, 0.3, 0.2], [0.5, 0.2, 0.3], [0.1, 0.2, 0.7]], { k: 2 }) // 0.6666…
 */
export function topKAccuracy(yTrue: LabelInput, yProb: ProbabilityInput, options?: TopKAccuracyOptions): number {
  const k = options?.k ?? 2;
  if (!Number.isInteger(k) || k < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `k must be an integer ≥ 1; got ${String(k)}.`, { details: { argument: 'k', value: k } });
  }
  const t = toLabels(yTrue, 'yTrue');
  requireNonEmpty(t.length, 'yTrue');
  const p = toProbs(yProb, { numClasses: statedNumClasses(options) });
  requireSameLength(t.length, 'yTrue', p.n, 'yProb');
  requireInRange(t, p.k, 'yTrue');
  const w = toWeights(options?.sampleWeight, t.length);
  const K = p.k;
  let hits = 0;
  let total = 0;
  for (let i = 0; i < p.n; i++) {
    const y = t[i]!;
    let hit: boolean;
    if (K === 2) {
      hit = k >= 2 || (p.data[i * 2 + 1]! > 0.5 ? 1 : 0) === y;
    } else {
      const s = p.data[i * K + y]!;
      let rank = 0;
      for (let j = 0; j < K; j++) {
        const v = p.data[i * K + j]!;
        if (v > s || (v === s && j > y)) rank++;
      }
      hit = rank < k;
    }
    const wi = w === null ? 1 : w[i]!;
    if (hit) hits += wi;
    total += wi;
  }
  return options?.normalize === false ? hits : hits / total;
}
