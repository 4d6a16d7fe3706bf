import { FpdbError } from '@fpdb/schema';
import { accuracy, balancedAccuracy } from './accuracy.js';
import { apFromCurve, prFromBinary } from './average-precision.js';
import { bootstrapMany, type BootstrapInterval, type BootstrapMetric } from './bootstrap.js';
import { reliabilityBins, type ReliabilityBin } from './calibration.js';
import { classificationReport, type ClassificationReportJson } from './classification-report.js';
import { clinicalMetrics, type ClinicalClass } from './clinical-metrics.js';
import { cohenKappa } from './cohen-kappa.js';
import { confusionMatrix } from './confusion-matrix.js';
import { groupBy } from './group-by.js';
import { prepareDataset, toKeys, type Dataset, type MetricSample } from './internal/dataset.js';
import { finiteOrNull } from './internal/format.js';
import { column, indicator } from './internal/scored.js';
import { logLoss } from './log-loss.js';
import { brierScore } from './brier-score.js';
import { matthewsCorrcoef } from './matthews-corrcoef.js';
import { precisionRecallFscoreSupport } from './precision-recall-fscore.js';
import { rocFromBinary } from './roc.js';
import { trapezoid } from './internal/binary-curve.js';
import { topKAccuracy } from './top-k-accuracy.js';
import type { LabelInput, ProbabilityInput } from './types.js';

/** Input of {@link evaluationReport}. */
export interface EvaluationReportInput {
  /** True class indices, length n. */
  yTrue: LabelInput;
  /** Class probabilities [n, K] (number[][] or flat with classes/numClasses). */
  yProb: ProbabilityInput;
  /** Predicted classes; default arg-max of yProb. */
  yPred?: LabelInput;
  /** Class names in index order, e.g. `labelSpace('planes').classes`. */
  classes?: readonly string[];
  /** K when names are not given. */
  numClasses?: number;
  /** Patient id per sample: the bootstrap then resamples patients (cluster bootstrap). */
  groups?: ArrayLike<string | number>;
  /** Breakdowns, e.g. `{ usMachine: [...], operator: [...] }`, one key per sample each. */
  by?: Record<string, ArrayLike<string | number>>;
  /** Bootstrap settings (default 1000 resamples, seed 0, 95 %); `false` skips it. */
  bootstrap?: { resamples?: number; seed?: number | string; confidence?: number } | false;
  /** Reliability-diagram bins (default 15). */
  calibrationBins?: number;
  /** Most points kept per ROC/PR curve in the report (default 256; the ends are always kept). */
  maxCurvePoints?: number;
  /** Free-form context copied to `meta` (task, split, model, dataset…). */
  meta?: Record<string, string | number | boolean>;
}

/** An interval in the report (NaN → null). */
export interface ReportInterval {
  estimate: number | null;
  low: number | null;
  high: number | null;
  standardError: number | null;
  /** Resamples where the metric was defined. */
  valid: number;
}

/** Scores of one class. */
export interface ReportClass {
  index: number;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** True samples of the class. */
  support: number;
  /** Samples predicted as the class. */
  predicted: number;
  /** One-vs-rest ROC-AUC, null when the class has no positives or no negatives. */
  rocAuc: number | null;
  averagePrecision: number;
}

/** Metrics of one subgroup (one US machine, one operator…). */
export interface ReportGroup {
  group: string;
  count: number;
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  /** Recall per class (index order), null for a class absent from the group. */
  recall: (number | null)[];
  /** Support per class in the group. */
  support: number[];
  /** Mean one-vs-rest ROC-AUC over the classes defined in this group; null when none is. */
  rocAucMacro: number | null;
}

/** A thinned curve for plots: ROC (x = FPR, y = TPR) or PR (x = recall, y = precision). */
export interface ReportCurve {
  index: number;
  name: string;
  x: number[];
  y: number[];
  /** AUC (ROC) or average precision (PR), from the full curve; null when undefined. */
  area: number | null;
  /** Share of positives: the no-skill level of a PR curve. */
  prevalence: number;
}

/** The complete, JSON-serialisable evaluation of one model on one test set. */
export interface EvaluationReport {
  schema: 'fpdb.evaluation-report';
  version: 1;
  meta: Record<string, string | number | boolean>;
  n: number;
  numClasses: number;
  classes: string[];
  /** Distinct `groups` (patients), null when not given. */
  patients: number | null;
  summary: {
    accuracy: number;
    balancedAccuracy: number;
    macroPrecision: number;
    macroRecall: number;
    macroF1: number;
    weightedF1: number;
    /** Top-2 accuracy (K > 2), else null. */
    top2Accuracy: number | null;
    cohenKappa: number | null;
    cohenKappaLinear: number | null;
    cohenKappaQuadratic: number | null;
    matthewsCorrcoef: number;
    /** Mean one-vs-rest ROC-AUC over the classes where it is defined (all of them normally). */
    rocAucMacro: number | null;
    rocAucWeighted: number | null;
    averagePrecisionMacro: number;
    averagePrecisionWeighted: number;
    logLoss: number;
    brierScore: number;
    ece: number;
  };
  perClass: ReportClass[];
  /**
   * Per class against the rest: sensitivity, specificity, PPV, NPV with the report's bootstrap intervals
   * (patient-level with `groups`; no intervals when the bootstrap is off).
   */
  clinical: ClinicalClass[];
  confusionMatrix: { counts: number[][]; normalizedByTrue: number[][] };
  calibration: { numBins: number; ece: number; mce: number; bins: ReliabilityBin[] };
  curves: { roc: ReportCurve[]; pr: ReportCurve[] };
  bootstrap: {
    resamples: number;
    seed: number | string;
    confidence: number;
    /** `'patient'` for the cluster bootstrap over `groups`, else `'image'`. */
    unit: 'patient' | 'image';
    units: number;
    accuracy: ReportInterval;
    balancedAccuracy: ReportInterval;
    macroF1: ReportInterval;
    rocAucMacro: ReportInterval | null;
  } | null;
  by: Record<string, ReportGroup[]>;
  /** scikit-learn `classification_report(output_dict=True)`. */
  classificationReport: ClassificationReportJson;
  /** Things a reader must know (undefined AUCs, tiny groups…). */
  warnings: string[];
}

function thin(x: number[], y: number[], max: number): { x: number[]; y: number[] } {
  if (x.length <= max) return { x, y };
  const keep: number[] = [];
  const step = (x.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) keep.push(Math.round(i * step));
  return { x: keep.map((i) => x[i]!), y: keep.map((i) => y[i]!) };
}

function interval(b: BootstrapInterval): ReportInterval {
  return { estimate: finiteOrNull(b.estimate), low: finiteOrNull(b.low), high: finiteOrNull(b.high), standardError: finiteOrNull(b.standardError), valid: b.valid };
}

function groupSummary(s: MetricSample): Omit<ReportGroup, 'group' | 'count'> {
  const k = s.numClasses;
  const prf = precisionRecallFscoreSupport(s.yTrue, s.yPred, { numClasses: k });
  const support = prf.support;
  let aucSum = 0;
  let aucN = 0;
  if (s.yProb !== null) {
    const prob = { data: s.yProb, n: s.yTrue.length, k };
    for (let c = 0; c < k; c++) {
      const sup = support[c]!;
      if (sup === 0 || sup === s.yTrue.length) continue;
      const curve = rocFromBinary(indicator(s.yTrue, c), column(prob, c), null, true, `class ${c}`);
      aucSum += trapezoid(curve.fpr, curve.tpr);
      aucN++;
    }
  }
  return {
    accuracy: accuracy(s.yTrue, s.yPred),
    balancedAccuracy: balancedAccuracy(s.yTrue, s.yPred, { numClasses: k }),
    macroF1: precisionRecallFscoreSupport(s.yTrue, s.yPred, { numClasses: k, average: 'macro' }).fscore,
    recall: prf.recall.map((r, c) => (support[c] === 0 ? null : r)),
    support,
    rocAucMacro: aucN === 0 ? null : aucSum / aucN,
  };
}

function curves(d: Dataset, max: number): { roc: ReportCurve[]; pr: ReportCurve[]; rocAuc: (number | null)[]; ap: number[] } {
  const prob = d.prob!;
  const roc: ReportCurve[] = [];
  const pr: ReportCurve[] = [];
  const rocAuc: (number | null)[] = [];
  const ap: number[] = [];
  for (let c = 0; c < d.k; c++) {
    const isPos = indicator(d.yTrue, c);
    const score = column(prob, c);
    let pos = 0;
    for (let i = 0; i < d.n; i++) pos += isPos[i]!;
    const prevalence = pos / d.n;
    if (pos > 0 && pos < d.n) {
      const r = rocFromBinary(isPos, score, null, true, `class ${c}`);
      const a = trapezoid(r.fpr, r.tpr);
      rocAuc.push(a);
      roc.push({ index: c, name: d.names[c]!, ...thin(r.fpr, r.tpr, max), area: a, prevalence });
    } else {
      rocAuc.push(null);
      roc.push({ index: c, name: d.names[c]!, x: [], y: [], area: null, prevalence });
    }
    const p = prFromBinary(isPos, score, null);
    const apc = apFromCurve(p);
    ap.push(apc);
    pr.push({ index: c, name: d.names[c]!, ...thin(p.recall, p.precision, max), area: apc, prevalence });
  }
  return { roc, pr, rocAuc, ap };
}

/**
 * Everything a reviewer asks for, in one JSON-serialisable object: accuracy, balanced accuracy,
 * macro/weighted F1, per-class P/R/F1/support, confusion matrix, kappa, MCC, ROC-AUC, AP, log loss,
 * Brier, ECE with bins, thinned ROC/PR curves, bootstrap CIs (patient-level with `groups`) and
 * per-group breakdowns. Consumed by `fpdb eval`, {@link reportToMarkdown} and the SVG plots.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT
 * @example
 * const report = evaluationReport({ yTrue, yProb, classes: labelSpace('planes').classes, groups: patientIds,
 *   by: { usMachine, operator }, bootstrap: { resamples: 1000, seed: 42 } });
 * writeFileSync('report.md', reportToMarkdown(report));
 */
export function evaluationReport(input: EvaluationReportInput): EvaluationReport {
  if (input === null || typeof input !== 'object' || input.yProb === undefined) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `evaluationReport needs { yTrue, yProb, classes? }; yProb are the model's softmax probabilities [n, K].`, {
      details: { argument: 'yProb' },
    });
  }
  const d = prepareDataset(input);
  const k = d.k;
  const warnings: string[] = [];
  const opts = { numClasses: k };
  const prob = d.prob!;
  const flat = prob.data;
  const prf = precisionRecallFscoreSupport(d.yTrue, d.yPred, opts);
  const macro = precisionRecallFscoreSupport(d.yTrue, d.yPred, { ...opts, average: 'macro' });
  const weighted = precisionRecallFscoreSupport(d.yTrue, d.yPred, { ...opts, average: 'weighted' });
  const cm = confusionMatrix(d.yTrue, d.yPred, opts);
  const cal = reliabilityBins(d.yTrue, flat, { ...opts, numBins: input.calibrationBins ?? 15 });
  const cv = curves(d, input.maxCurvePoints ?? 256);
  const defined = cv.rocAuc.map((a, c) => ({ a, c })).filter((x) => x.a !== null) as { a: number; c: number }[];
  for (let c = 0; c < k; c++) {
    if (prf.support[c] === 0) warnings.push(`Class "${d.names[c]}" has no true samples: its recall and ROC-AUC are undefined (recall reported as 0, ROC-AUC as null).`);
    else if (cv.rocAuc[c] === null) warnings.push(`Class "${d.names[c]}" has no negatives: its ROC-AUC is undefined.`);
  }
  const rocAucMacro = defined.length === 0 ? null : defined.reduce((s, x) => s + x.a, 0) / defined.length;
  let wSum = 0;
  let wAcc = 0;
  for (const x of defined) {
    wSum += prf.support[x.c]!;
    wAcc += x.a * prf.support[x.c]!;
  }
  const rocAucWeighted = wSum === 0 ? null : wAcc / wSum;
  let apW = 0;
  let apWs = 0;
  cv.ap.forEach((a, c) => {
    apW += a * prf.support[c]!;
    apWs += prf.support[c]!;
  });
  const predicted = cm[0]!.map((_, j) => cm.reduce((s, row) => s + row[j]!, 0));

  let boot: EvaluationReport['bootstrap'] = null;
  let patients: number | null = null;
  if (input.groups !== undefined) patients = new Set(toKeys(input.groups, d.n, 'groups')).size;
  if (input.bootstrap !== false) {
    const b = input.bootstrap ?? {};
    const metrics: Record<string, BootstrapMetric> = { accuracy: 'accuracy', balancedAccuracy: 'balancedAccuracy', macroF1: 'macroF1' };
    if (defined.length === k) metrics.rocAucMacro = 'rocAucMacro';
    const r = bootstrapMany(
      metrics,
      { yTrue: d.yTrue, yPred: d.yPred, yProb: flat, numClasses: k },
      {
        ...b,
        ...(input.groups !== undefined ? { groups: input.groups } : {}),
      },
    );
    const any = r.accuracy!;
    boot = {
      resamples: any.resamples,
      seed: any.seed,
      confidence: any.confidence,
      unit: any.unit === 'group' ? 'patient' : 'image',
      units: any.units,
      accuracy: interval(r.accuracy!),
      balancedAccuracy: interval(r.balancedAccuracy!),
      macroF1: interval(r.macroF1!),
      rocAucMacro: r.rocAucMacro ? interval(r.rocAucMacro) : null,
    };
    if (input.groups === undefined) warnings.push('Bootstrap resampled images, not patients: pass groups (patient ids) for honest intervals, since images of one patient are not independent.');
  }

  const by: Record<string, ReportGroup[]> = {};
  for (const [name, keys] of Object.entries(input.by ?? {})) {
    by[name] = groupBy(keys, { yTrue: d.yTrue, yPred: d.yPred, yProb: flat, numClasses: k, classes: d.names }, groupSummary).map((g) => ({
      group: g.group,
      count: g.count,
      ...g.value,
    }));
    for (const g of by[name]) if (g.count < 30) warnings.push(`${name} "${g.group}" has only ${g.count} samples; its metrics are very uncertain.`);
  }

  const clinical = clinicalMetrics({
    yTrue: d.yTrue,
    yPred: d.yPred,
    classes: d.names,
    ...(input.groups !== undefined ? { groups: input.groups } : {}),
    bootstrap: input.bootstrap === false ? false : (input.bootstrap ?? {}),
  });
  const kappa = (w: 'linear' | 'quadratic' | null): number | null => finiteOrNull(cohenKappa(d.yTrue, d.yPred, { ...opts, weights: w }));
  return {
    schema: 'fpdb.evaluation-report',
    version: 1,
    meta: { ...(input.meta ?? {}) },
    n: d.n,
    numClasses: k,
    classes: d.names,
    patients,
    summary: {
      accuracy: accuracy(d.yTrue, d.yPred),
      balancedAccuracy: balancedAccuracy(d.yTrue, d.yPred, opts),
      macroPrecision: macro.precision,
      macroRecall: macro.recall,
      macroF1: macro.fscore,
      weightedF1: weighted.fscore,
      top2Accuracy: k > 2 ? topKAccuracy(d.yTrue, flat, { ...opts, k: 2 }) : null,
      cohenKappa: kappa(null),
      cohenKappaLinear: kappa('linear'),
      cohenKappaQuadratic: kappa('quadratic'),
      matthewsCorrcoef: matthewsCorrcoef(d.yTrue, d.yPred, opts),
      rocAucMacro,
      rocAucWeighted,
      averagePrecisionMacro: cv.ap.reduce((s, a) => s + a, 0) / k,
      averagePrecisionWeighted: apWs === 0 ? 0 : apW / apWs,
      logLoss: logLoss(d.yTrue, flat, opts),
      brierScore: brierScore(d.yTrue, flat, opts),
      ece: cal.ece,
    },
    perClass: d.names.map((name, c) => ({
      index: c,
      name,
      precision: prf.precision[c]!,
      recall: prf.recall[c]!,
      f1: prf.fscore[c]!,
      support: prf.support[c]!,
      predicted: predicted[c]!,
      rocAuc: cv.rocAuc[c]!,
      averagePrecision: cv.ap[c]!,
    })),
    clinical,
    confusionMatrix: { counts: cm, normalizedByTrue: confusionMatrix(d.yTrue, d.yPred, { ...opts, normalize: 'true' }) },
    calibration: cal,
    curves: { roc: cv.roc, pr: cv.pr },
    bootstrap: boot,
    by,
    classificationReport: classificationReport(d.yTrue, d.yPred, { classes: d.names, format: 'json' }),
    warnings,
  };
}
