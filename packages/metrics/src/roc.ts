import { FpdbError } from '@fpdb/schema';
import { binaryClfCurve, trapezoid } from './internal/binary-curve.js';
import { requireNonEmpty, requireSameLength, toLabels, toWeights } from './internal/labels.js';
import { toScores } from './internal/probabilities.js';
import { column, indicator, positives, prepareScored, type Scored } from './internal/scored.js';
import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from './types.js';

/** A ROC curve: false/true positive rates at decreasing thresholds, starting at (0, 0). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** thresholds[0] is max(score) + 1 (scikit-learn 1.2), the point where nothing is predicted positive. */
  thresholds: number[];
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /** The positive class; required unless yTrue only holds 0 and 1 (then 1). */
  posLabel?: number;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
  /** Drop points collinear with their neighbours (default true, as scikit-learn). */
  dropIntermediate?: boolean;
}

/** Resolves scikit-learn's pos_label rule for class-index labels. */
export function resolvePosLabel(yTrue: Int32Array, posLabel: number | undefined): number {
  if (posLabel !== undefined) return posLabel;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i]! > 1) {
      const seen = Array.from(new Set(yTrue)).sort((a, b) => a - b);
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `yTrue takes values {${seen.join(', ')}} and posLabel is not given; pass { posLabel: c } to score class c one-vs-rest.`, {
        details: { argument: 'posLabel' },
      });
    }
  }
  return 1;
}

/** Builds the ROC curve of a binary problem (arrays already validated). */
export function rocFromBinary(isPos: Uint8Array, score: Float64Array, weights: Float64Array | null, dropIntermediate: boolean, what: string): RocCurve {
  const c = binaryClfCurve(isPos, score, weights);
  let fps = Array.from(c.fps);
  let tps = Array.from(c.tps);
  let thr = Array.from(c.thresholds);
  if (dropIntermediate && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 0; i + 2 < fps.length; i++) {
      const d2f = fps[i + 2]! - fps[i + 1]! - (fps[i + 1]! - fps[i]!);
      const d2t = tps[i + 2]! - tps[i + 1]! - (tps[i + 1]! - tps[i]!);
      if (d2f !== 0 || d2t !== 0) keep.push(i + 1);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]!);
    tps = keep.map((i) => tps[i]!);
    thr = keep.map((i) => thr[i]!);
  }
  const lastF = fps[fps.length - 1] ?? 0;
  const lastT = tps[tps.length - 1] ?? 0;
  if (lastT <= 0 || lastF <= 0) {
    const missing = lastT <= 0 ? 'positive' : 'negative';
    throw new FpdbError(
      'FPDB_UNDEFINED_METRIC',
      `ROC is undefined for ${what}: yTrue has no ${missing} samples (only one class present). Evaluate on data that contains both, e.g. the full patient-disjoint test split.`,
      { details: { missing, what } },
    );
  }
  return {
    fpr: [0, ...fps.map((f) => f / lastF)],
    tpr: [0, ...tps.map((t) => t / lastT)],
    thresholds: [thr[0]! + 1, ...thr],
  };
}

/**
 * ROC curve of one class against the rest, like scikit-learn `roc_curve`.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT (non-finite score; posLabel needed),
 *   FPDB_UNDEFINED_METRIC (no positives or no negatives)
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], … }
 */
export function rocCurve(yTrue: LabelInput, yScore: ArrayLike<number>, options?: RocCurveOptions): RocCurve {
  const t = toLabels(yTrue, 'yTrue');
  const s = toScores(yScore, 'yScore');
  requireSameLength(t.length, 'yTrue', s.length, 'yScore');
  requireNonEmpty(t.length, 'yTrue');
  const w = toWeights(options?.sampleWeight, t.length);
  const pos = resolvePosLabel(t, options?.posLabel);
  return rocFromBinary(indicator(t, pos), s, w, options?.dropIntermediate ?? true, `posLabel ${pos}`);
}

/**
 * Area under a curve by the trapezoidal rule, like scikit-learn `auc` (x monotonic).
 * @throws FpdbError FPDB_INVALID_ARGUMENT (fewer than 2 points, x not monotonic), FPDB_LENGTH_MISMATCH
 * @example auc([0, 0.5, 1], [0, 0.8, 1]) // 0.65
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  requireSameLength(x.length, 'x', y.length, 'y');
  if (x.length < 2) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `auc needs at least 2 points; got ${x.length}.`, { details: { argument: 'x', length: x.length } });
  }
  let inc = true;
  let dec = true;
  for (let i = 1; i < x.length; i++) {
    if (x[i]! < x[i - 1]!) inc = false;
    if (x[i]! > x[i - 1]!) dec = false;
  }
  if (!inc && !dec) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `auc needs x increasing or decreasing.`, { details: { argument: 'x' } });
  }
  const a = trapezoid(x, y);
  return inc ? a : -a;
}

/** Options of {@link rocAuc}. */
export interface RocAucOptions extends ClassOptions {
  /** `'macro'` (default), `'weighted'` (by positives), `'micro'` (pooled) or null (one per class). */
  average?: 'macro' | 'weighted' | 'micro' | null;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
  /** Absolute tolerance on probability row sums (default 1e-4). */
  tolerance?: number;
}

export function classAuc(s: Scored, c: number): number {
  const isPos = indicator(s.yTrue, c);
  const curve = rocFromBinary(isPos, column(s.prob, c), s.weights, true, `class "${s.names[c]}" (index ${c})`);
  return trapezoid(curve.fpr, curve.tpr);
}

/** One-vs-rest averaging over class scores, scikit-learn's `_average_binary_score`. */
export function averageOvr(
  s: Scored,
  average: 'macro' | 'weighted' | 'micro' | null,
  perClass: (c: number) => number,
  micro: (isPos: Uint8Array, score: Float64Array, w: Float64Array | null) => number,
): number | number[] {
  const K = s.prob.k;
  if (average === 'micro') {
    const n = s.prob.n;
    const isPos = new Uint8Array(n * K);
    const w = s.weights === null ? null : new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      isPos[i * K + s.yTrue[i]!] = 1;
      if (w !== null) w.fill(s.weights![i]!, i * K, i * K + K);
    }
    return micro(isPos, s.prob.data, w);
  }
  const scores: number[] = [];
  for (let c = 0; c < K; c++) scores.push(perClass(c));
  if (average === null) return scores;
  if (average === 'weighted') {
    let sw = 0;
    let sum = 0;
    for (let c = 0; c < K; c++) {
      const wc = positives(indicator(s.yTrue, c), s.weights);
      sw += wc;
      sum += wc === 0 ? 0 : scores[c]! * wc;
    }
    if (Math.abs(sw) <= 1e-8) return 0;
    return sum / sw;
  }
  return scores.reduce((a, b) => a + b, 0) / K;
}

function checkAverage(average: unknown): asserts average is 'macro' | 'weighted' | 'micro' | null {
  if (average !== 'macro' && average !== 'weighted' && average !== 'micro' && average !== null) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `average must be 'macro', 'weighted', 'micro' or null; got ${JSON.stringify(average)}.`, {
      details: { argument: 'average', value: average },
    });
  }
}

/**
 * Area under the ROC curve from class probabilities [n, K], like scikit-learn
 * `roc_auc_score(yTrue, yProb, multi_class='ovr', labels=range(K))`; with K = 2 it is the binary
 * AUC of `yProb[:, 1]` for every average except null (which gives both classes one-vs-rest).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES,
 *   FPDB_UNDEFINED_METRIC (a class with no positives, or no negatives, in yTrue)
 * @example rocAuc([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]]) // 1
 */
export function rocAuc<O extends RocAucOptions | undefined = undefined>(yTrue: LabelInput, yProb: ProbabilityInput, options?: O): O extends { average: null } ? number[] : number {
  type R = O extends { average: null } ? number[] : number;
  const average = options && 'average' in options && options.average !== undefined ? options.average : 'macro';
  checkAverage(average);
  const s = prepareScored(yTrue, yProb, options);
  if (s.prob.k === 2 && average !== null) return classAuc(s, 1) as R;
  return averageOvr(
    s,
    average,
    (c) => classAuc(s, c),
    (isPos, score, w) => {
      const curve = rocFromBinary(isPos, score, w, true, 'the pooled (micro) problem');
      return trapezoid(curve.fpr, curve.tpr);
    },
  ) as R;
}

/** One ROC curve per class (one-vs-rest), with its AUC; `null` curve for a class without positives or negatives. */
export interface ClassRocCurve {
  index: number;
  name: string;
  curve: RocCurve | null;
  auc: number | null;
  /** Number of true samples of the class. */
  support: number;
}

/**
 * ROC curves of every class one-vs-rest (for plots and reports). Classes whose AUC is undefined
 * get `curve: null` instead of an error.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES
 * @example perClassRocCurves(yTrue, yProb, { classes: labelSpace('planes').classes }).map((c) => c.auc)
 */
export function perClassRocCurves(yTrue: LabelInput, yProb: ProbabilityInput, options?: ClassOptions & { sampleWeight?: WeightInput; tolerance?: number }): ClassRocCurve[] {
  const s = prepareScored(yTrue, yProb, options);
  const out: ClassRocCurve[] = [];
  for (let c = 0; c < s.prob.k; c++) {
    const isPos = indicator(s.yTrue, c);
    const support = positives(isPos, null);
    try {
      const curve = rocFromBinary(isPos, column(s.prob, c), s.weights, true, `class ${c}`);
      out.push({ index: c, name: s.names[c]!, curve, auc: trapezoid(curve.fpr, curve.tpr), support });
    } catch (e) {
      if (!(e instanceof FpdbError) || e.code !== 'FPDB_UNDEFINED_METRIC') throw e;
      out.push({ index: c, name: s.names[c]!, curve: null, auc: null, support });
    }
  }
  return out;
}
