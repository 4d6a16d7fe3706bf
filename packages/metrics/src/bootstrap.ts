import { FpdbError } from '@fpdb/schema';
import { balancedAccuracyFromCounts } from './accuracy.js';
import { cohenKappaFromCounts } from './cohen-kappa.js';
import { sortBinary, weightedAucSorted } from './internal/binary-curve.js';
import { gather, prepareDataset, type Dataset, type MetricSample, type PredictionData } from './internal/dataset.js';
import { classCounts, confusionCounts } from './internal/pair.js';
import { forEachResample, percentileInterval, resamplingUnits } from './internal/resampling.js';
import { prfAveraged } from './internal/prf.js';
import { matthewsFromCounts } from './matthews-corrcoef.js';

/** Metrics the bootstrap computes from resampling weights directly (fast, no copies). */
export const BOOTSTRAP_METRICS = [
  'accuracy',
  'balancedAccuracy',
  'macroF1',
  'weightedF1',
  'microF1',
  'macroPrecision',
  'macroRecall',
  'cohenKappa',
  'matthewsCorrcoef',
  'rocAucMacro',
  'logLoss',
  'brierScore',
] as const;

/** One of {@link BOOTSTRAP_METRICS}. */
export type BootstrapMetricName = (typeof BOOTSTRAP_METRICS)[number];

/** A named metric or a function of a resampled subset. */
export type BootstrapMetric = BootstrapMetricName | ((sample: MetricSample) => number);

/** Options of {@link bootstrap} and {@link bootstrapMany}. */
export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 0); same seed, same intervals. */
  seed?: number | string;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /**
   * Cluster key per sample (e.g. `patientId`): whole groups are resampled, because images of one
   * patient are not independent. Without it, samples (images) are resampled.
   */
  groups?: ArrayLike<string | number>;
}

/** A percentile bootstrap confidence interval. */
export interface BootstrapInterval {
  /** Metric name (`'custom'` for a function). */
  metric: string;
  /** The metric on the full data. */
  estimate: number;
  /** Lower and upper percentile bounds (numpy 'linear' percentiles of the resampled values). */
  low: number;
  high: number;
  confidence: number;
  /** Resamples drawn. */
  resamples: number;
  /** Resamples where the metric was defined (e.g. every class present for ROC-AUC). */
  valid: number;
  /** Standard deviation of the resampled values (ddof 1). */
  standardError: number;
  /** What was resampled: images (`'sample'`) or whole groups such as patients (`'group'`). */
  unit: 'sample' | 'group';
  /** Number of resampling units (samples or groups). */
  units: number;
  seed: number | string;
}

type WeightedMetric = (w: Float64Array) => number;

function requireProb(d: Dataset, name: string): NonNullable<Dataset['prob']> {
  if (d.prob === null) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `The bootstrap metric '${name}' needs yProb; pass probabilities [n, K].`, { details: { argument: 'yProb', metric: name } });
  }
  return d.prob;
}

/** A metric of the dataset under integer resampling weights (w[i] = times sample i was drawn). Shared with the paired bootstrap; not re-exported. */
export function weighted(d: Dataset, name: BootstrapMetricName): WeightedMetric {
  const k = d.k;
  const cm = (w: Float64Array): Float64Array => confusionCounts(d.yTrue, d.yPred, k, w);
  const all = Array.from({ length: k }, (_, i) => i);
  switch (name) {
    case 'accuracy':
      return (w) => {
        let hit = 0;
        let tot = 0;
        for (let i = 0; i < d.n; i++) {
          tot += w[i]!;
          if (d.yTrue[i] === d.yPred[i]) hit += w[i]!;
        }
        return hit / tot;
      };
    case 'balancedAccuracy':
      return (w) => balancedAccuracyFromCounts(cm(w), k, false);
    case 'macroF1':
    case 'weightedF1':
    case 'microF1':
    case 'macroPrecision':
    case 'macroRecall': {
      const avg = name === 'weightedF1' ? 'weighted' : name === 'microF1' ? 'micro' : 'macro';
      const key = name === 'macroPrecision' ? 'precision' : name === 'macroRecall' ? 'recall' : 'fscore';
      return (w) => prfAveraged(classCounts(cm(w), k), all, avg, 1, 0)[key];
    }
    case 'cohenKappa':
      return (w) => cohenKappaFromCounts(cm(w), k, null);
    case 'matthewsCorrcoef':
      return (w) => matthewsFromCounts(cm(w), k);
    case 'rocAucMacro': {
      const p = requireProb(d, name);
      const cols = all.map((c) => {
        const score = new Float64Array(d.n);
        const isPos = new Uint8Array(d.n);
        for (let i = 0; i < d.n; i++) {
          score[i] = p.data[i * k + c]!;
          isPos[i] = d.yTrue[i] === c ? 1 : 0;
        }
        return sortBinary(score, isPos);
      });
      if (k === 2) {
        const c1 = cols[1]!;
        return (w) => weightedAucSorted(c1, w);
      }
      return (w) => {
        let s = 0;
        for (const c of cols) s += weightedAucSorted(c, w);
        return s / k;
      };
    }
    case 'logLoss':
    case 'brierScore': {
      const p = requireProb(d, name);
      const loss = new Float64Array(d.n);
      const eps = Number.EPSILON;
      for (let i = 0; i < d.n; i++) {
        const y = d.yTrue[i]!;
        if (name === 'logLoss') {
          let rs = 0;
          for (let j = 0; j < k; j++) rs += Math.min(Math.max(p.data[i * k + j]!, eps), 1 - eps);
          loss[i] = -Math.log(Math.min(Math.max(p.data[i * k + y]!, eps), 1 - eps) / rs);
        } else if (k === 2) {
          const e = (y === 1 ? 1 : 0) - p.data[i * 2 + 1]!;
          loss[i] = e * e;
        } else {
          let e = 0;
          for (let j = 0; j < k; j++) {
            const diff = p.data[i * k + j]! - (j === y ? 1 : 0);
            e += diff * diff;
          }
          loss[i] = e;
        }
      }
      return (w) => {
        let s = 0;
        let t = 0;
        for (let i = 0; i < d.n; i++) {
          s += loss[i]! * w[i]!;
          t += w[i]!;
        }
        return s / t;
      };
    }
    default:
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `Unknown bootstrap metric ${JSON.stringify(name)}; use one of ${BOOTSTRAP_METRICS.join(', ')} or a function.`, {
        details: { argument: 'metric', value: name },
      });
  }
}

/** A metric callback under resampling weights (it receives the resampled subset). Shared with the paired bootstrap; not re-exported. */
export function fromFunction(d: Dataset, fn: (s: MetricSample) => number): WeightedMetric {
  return (w) => {
    let m = 0;
    for (let i = 0; i < d.n; i++) m += w[i]!;
    const idx = new Int32Array(m);
    let r = 0;
    for (let i = 0; i < d.n; i++) for (let c = 0; c < w[i]!; c++) idx[r++] = i;
    return fn(gather(d, idx));
  };
}

/** The resampling options with their defaults, checked. Shared with the paired bootstrap; not re-exported. */
export function validateOptions(o: BootstrapOptions | undefined): { resamples: number; seed: number | string; confidence: number } {
  const resamples = o?.resamples ?? 1000;
  const seed = o?.seed ?? 0;
  const confidence = o?.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `resamples must be an integer ≥ 1 (1000 is usual); got ${String(resamples)}.`, { details: { argument: 'resamples', value: resamples } });
  }
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `confidence must be in (0, 1), e.g. 0.95; got ${String(confidence)}.`, { details: { argument: 'confidence', value: confidence } });
  }
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `seed must be a finite number or a string.`, { details: { argument: 'seed', value: seed } });
  }
  return { resamples, seed, confidence };
}

/**
 * Bootstrap confidence intervals of several metrics from the same resamples (consistent and one pass).
 * With `groups` it is a cluster bootstrap: patients are drawn with replacement, each bringing all its images.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT
 * @example
 * bootstrapMany({ accuracy: 'accuracy', macroF1: 'macroF1' }, { yTrue, yProb }, { groups: patientIds, seed: 1 })
 */
export function bootstrapMany<K extends string>(metrics: Record<K, BootstrapMetric>, data: PredictionData, options?: BootstrapOptions): Record<K, BootstrapInterval> {
  const { resamples, seed, confidence } = validateOptions(options);
  const d = prepareDataset(data);
  const names = Object.keys(metrics) as K[];
  if (names.length === 0) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Pass at least one metric, e.g. { accuracy: 'accuracy' }.`, { details: { argument: 'metrics' } });
  }
  const fns = names.map((name) => {
    const m = metrics[name];
    return typeof m === 'function' ? fromFunction(d, m) : weighted(d, m);
  });
  const sampling = resamplingUnits(d.n, options?.groups);
  const ones = new Float64Array(d.n).fill(1);
  const estimates = fns.map((f) => f(ones));
  const values = fns.map(() => new Float64Array(resamples));
  forEachResample(d.n, sampling, resamples, seed, (w, r) => {
    for (let m = 0; m < fns.length; m++) values[m]![r] = fns[m]!(w);
  });
  const out = {} as Record<K, BootstrapInterval>;
  names.forEach((name, m) => {
    const { low, high, valid, standardError } = percentileInterval(values[m]!, confidence);
    const metric = metrics[name];
    out[name] = {
      metric: typeof metric === 'function' ? 'custom' : metric,
      estimate: estimates[m]!,
      low,
      high,
      confidence,
      resamples,
      valid,
      standardError,
      unit: sampling.unitOf === null ? 'sample' : 'group',
      units: sampling.units,
      seed,
    };
  });
  return out;
}

/**
 * Percentile bootstrap confidence interval of one metric, seeded; a cluster bootstrap over `groups`
 * (patients) when given.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT
 * @example
 * const ci = bootstrap('macroF1', { yTrue, yProb, classes }, { groups: patientIds, resamples: 1000, seed: 42 });
 * // { estimate: 0.81, low: 0.79, high: 0.83, unit: 'group', … }
 */
export function bootstrap(metric: BootstrapMetric, data: PredictionData, options?: BootstrapOptions): BootstrapInterval {
  return bootstrapMany({ value: metric }, data, options).value;
}
