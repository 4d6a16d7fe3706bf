/** The most elements one tensor may have: the largest Float32Array every engine allocates. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** True when `value` is a non-negative safe integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The number of elements of `shape` (1 for `[]`), or undefined when a dimension is not a non-negative
 * integer or the product exceeds {@link MAX_ELEMENTS}.
 */
export function elementCount(shape: readonly unknown[]): number | undefined {
  let count = 1;
  for (const dim of shape) {
    if (!isCount(dim)) return undefined;
    count *= dim;
  }
  // A zero dimension makes the product 0 whatever the others are, but each must still be in range.
  if (count > MAX_ELEMENTS) return shape.some((d) => d === 0) ? 0 : undefined;
  return count;
}
