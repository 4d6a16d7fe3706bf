/**
 * Class labels: one class index (integer ≥ 0) per sample, as a plain or typed array.
 * Map class names to indices with `labelSpace(task).indexOf(name)` from `@fpdb/schema`.
 */
export type LabelInput = ArrayLike<number>;

/**
 * Predicted class probabilities, shape [n, K]: either one row per sample (`number[][]`) or a flat
 * row-major array (`Float32Array`, `Float64Array`, `number[]`) together with `numClasses`.
 */
export type ProbabilityInput = ArrayLike<ArrayLike<number>> | ArrayLike<number>;

/** Per-sample weights (scikit-learn's `sample_weight`), one non-negative finite number per sample. */
export type WeightInput = ArrayLike<number>;

/**
 * How per-class scores are combined (scikit-learn's `average`): `null` returns one value per class,
 * `'binary'` reports only `posLabel` (two-class data only).
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | null;

/** What a score is when its denominator is 0 (scikit-learn's `zero_division`; `'warn'` acts as 0, silently). */
export type ZeroDivision = 'warn' | 0 | 1;

/**
 * Which classes exist and what they are called. With `classes` or `numClasses` the label order is
 * 0…K-1 (like passing scikit-learn `labels=range(K)`); with neither it is the sorted set of labels
 * present in the inputs (scikit-learn's `unique_labels`).
 */
export interface ClassOptions {
  /** Class names in index order, e.g. `labelSpace('planes').classes`. Sets K and the report names. */
  classes?: readonly string[];
  /** Number of classes K when names are not needed. */
  numClasses?: number;
}
