import { FpdbError } from '@fpdb/schema';
import { prepareScored } from './internal/scored.js';
import type { ClassOptions, LabelInput, ProbabilityInput, WeightInput } from './types.js';

/** One equal-width confidence bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Bin edges: a sample falls in the bin when lower < confidence ≤ upper (the first bin includes 0). */
  lower: number;
  upper: number;
  /** Number of samples (total weight with sampleWeight) in the bin. */
  count: number;
  /** Mean top-label confidence in the bin, null when empty. */
  confidence: number | null;
  /** Fraction of the bin's samples predicted correctly, null when empty. */
  accuracy: number | null;
  /** accuracy − confidence (negative = over-confident), null when empty. */
  gap: number | null;
}

/** Calibration summary: the bins, ECE and MCE. */
export interface Calibration {
  numBins: number;
  /** Expected calibration error: Σ_b (n_b / n) |acc_b − conf_b|. */
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  bins: ReliabilityBin[];
}

/** Options of {@link reliabilityBins} and {@link expectedCalibrationError}. */
export interface CalibrationOptions extends ClassOptions {
  /** Number of equal-width bins on [0, 1] (default 15, as in Guo et al. 2017). */
  numBins?: number;
  /** Per-sample weights. */
  sampleWeight?: WeightInput;
  /** Absolute tolerance on probability row sums (default 1e-4). */
  tolerance?: number;
}

/** Bin edges i/M, computed as numpy.linspace(0, 1, M + 1) does. */
function edges(m: number): Float64Array {
  const step = 1 / m;
  const e = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) e[i] = i * step;
  e[m] = 1;
  return e;
}

/**
 * Reliability-diagram bins of the top-label confidence (max probability) against accuracy, with ECE and MCE.
 * @throws FpdbError FPDB_EMPTY, FPDB_LENGTH_MISMATCH, FPDB_LABEL, FPDB_SHAPE, FPDB_PROBABILITIES, FPDB_INVALID_ARGUMENT (numBins)
 * @example reliabilityBins([0, 1], [[0.9, 0.1], [0.4, 0.6]], { numBins: 10 }).ece // 0.25
 */
export function reliabilityBins(yTrue: LabelInput, yProb: ProbabilityInput, options?: CalibrationOptions): Calibration {
  const m = options?.numBins ?? 15;
  if (!Number.isInteger(m) || m < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `numBins must be an integer ≥ 1; got ${String(m)}.`, { details: { argument: 'numBins', value: m } });
  }
  const s = prepareScored(yTrue, yProb, options);
  const { data, n, k } = s.prob;
  const e = edges(m);
  const count = new Float64Array(m);
  const confSum = new Float64Array(m);
  const hitSum = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let conf = data[i * k]!;
    for (let j = 1; j < k; j++) {
      if (data[i * k + j]! > conf) {
        conf = data[i * k + j]!;
        best = j;
      }
    }
    let b = Math.min(m - 1, Math.max(0, Math.ceil(conf * m) - 1));
    while (b > 0 && conf <= e[b]!) b--;
    while (b < m - 1 && conf > e[b + 1]!) b++;
    const w = s.weights === null ? 1 : s.weights[i]!;
    count[b]! += w;
    confSum[b]! += conf * w;
    if (best === s.yTrue[i]) hitSum[b]! += w;
    total += w;
  }
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  let mce = 0;
  for (let b = 0; b < m; b++) {
    const c = count[b]!;
    if (c === 0) {
      bins.push({ lower: e[b]!, upper: e[b + 1]!, count: 0, confidence: null, accuracy: null, gap: null });
      continue;
    }
    const acc = hitSum[b]! / c;
    const conf = confSum[b]! / c;
    const gap = Math.abs(acc - conf);
    ece += (c / total) * gap;
    if (gap > mce) mce = gap;
    bins.push({ lower: e[b]!, upper: e[b + 1]!, count: c, confidence: conf, accuracy: acc, gap: acc - conf });
  }
  return { numBins: m, ece, mce, bins };
}

/**
 * Expected calibration error of the top-label confidence over `numBins` equal-width bins (default 15).
 * @throws FpdbError as {@link reliabilityBins}
 * @example expectedCalibrationError([0, 1], [[0.9, 0.1], [0.4, 0.6]], { numBins: 10 }) // 0.25
 */
export function expectedCalibrationError(yTrue: LabelInput, yProb: ProbabilityInput, options?: CalibrationOptions): number {
  return reliabilityBins(yTrue, yProb, options).ece;
}
