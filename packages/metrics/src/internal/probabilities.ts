import { FpdbError } from '@fpdb/schema';
import type { ProbabilityInput } from '../types.js';

/** Probabilities as a dense row-major float64 matrix [n, k]. */
export interface ProbMatrix {
  data: Float64Array;
  n: number;
  k: number;
}

/** Default absolute tolerance on row sums (float32 softmax outputs are off by ~1e-7·K). */
export const DEFAULT_SUM_TOLERANCE = 1e-4;

export interface ToProbsOptions {
  numClasses?: number | undefined;
  name?: string;
  /** Absolute tolerance on |rowSum − 1| and on values above 1. */
  tolerance?: number | undefined;
}

function isRowArray(input: ProbabilityInput): input is ArrayLike<ArrayLike<number>> {
  if (input.length === 0) return false;
  const first = (input as ArrayLike<unknown>)[0];
  return first !== null && typeof first === 'object' && typeof (first as { length?: unknown }).length === 'number';
}

/**
 * Copies probabilities into a float64 matrix, checking shape (K ≥ 2), that every value is a finite
 * number in [0, 1] and that each row sums to 1 within the tolerance.
 */
export function toProbs(input: ProbabilityInput, options: ToProbsOptions = {}): ProbMatrix {
  const name = options.name ?? 'yProb';
  const tol = options.tolerance ?? DEFAULT_SUM_TOLERANCE;
  if (input === null || typeof input !== 'object' || typeof (input as { length?: unknown }).length !== 'number') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name} must be number[][] or a flat typed array with numClasses.`, {
      details: { argument: name },
    });
  }
  let data: Float64Array;
  let n: number;
  let k: number;
  if (isRowArray(input)) {
    n = input.length;
    k = input[0]!.length;
    if (options.numClasses !== undefined && options.numClasses !== k) {
      throw new FpdbError('FPDB_SHAPE', `${name} has ${k} columns but numClasses is ${options.numClasses}; expected shape [n, ${options.numClasses}].`, {
        details: { argument: name, actual: k, expected: options.numClasses },
      });
    }
    data = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const row = input[i]!;
      if (row === null || typeof row !== 'object' || row.length !== k) {
        throw new FpdbError('FPDB_SHAPE', `${name}[${i}] has ${row?.length ?? 'no'} columns; expected ${k} like row 0 (shape [n, K]).`, {
          details: { argument: name, index: i, actual: row?.length, expected: k },
        });
      }
      for (let j = 0; j < k; j++) data[i * k + j] = row[j] as number;
    }
  } else {
    if (input.length === 0) {
      throw new FpdbError('FPDB_EMPTY', `${name} is empty; metrics need at least one sample.`, { details: { argument: name } });
    }
    if (options.numClasses === undefined) {
      throw new FpdbError('FPDB_SHAPE', `${name} is a flat array; pass numClasses (or classes) so it can be read as [n, K].`, {
        details: { argument: name, length: input.length },
      });
    }
    k = options.numClasses;
    if (input.length % k !== 0) {
      throw new FpdbError('FPDB_SHAPE', `${name} has ${input.length} values, not a multiple of numClasses ${k}; expected n·K values.`, {
        details: { argument: name, length: input.length, numClasses: k },
      });
    }
    n = input.length / k;
    data = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) data[i] = input[i] as number;
  }
  if (n === 0) throw new FpdbError('FPDB_EMPTY', `${name} is empty; metrics need at least one sample.`, { details: { argument: name } });
  if (k < 2) {
    throw new FpdbError('FPDB_SHAPE', `${name} has ${k} column(s); probabilities need K ≥ 2 classes (shape [n, K]).`, {
      details: { argument: name, actual: k },
    });
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = data[i * k + j]!;
      if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v)) {
        throw new FpdbError('FPDB_PROBABILITIES', `${name}[${i}][${j}] is ${String(v)}; probabilities must be finite numbers. Check the model output for NaN (diverged training?).`, {
          details: { argument: name, row: i, classIndex: j, value: v },
        });
      }
      if (v < 0 || v > 1 + tol) {
        throw new FpdbError('FPDB_PROBABILITIES', `${name}[${i}][${j}] is ${v}; probabilities must lie in [0, 1]. Apply softmax to logits first.`, {
          details: { argument: name, row: i, classIndex: j, value: v },
        });
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > tol) {
      throw new FpdbError('FPDB_PROBABILITIES', `${name}[${i}] sums to ${Number(sum.toPrecision(6))}, not 1 (tolerance ${tol}); pass softmax probabilities, one row per sample.`, {
        details: { argument: name, row: i, value: sum, tolerance: tol },
      });
    }
  }
  return { data, n, k };
}

/** Copies 1-D scores into a Float64Array, checking they are finite. */
export function toScores(input: ArrayLike<number>, name: string): Float64Array {
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name} must be an array of numbers.`, { details: { argument: name } });
  }
  const out = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name}[${i}] is ${String(v)}; scores must be finite numbers.`, {
        details: { argument: name, index: i, value: v },
      });
    }
    out[i] = v;
  }
  return out;
}

/** Arg-max of each row (first maximum wins, like numpy.argmax). */
export function argmaxRows(p: ProbMatrix): Int32Array {
  const out = new Int32Array(p.n);
  const { data, k } = p;
  for (let i = 0; i < p.n; i++) {
    let best = 0;
    let bv = data[i * k]!;
    for (let j = 1; j < k; j++) {
      const v = data[i * k + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
