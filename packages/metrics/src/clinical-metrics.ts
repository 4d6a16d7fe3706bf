import { bootstrapMany, type BootstrapMetric } from './bootstrap.js';
import { prepareDataset, type MetricSample } from './internal/dataset.js';
import { finiteOrNull } from './internal/format.js';
import type { LabelInput } from './types.js';

/** The four one-vs-rest rates clinicians read for one class. */
export const CLINICAL_RATES = ['sensitivity', 'specificity', 'ppv', 'npv'] as const;

/** One of {@link CLINICAL_RATES}. */
export type ClinicalRate = (typeof CLINICAL_RATES)[number];

/** A rate with its bootstrap interval (null where the rate is undefined: a zero denominator). */
export interface ClinicalValue {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** One class read one-vs-rest: the counts and the four rates. */
export interface ClinicalClass {
  index: number;
  name: string;
  /** True positives, false positives, true negatives, false negatives of the class against the rest. */
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** TP / (TP + FN): share of the class's images recognised (= recall). */
  sensitivity: ClinicalValue;
  /** TN / (TN + FP): share of the other images not called this class. */
  specificity: ClinicalValue;
  /** TP / (TP + FP): share of the images called this class that are (= precision). */
  ppv: ClinicalValue;
  /** TN / (TN + FN): share of the images not called this class that are not. */
  npv: ClinicalValue;
}

/** Input of {@link clinicalMetrics}. */
export interface ClinicalMetricsInput {
  yTrue: LabelInput;
  yPred: LabelInput;
  classes?: readonly string[];
  numClasses?: number;
  /** Patient id per image: the bootstrap then resamples patients. */
  groups?: ArrayLike<string | number>;
  /** Bootstrap settings (default 1000 resamples, seed 0, 95 %); `false` gives the rates without intervals. */
  bootstrap?: { resamples?: number; seed?: number | string; confidence?: number } | false;
}

function counts(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, c: number): { tp: number; fp: number; tn: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === c;
    const p = yPred[i] === c;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

function rate(r: ClinicalRate, k: { tp: number; fp: number; tn: number; fn: number }): number {
  const [num, den] = r === 'sensitivity' ? [k.tp, k.tp + k.fn] : r === 'specificity' ? [k.tn, k.tn + k.fp] : r === 'ppv' ? [k.tp, k.tp + k.fp] : [k.tn, k.tn + k.fn];
  return den === 0 ? Number.NaN : num / den;
}

/**
 * Per-class sensitivity, specificity, PPV and NPV (each class against the rest), with percentile
 * bootstrap intervals: a cluster bootstrap over `groups` (patients) when given, as the images of one
 * patient are not independent. Rates with a zero denominator are `null`.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_INVALID_ARGUMENT
 * @example
 * const rows = clinicalMetrics({ yTrue, yPred, classes: ['brain', 'other'], groups: patientIds, bootstrap: { seed: 1 } });
 * rows[0].sensitivity // { value: 0.91, low: 0.85, high: 0.95 }
 */
export function clinicalMetrics(input: ClinicalMetricsInput): ClinicalClass[] {
  const d = prepareDataset({ yTrue: input.yTrue, yPred: input.yPred, ...(input.classes ? { classes: input.classes } : {}), ...(input.numClasses ? { numClasses: input.numClasses } : {}) });
  const perClass = d.names.map((_, c) => counts(d.yTrue, d.yPred, c));
  let intervals: Record<string, { low: number; high: number }> | undefined;
  if (input.bootstrap !== false) {
    const metrics: Record<string, BootstrapMetric> = {};
    d.names.forEach((_, c) => {
      for (const r of CLINICAL_RATES) metrics[`${c}:${r}`] = (s: MetricSample) => rate(r, counts(s.yTrue, s.yPred, c));
    });
    intervals = bootstrapMany(metrics, { yTrue: d.yTrue, yPred: d.yPred, numClasses: d.k }, { ...(input.bootstrap ?? {}), ...(input.groups !== undefined ? { groups: input.groups } : {}) });
  }
  return d.names.map((name, c) => {
    const k = perClass[c]!;
    const value = (r: ClinicalRate): ClinicalValue => {
      const iv = intervals?.[`${c}:${r}`];
      return { value: finiteOrNull(rate(r, k)), low: iv ? finiteOrNull(iv.low) : null, high: iv ? finiteOrNull(iv.high) : null };
    };
    return { index: c, name, ...k, sensitivity: value('sensitivity'), specificity: value('specificity'), ppv: value('ppv'), npv: value('npv') };
  });
}
