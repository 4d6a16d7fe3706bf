import { prepareScored } from './internal/scored.js';
import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from './types.js';

/** Options of {@link brierScore}. */
export interface BrierScoreOptions extends ClassOptions {
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
  /** Absolute tolerance on probability row sums (default 1e-4). */
  tolerance?: number;
}

/**
 * Brier score, the mean squared error of the probabilities against one-hot truth. Multiclass
 * (K > 2): mean over samples of Σ_k (p_k − y_k)², range [0, 2]; binary (K = 2): mean (y − p₁)², range
 * [0, 1], exactly scikit-learn `brier_score_loss(y, p[:, 1])` (scikit-learn ≥ 1.7 `scale_by_half='auto'`).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES
 * @example brierScore([0, 1], [[0.9, 0.1], [0.2, 0.8]]) // 0.025
 */
export function brierScore(yTrue: LabelInput, yProb: ProbabilityInput, options?: BrierScoreOptions): number {
  const s = prepareScored(yTrue, yProb, options);
  const { data, n, k } = s.prob;
  let total = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const y = s.yTrue[i]!;
    let e: number;
    if (k === 2) {
      const d = (y === 1 ? 1 : 0) - data[i * 2 + 1]!;
      e = d * d;
    } else {
      e = 0;
      for (let j = 0; j < k; j++) {
        const d = data[i * k + j]! - (j === y ? 1 : 0);
        e += d * d;
      }
    }
    const w = s.weights === null ? 1 : s.weights[i]!;
    total += e * w;
    wsum += w;
  }
  return total / wsum;
}
