import { prepareScored } from './internal/scored.js';
import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from './types.js';

/** Options of {@link logLoss}. */
export interface LogLossOptions extends ClassOptions {
  /** Mean (default true) or sum over samples. */
  normalize?: boolean;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
  /** Probabilities are clipped to [eps, 1 − eps] (default float64 epsilon 2.22e-16, scikit-learn's 'auto' for float64). */
  eps?: number;
  /** Absolute tolerance on probability row sums (default 1e-4). */
  tolerance?: number;
}

/**
 * Cross-entropy (log loss) in nats, like scikit-learn `log_loss(yTrue, yProb, labels=range(K))`:
 * clip, renormalise each row, average −log p(true class).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES
 * @example logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]]) // 0.1642…
 */
export function logLoss(yTrue: LabelInput, yProb: ProbabilityInput, options?: LogLossOptions): number {
  const s = prepareScored(yTrue, yProb, options);
  const eps = options?.eps ?? Number.EPSILON;
  const { data, n, k } = s.prob;
  let total = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < k; j++) rowSum += Math.min(Math.max(data[i * k + j]!, eps), 1 - eps);
    const p = Math.min(Math.max(data[i * k + s.yTrue[i]!]!, eps), 1 - eps) / rowSum;
    const w = s.weights === null ? 1 : s.weights[i]!;
    total += -Math.log(p) * w;
    wsum += w;
  }
  return options?.normalize === false ? total : total / wsum;
}
