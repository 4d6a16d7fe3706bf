import { FpdbError } from '@fpdb/schema';
import { confusionCounts, preparePair } from './internal/pair.js';
import type { ClassOptions, LabelInput, WeightInput } from './types.js';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions extends ClassOptions {
  /** Divide by row sums (`'true'`), column sums (`'pred'`) or the total (`'all'`); empty rows/columns give 0. */
  normalize?: 'true' | 'pred' | 'all' | null;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/**
 * Confusion matrix C[i][j] = number of samples of true class i predicted as j, like scikit-learn
 * `confusion_matrix`. Label order is 0…K-1 with `classes`/`numClasses`, else the sorted labels present.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT (normalize)
 * @example confusionMatrix([0, 1, 2, 2], [0, 2, 2, 2], { numClasses: 3 }) // [[1,0,0],[0,0,1],[0,0,2]]
 */
export function confusionMatrix(yTrue: LabelInput, yPred: LabelInput, options?: ConfusionMatrixOptions): number[][] {
  const normalize = options?.normalize ?? null;
  if (normalize !== null && normalize !== 'true' && normalize !== 'pred' && normalize !== 'all') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `normalize must be 'true', 'pred', 'all' or null; got ${JSON.stringify(normalize)}.`, {
      details: { argument: 'normalize', value: normalize },
    });
  }
  const pair = preparePair(yTrue, yPred, options);
  const k = pair.set.k;
  const cm = confusionCounts(pair.yTrue, pair.yPred, k, pair.weights);
  return normalizeCounts(cm, k, normalize);
}

/** Rows of a K×K count matrix, optionally normalised as scikit-learn does (0/0 → 0). */
export function normalizeCounts(cm: Float64Array, k: number, normalize: 'true' | 'pred' | 'all' | null): number[][] {
  const rows: number[][] = [];
  const rowSum = new Float64Array(k);
  const colSum = new Float64Array(k);
  let all = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = cm[i * k + j]!;
      rowSum[i]! += v;
      colSum[j]! += v;
      all += v;
    }
  }
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) {
      const v = cm[i * k + j]!;
      const d = normalize === 'true' ? rowSum[i]! : normalize === 'pred' ? colSum[j]! : normalize === 'all' ? all : 1;
      row.push(d === 0 ? 0 : v / d);
    }
    rows.push(row);
  }
  return rows;
}
