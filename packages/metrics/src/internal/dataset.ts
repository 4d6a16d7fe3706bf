import { FpdbError } from '@fpdb/schema';
import type { ClassOptions, LabelInput, ProbabilityInput } from '../types.js';
import { requireInRange, requireNonEmpty, requireSameLength, statedNumClasses, toLabels } from './labels.js';
import { argmaxRows, toProbs, type ProbMatrix } from './probabilities.js';

/** Predictions of one evaluation: truth, predicted labels and (optionally) probabilities. */
export interface PredictionData extends ClassOptions {
  /** True class indices, length n. */
  yTrue: LabelInput;
  /** Predicted class indices; defaults to the arg-max of yProb. */
  yPred?: LabelInput;
  /** Class probabilities [n, K] (number[][] or flat with numClasses/classes). */
  yProb?: ProbabilityInput;
}

/** What a metric callback receives: a (resampled or grouped) subset, ready for the metric functions. */
export interface MetricSample {
  /** True class indices of the subset. */
  yTrue: Int32Array;
  /** Predicted class indices of the subset. */
  yPred: Int32Array;
  /** Flat row-major probabilities [m, numClasses] of the subset, or null when none were given. */
  yProb: Float64Array | null;
  /** K, to pass as `{ numClasses }` to the metric functions. */
  numClasses: number;
  /** Class names in index order. */
  classes: readonly string[];
  /** Indices into the original arrays (with repeats in a bootstrap resample). */
  indices: Int32Array;
}

/** Validated prediction data. */
export interface Dataset {
  n: number;
  k: number;
  names: string[];
  yTrue: Int32Array;
  yPred: Int32Array;
  prob: ProbMatrix | null;
}

export function prepareDataset(data: PredictionData): Dataset {
  if (data === null || typeof data !== 'object') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Pass { yTrue, yPred?, yProb?, classes? }.`, { details: { argument: 'data' } });
  }
  const yTrue = toLabels(data.yTrue, 'yTrue');
  requireNonEmpty(yTrue.length, 'yTrue');
  const stated = statedNumClasses(data);
  const prob = data.yProb === undefined ? null : toProbs(data.yProb, { numClasses: stated });
  if (prob !== null) requireSameLength(yTrue.length, 'yTrue', prob.n, 'yProb');
  let yPred: Int32Array;
  if (data.yPred !== undefined) {
    yPred = toLabels(data.yPred, 'yPred');
    requireSameLength(yTrue.length, 'yTrue', yPred.length, 'yPred');
  } else if (prob !== null) yPred = argmaxRows(prob);
  else {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Pass yPred or yProb (predictions are the arg-max of yProb).`, { details: { argument: 'yPred' } });
  }
  let k = stated ?? prob?.k;
  if (k === undefined) {
    let max = 0;
    for (let i = 0; i < yTrue.length; i++) max = Math.max(max, yTrue[i]!, yPred[i]!);
    k = max + 1;
  }
  requireInRange(yTrue, k, 'yTrue');
  requireInRange(yPred, k, 'yPred');
  const names = data.classes ? data.classes.map(String) : Array.from({ length: k }, (_, i) => String(i));
  return { n: yTrue.length, k, names, yTrue, yPred, prob };
}

/** The subset of a dataset at `indices` (repeats allowed). */
export function gather(d: Dataset, indices: Int32Array): MetricSample {
  const m = indices.length;
  const yTrue = new Int32Array(m);
  const yPred = new Int32Array(m);
  const yProb = d.prob === null ? null : new Float64Array(m * d.k);
  for (let r = 0; r < m; r++) {
    const i = indices[r]!;
    yTrue[r] = d.yTrue[i]!;
    yPred[r] = d.yPred[i]!;
    if (yProb !== null) yProb.set(d.prob!.data.subarray(i * d.k, i * d.k + d.k), r * d.k);
  }
  return { yTrue, yPred, yProb, numClasses: d.k, classes: d.names, indices };
}

/** Group keys as strings, checked against n. */
export function toKeys(keys: ArrayLike<string | number>, n: number, name: string): string[] {
  if (keys === null || typeof keys !== 'object' || typeof keys.length !== 'number') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name} must be an array with one key per sample.`, { details: { argument: name } });
  }
  requireSameLength(keys.length, name, n, 'yTrue');
  const out: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = keys[i];
    if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name}[${i}] is ${String(v)}; every sample needs a key.`, { details: { argument: name, index: i } });
    }
    out[i] = String(v);
  }
  return out;
}
