import { createRng, FpdbError } from '@fpdb/schema';
import { fromFunction, validateOptions, weighted, type BootstrapMetric, type BootstrapOptions } from './bootstrap.js';
import { prepareDataset, toKeys, type PredictionData } from './internal/dataset.js';
import { percentileSorted } from './internal/percentile.js';

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
  let unitOf: Int32Array | null = null;
  let units = da.n;
  if (options?.groups !== undefined) {
    const keys = toKeys(options.groups, da.n, 'groups');
    const ids = new Map<string, number>();
    unitOf = new Int32Array(da.n);
    for (let i = 0; i < da.n; i++) {
      let id = ids.get(keys[i]!);
      if (id === undefined) ids.set(keys[i]!, (id = ids.size));
      unitOf[i] = id;
    }
    units = ids.size;
  }
  const ones = new Float64Array(da.n).fill(1);
  const values = names.map(() => new Float64Array(resamples));
  const rng = createRng(seed);
  const draws = new Float64Array(units);
  const w = new Float64Array(da.n);
  for (let r = 0; r < resamples; r++) {
    draws.fill(0);
    for (let u = 0; u < units; u++) draws[rng.int(units)]! += 1;
    if (unitOf === null) w.set(draws);
    else for (let i = 0; i < da.n; i++) w[i] = draws[unitOf[i]!]!;
    for (let m = 0; m < names.length; m++) values[m]![r] = fb[m]!(w) - fa[m]!(w);
  }
  const alpha = (1 - confidence) / 2;
  const out = {} as Record<K, PairedBootstrapInterval>;
  names.forEach((name, m) => {
    const v = Array.from(values[m]!)
      .filter((x) => Number.isFinite(x))
      .sort((x, y) => x - y);
    let mean = 0;
    for (const x of v) mean += x;
    mean /= v.length;
    let ss = 0;
    for (const x of v) ss += (x - mean) ** 2;
    const metric = metrics[name];
    const ea = fa[m]!(ones);
    const eb = fb[m]!(ones);
    out[name] = {
      metric: typeof metric === 'function' ? 'custom' : metric,
      a: ea,
      b: eb,
      difference: eb - ea,
      low: percentileSorted(v, alpha * 100),
      high: percentileSorted(v, (1 - alpha) * 100),
      confidence,
      resamples,
      valid: v.length,
      standardError: v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : NaN,
      shareBBetter: v.length > 0 ? v.filter((x) => x > 0).length / v.length : NaN,
      unit: unitOf === null ? 'sample' : 'group',
      units,
      seed,
    };
  });
  return out;
}
