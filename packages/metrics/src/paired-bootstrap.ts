import { FpdbError } from '@fpdb/schema';
import { fromFunction, validateOptions, weighted, type BootstrapMetric, type BootstrapOptions } from './bootstrap.js';
import { prepareDataset, type PredictionData } from './internal/dataset.js';
import { forEachResample, percentileInterval, resamplingUnits } from './internal/resampling.js';

/** A percentile bootstrap interval of the difference of one metric between two models on the same images. */
export interface PairedBootstrapInterval {
  /** Metric name (`'custom'` for a function). */
  metric: string;
  /** The metric of model A and of model B on the full data. */
  a: number;
  b: number;
  /** `b − a` on the full data. */
  difference: number;
  /** Percentile bounds of the resampled `b − a`. */
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  /** Resamples where both metrics were defined. */
  valid: number;
  standardError: number;
  /** Share of valid resamples where B beat A (`b − a > 0`). */
  shareBBetter: number;
  /** What was resampled: images (`'sample'`) or whole groups such as patients (`'group'`). */
  unit: 'sample' | 'group';
  units: number;
  seed: number | string;
}

/**
 * Paired bootstrap of the difference `B − A` of metrics between two models' predictions on the same
 * images (same order, same true labels): each resample draws patients (with `groups`) or images once and
 * scores both models on that one draw, so the interval reflects the difference itself, not the spread
 * of two independent intervals. An interval that excludes 0 says the models differ at that confidence.
 * @throws FpdbError FPDB_LENGTH_MISMATCH when A and B have different numbers of images; FPDB_LABEL when
 *   their true labels differ (not the same images); FPDB_INVALID_ARGUMENT, FPDB_EMPTY, FPDB_SHAPE, FPDB_PROBABILITIES as {@link bootstrapMany}.
 * @example
 * const d = pairedBootstrap({ accuracy: 'accuracy', macroF1: 'macroF1' }, { yTrue, yProb: probA }, { yTrue, yProb: probB }, { groups: patientIds, seed: 0 });
 * d.accuracy // { a: 0.81, b: 0.84, difference: 0.03, low: 0.005, high: 0.055, … }
 */
export function pairedBootstrap<K extends string>(metrics: Record<K, BootstrapMetric>, a: PredictionData, b: PredictionData, options?: BootstrapOptions): Record<K, PairedBootstrapInterval> {
  const { resamples, seed, confidence } = validateOptions(options);
  const da = prepareDataset(a);
  const db = prepareDataset(b);
  if (da.n !== db.n) {
    throw new FpdbError('FPDB_LENGTH_MISMATCH', `A paired bootstrap needs the same images in both: A has ${da.n}, B has ${db.n}.`, { details: { argument: 'b', value: db.n } });
  }
  for (let i = 0; i < da.n; i++) {
    if (da.yTrue[i] !== db.yTrue[i]) {
      throw new FpdbError('FPDB_LABEL', `A paired bootstrap needs the same images in the same order, but the true label of image ${i} is ${da.yTrue[i]} in A and ${db.yTrue[i]} in B.`, {
        details: { argument: 'b.yTrue', value: i },
      });
    }
  }
  const names = Object.keys(metrics) as K[];
  if (names.length === 0) throw new FpdbError('FPDB_INVALID_ARGUMENT', `Pass at least one metric, e.g. { accuracy: 'accuracy' }.`, { details: { argument: 'metrics' } });
  const fn = (d: typeof da, m: BootstrapMetric) => (typeof m === 'function' ? fromFunction(d, m) : weighted(d, m));
  const fa = names.map((n) => fn(da, metrics[n]));
  const fb = names.map((n) => fn(db, metrics[n]));
  const sampling = resamplingUnits(da.n, options?.groups);
  const ones = new Float64Array(da.n).fill(1);
  const values = names.map(() => new Float64Array(resamples));
  forEachResample(da.n, sampling, resamples, seed, (w, r) => {
    for (let m = 0; m < names.length; m++) values[m]![r] = fb[m]!(w) - fa[m]!(w);
  });
  const out = {} as Record<K, PairedBootstrapInterval>;
  names.forEach((name, m) => {
    const { low, high, valid, standardError, sorted } = percentileInterval(values[m]!, confidence);
    const metric = metrics[name];
    const ea = fa[m]!(ones);
    const eb = fb[m]!(ones);
    out[name] = {
      metric: typeof metric === 'function' ? 'custom' : metric,
      a: ea,
      b: eb,
      difference: eb - ea,
      low,
      high,
      confidence,
      resamples,
      valid,
      standardError,
      shareBBetter: valid > 0 ? sorted.filter((x) => x > 0).length / valid : NaN,
      unit: sampling.unitOf === null ? 'sample' : 'group',
      units: sampling.units,
      seed,
    };
  });
  return out;
}
