import { FpdbError } from '@fpdb/schema';
import { binaryClfCurve } from './internal/binary-curve.js';
import { requireNonEmpty, requireSameLength, toLabels, toWeights } from './internal/labels.js';
import { toScores } from './internal/probabilities.js';
import { column, indicator, positives, prepareScored, type Scored } from './internal/scored.js';
import { averageOvr, resolvePosLabel } from './roc.js';
import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from './types.js';

/** A precision–recall curve, recall decreasing; the last point is (recall 0, precision 1) without a threshold. */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  /** Increasing thresholds; one fewer than precision/recall. */
  thresholds: number[];
}

/** Options of {@link precisionRecallCurve}. */
export interface PrecisionRecallCurveOptions {
  /** The positive class; required unless yTrue only holds 0 and 1 (then 1). */
  posLabel?: number;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/** Precision–recall curve of a binary problem (validated arrays), scikit-learn 1.2 semantics. */
export function prFromBinary(isPos: Uint8Array, score: Float64Array, weights: Float64Array | null): PrecisionRecallCurve {
  const c = binaryClfCurve(isPos, score, weights);
  const m = c.tps.length;
  const lastT = c.tps[m - 1]!;
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    const ps = c.tps[i]! + c.fps[i]!;
    precision.push(ps !== 0 ? c.tps[i]! / ps : 0);
    // No positives at all: scikit-learn sets recall to 1 everywhere.
    recall.push(lastT === 0 ? 1 : c.tps[i]! / lastT);
    thresholds.push(c.thresholds[i]!);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds };
}

/** Uninterpolated average precision: Σ (R_n − R_{n−1}) P_n. */
export function apFromCurve(curve: PrecisionRecallCurve): number {
  let s = 0;
  for (let i = 0; i + 1 < curve.recall.length; i++) s += (curve.recall[i + 1]! - curve.recall[i]!) * curve.precision[i]!;
  return s === 0 ? 0 : -s;
}

/**
 * Precision–recall curve of one class against the rest, like scikit-learn `precision_recall_curve`.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT (non-finite score; posLabel needed)
 * @example precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).precision // [0.5, 0.666…, 0.5, 1, 1]
 */
export function precisionRecallCurve(yTrue: LabelInput, yScore: ArrayLike<number>, options?: PrecisionRecallCurveOptions): PrecisionRecallCurve {
  const t = toLabels(yTrue, 'yTrue');
  const s = toScores(yScore, 'yScore');
  requireSameLength(t.length, 'yTrue', s.length, 'yScore');
  requireNonEmpty(t.length, 'yTrue');
  const w = toWeights(options?.sampleWeight, t.length);
  const pos = resolvePosLabel(t, options?.posLabel);
  return prFromBinary(indicator(t, pos), s, w);
}

/** Options of {@link averagePrecision}. */
export interface AveragePrecisionOptions extends ClassOptions {
  /** `'macro'` (default), `'weighted'` (by positives), `'micro'` (pooled) or null (one per class). */
  average?: 'macro' | 'weighted' | 'micro' | null;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
  /** Absolute tolerance on probability row sums (default 1e-4). */
  tolerance?: number;
}

function classAp(s: Scored, c: number): number {
  return apFromCurve(prFromBinary(indicator(s.yTrue, c), column(s.prob, c), s.weights));
}

/**
 * Average precision (area under the step PR curve) from class probabilities [n, K], like scikit-learn
 * `average_precision_score(label_binarize(yTrue, classes=range(K)), yProb)`; with K = 2 the binary AP
 * of `yProb[:, 1]`. A class without positives scores 0, as in scikit-learn.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT
 * @example averagePrecision([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]]) // 1
 */
export function averagePrecision<O extends AveragePrecisionOptions | undefined = undefined>(yTrue: LabelInput, yProb: ProbabilityInput, options?: O): O extends { average: null } ? number[] : number {
  type R = O extends { average: null } ? number[] : number;
  const average = options && 'average' in options && options.average !== undefined ? options.average : 'macro';
  if (average !== 'macro' && average !== 'weighted' && average !== 'micro' && average !== null) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `average must be 'macro', 'weighted', 'micro' or null; got ${JSON.stringify(average)}.`, {
      details: { argument: 'average', value: average },
    });
  }
  const s = prepareScored(yTrue, yProb, options);
  if (s.prob.k === 2 && average !== null) return classAp(s, 1) as R;
  return averageOvr(
    s,
    average,
    (c) => classAp(s, c),
    (isPos, score, w) => apFromCurve(prFromBinary(isPos, score, w)),
  ) as R;
}

/** One precision–recall curve per class (one-vs-rest) with its average precision and support. */
export interface ClassPrCurve {
  index: number;
  name: string;
  curve: PrecisionRecallCurve;
  averagePrecision: number;
  /** Number of true samples of the class; the no-skill precision is support / n. */
  support: number;
}

/**
 * Precision–recall curves of every class one-vs-rest (for plots and reports).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES
 * @example perClassPrCurves(yTrue, yProb).map((c) => c.averagePrecision)
 */
export function perClassPrCurves(yTrue: LabelInput, yProb: ProbabilityInput, options?: ClassOptions & { sampleWeight?: WeightInput; tolerance?: number }): ClassPrCurve[] {
  const s = prepareScored(yTrue, yProb, options);
  const out: ClassPrCurve[] = [];
  for (let c = 0; c < s.prob.k; c++) {
    const isPos = indicator(s.yTrue, c);
    const curve = prFromBinary(isPos, column(s.prob, c), s.weights);
    out.push({ index: c, name: s.names[c]!, curve, averagePrecision: apFromCurve(curve), support: positives(isPos, null) });
  }
  return out;
}
