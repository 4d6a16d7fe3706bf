import { FpdbError } from '@fpdb/schema';
import type { ClassOptions, LabelInput, WeightInput } from '../types.js';

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { length?: unknown }).length === 'number';
}

/** Copies class indices into an Int32Array, checking each is an integer ≥ 0. */
export function toLabels(input: LabelInput, name: string): Int32Array {
  if (!isArrayLike(input)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `${name} must be an array of class indices; got ${typeof input}.`, {
      details: { argument: name },
    });
  }
  const n = input.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = input[i] as number;
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new FpdbError('FPDB_LABEL', `${name}[${i}] is ${String(v)}; labels must be class indices (integers 0…K-1). Map class names with labelSpace(task).indexOf(name).`, {
        details: { argument: name, index: i, value: v },
      });
    }
    out[i] = v;
  }
  return out;
}

/** Throws FPDB_EMPTY for zero samples. */
export function requireNonEmpty(n: number, name: string): void {
  if (n === 0) {
    throw new FpdbError('FPDB_EMPTY', `${name} is empty; metrics need at least one sample.`, { details: { argument: name } });
  }
}

/** Throws FPDB_LENGTH_MISMATCH unless both lengths agree. */
export function requireSameLength(a: number, aName: string, b: number, bName: string): void {
  if (a !== b) {
    throw new FpdbError('FPDB_LENGTH_MISMATCH', `${aName} has ${a} samples but ${bName} has ${b}; pass one entry per sample in both.`, { details: { [aName]: a, [bName]: b } });
  }
}

/** Copies sample weights into a Float64Array (or null), checking length and values. */
export function toWeights(input: WeightInput | undefined, n: number): Float64Array | null {
  if (input === undefined || input === null) return null;
  if (!isArrayLike(input)) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `sampleWeight must be an array of numbers.`, { details: { argument: 'sampleWeight' } });
  }
  requireSameLength(input.length, 'sampleWeight', n, 'yTrue');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = input[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `sampleWeight[${i}] is ${String(v)}; weights must be finite and ≥ 0.`, {
        details: { argument: 'sampleWeight', index: i, value: v },
      });
    }
    out[i] = v;
  }
  return out;
}

/** The label set of a problem: K classes, the label value of each index, and names. */
export interface LabelSet {
  /** Number of classes K. */
  k: number;
  /** Label value of each class index (identity when classes/numClasses are given). */
  values: Int32Array;
  /** Display names, `classes[i]` or the label value as text. */
  names: string[];
  /** True when the set came from `classes`/`numClasses` (scikit-learn `labels=range(K)`). */
  given: boolean;
}

/** Number of classes stated by the options, or undefined. Checks `classes` and `numClasses` agree. */
export function statedNumClasses(options: ClassOptions | undefined): number | undefined {
  const classes = options?.classes;
  const numClasses = options?.numClasses;
  if (classes !== undefined) {
    if (!Array.isArray(classes) || classes.length === 0) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `classes must be a non-empty array of class names.`, { details: { argument: 'classes' } });
    }
    if (numClasses !== undefined && numClasses !== classes.length) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `numClasses is ${numClasses} but classes has ${classes.length} names; pass one or make them agree.`, {
        details: { numClasses, classes: classes.length },
      });
    }
    return classes.length;
  }
  if (numClasses !== undefined) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new FpdbError('FPDB_INVALID_ARGUMENT', `numClasses must be an integer ≥ 1; got ${String(numClasses)}.`, {
        details: { argument: 'numClasses', value: numClasses },
      });
    }
    return numClasses;
  }
  return undefined;
}

/** Throws FPDB_LABEL when a label is ≥ k. */
export function requireInRange(labels: Int32Array, k: number, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= k) {
      throw new FpdbError('FPDB_LABEL', `${name}[${i}] is ${labels[i]!}, out of range for ${k} classes (0…${k - 1}). Check numClasses/classes or the label mapping.`, {
        details: { argument: name, index: i, value: labels[i]!, numClasses: k },
      });
    }
  }
}

/**
 * Resolves the label set: 0…K-1 when stated (checking every label is in range), else the sorted
 * distinct labels of the inputs. Returns the label set and the inputs re-encoded as indices.
 */
export function resolveLabelSet(arrays: readonly { labels: Int32Array; name: string }[], options: ClassOptions | undefined, fallbackK?: number): { set: LabelSet; encoded: Int32Array[] } {
  const stated = statedNumClasses(options) ?? fallbackK;
  if (stated !== undefined) {
    for (const a of arrays) requireInRange(a.labels, stated, a.name);
    const values = new Int32Array(stated);
    for (let i = 0; i < stated; i++) values[i] = i;
    const names = options?.classes ? options.classes.map(String) : Array.from(values, String);
    return { set: { k: stated, values, names, given: true }, encoded: arrays.map((a) => a.labels) };
  }
  let max = -1;
  for (const a of arrays) for (let i = 0; i < a.labels.length; i++) if (a.labels[i]! > max) max = a.labels[i]!;
  const present = new Uint8Array(max + 1);
  for (const a of arrays) for (let i = 0; i < a.labels.length; i++) present[a.labels[i]!] = 1;
  const index = new Int32Array(max + 1).fill(-1);
  const vals: number[] = [];
  for (let v = 0; v <= max; v++)
    if (present[v]) {
      index[v] = vals.length;
      vals.push(v);
    }
  const values = Int32Array.from(vals);
  const identity = vals.length === max + 1;
  const encoded = identity ? arrays.map((a) => a.labels) : arrays.map((a) => a.labels.map((v) => index[v]!));
  return { set: { k: values.length, values, names: vals.map(String), given: false }, encoded };
}
