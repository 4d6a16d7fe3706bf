import { FpdbError } from '@fpdb/schema';
import { classCounts, confusionCounts, preparePair, type LabelPair } from './internal/pair.js';
import { checkBeta, prfAveraged, prfPerLabel, zeroDivisionValue } from './internal/prf.js';
import type { Average, ClassOptions, LabelInput, WeightInput, ZeroDivision } from './types.js';

/** Options of {@link precisionRecallFscoreSupport} and the single-score helpers. */
export interface PrfOptions extends ClassOptions {
  /** How to combine classes (default `null` for {@link precisionRecallFscoreSupport}, `'binary'` for the others, like scikit-learn). */
  average?: Average;
  /** Weight of recall in the F-score (default 1). */
  beta?: number;
  /** The positive class when `average` is `'binary'` (default 1). */
  posLabel?: number;
  /** Value of a score whose denominator is 0 (default `'warn'`, which gives 0). */
  zeroDivision?: ZeroDivision;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
}

/** Per-class result: one entry per class of the label set (index order). */
export interface PrfPerClass {
  precision: number[];
  recall: number[];
  fscore: number[];
  /** Number (or total weight) of true samples of each class. */
  support: number[];
}

/** Averaged result; `support` is null as in scikit-learn. */
export interface PrfAverage {
  precision: number;
  recall: number;
  fscore: number;
  support: null;
}

function selectedLabels(pair: LabelPair, average: Average, posLabel: number): number[] {
  if (average !== 'binary') return Array.from({ length: pair.set.k }, (_, i) => i);
  if (pair.present > 2) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `The labels are multiclass (${pair.present}+ distinct values) but average is 'binary'; choose average 'macro', 'weighted', 'micro' or null.`, {
      details: { argument: 'average', value: average },
    });
  }
  const inData = pair.rawTrue.includes(posLabel) || pair.rawPred.includes(posLabel);
  if (!inData && pair.present >= 2) {
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `posLabel=${posLabel} is not a valid label; it should be one of ${Array.from(new Set([...pair.rawTrue, ...pair.rawPred]))
        .sort((a, b) => a - b)
        .join(', ')}.`,
      { details: { argument: 'posLabel', value: posLabel } },
    );
  }
  // An absent positive label scores from zero counts (index −1), as scikit-learn does.
  return [inData ? pair.set.values.indexOf(posLabel) : -1];
}

function compute(yTrue: LabelInput, yPred: LabelInput, options: PrfOptions | undefined, defaultAverage: Average): PrfPerClass | PrfAverage {
  const average = options && 'average' in options && options.average !== undefined ? options.average : defaultAverage;
  const allowed: unknown[] = ['binary', 'micro', 'macro', 'weighted', null];
  if (!allowed.includes(average)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `average must be one of 'binary', 'micro', 'macro', 'weighted' or null; got ${JSON.stringify(average)}.`, {
      details: { argument: 'average', value: average },
    });
  }
  const beta = options?.beta ?? 1;
  checkBeta(beta);
  const zd = zeroDivisionValue(options?.zeroDivision);
  const pair = preparePair(yTrue, yPred, options);
  const counts = classCounts(confusionCounts(pair.yTrue, pair.yPred, pair.set.k, pair.weights), pair.set.k);
  const selected = selectedLabels(pair, average, options?.posLabel ?? 1);
  if (average === null) {
    const v = prfPerLabel(counts, selected, beta, zd);
    return { precision: v.precision, recall: v.recall, fscore: v.fscore, support: v.support };
  }
  const a = prfAveraged(counts, selected, average === 'binary' ? 'macro' : average, beta, zd);
  return { ...a, support: null };
}

/**
 * Precision, recall, F-beta and support, like scikit-learn `precision_recall_fscore_support`
 * (default `average: null`: one value per class in label order).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT (bad average/beta; 'binary' on multiclass data)
 * @example
 * precisionRecallFscoreSupport([0, 1, 2, 2], [0, 2, 2, 2], { numClasses: 3 }).recall // [1, 0, 1]
 */
export function precisionRecallFscoreSupport(yTrue: LabelInput, yPred: LabelInput, options: PrfOptions & { average: Exclude<Average, null> }): PrfAverage;
export function precisionRecallFscoreSupport(yTrue: LabelInput, yPred: LabelInput, options?: PrfOptions): PrfPerClass;
export function precisionRecallFscoreSupport(yTrue: LabelInput, yPred: LabelInput, options?: PrfOptions): PrfPerClass | PrfAverage {
  return compute(yTrue, yPred, options, null);
}

type Score<O> = O extends { average: null } ? number[] : number;

function single<O extends PrfOptions | undefined>(yTrue: LabelInput, yPred: LabelInput, options: O, key: 'precision' | 'recall' | 'fscore'): Score<O> {
  const r = compute(yTrue, yPred, options, 'binary');
  return r[key] as Score<O>;
}

/**
 * Precision tp / (tp + fp), like scikit-learn `precision_score` (default `average: 'binary'`).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT
 * @example precision([0, 1, 2, 2], [0, 2, 2, 2], { average: 'macro' }) // 0.5555…
 */
export function precision<O extends PrfOptions | undefined = undefined>(yTrue: LabelInput, yPred: LabelInput, options?: O): Score<O> {
  return single(yTrue, yPred, options as O, 'precision');
}

/**
 * Recall (sensitivity) tp / (tp + fn), like scikit-learn `recall_score` (default `average: 'binary'`).
 * Per-class recall is `recall(yTrue, yPred, { average: null })`.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT
 * @example recall([0, 1, 2, 2], [0, 2, 2, 2], { average: null }) // [1, 0, 1]
 */
export function recall<O extends PrfOptions | undefined = undefined>(yTrue: LabelInput, yPred: LabelInput, options?: O): Score<O> {
  return single(yTrue, yPred, options as O, 'recall');
}

/**
 * F1 score, the harmonic mean of precision and recall, like scikit-learn `f1_score` (default `average: 'binary'`).
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT
 * @example f1([0, 1, 2, 2], [0, 2, 2, 2], { average: 'macro' }) // 0.6
 */
export function f1<O extends Omit<PrfOptions, 'beta'> | undefined = undefined>(yTrue: LabelInput, yPred: LabelInput, options?: O): Score<O> {
  return single(yTrue, yPred, { ...options, beta: 1 } as unknown as O, 'fscore');
}

/**
 * F-beta score, like scikit-learn `fbeta_score`; `beta` is required (> 1 favours recall).
 * @throws FpdbError FPDB_INVALID_ARGUMENT without a valid beta, plus those of {@link precision}
 * @example fbeta([0, 1, 1], [0, 1, 0], { beta: 2 }) // 0.5555…
 */
export function fbeta<O extends PrfOptions & { beta: number }>(yTrue: LabelInput, yPred: LabelInput, options: O): Score<O> {
  if (options === undefined || options.beta === undefined) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `fbeta needs { beta }, e.g. { beta: 2 } to weigh recall twice as much as precision.`, {
      details: { argument: 'beta' },
    });
  }
  return single(yTrue, yPred, options, 'fscore');
}
