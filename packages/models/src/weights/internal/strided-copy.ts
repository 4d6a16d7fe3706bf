import { elementCount } from './element-count.js';

/**
 * Copies the view `(offset, size, stride)` of `source` (PyTorch's storage offset, sizes and strides, in
 * elements) into a new row-major array. Checks first that every element the view reaches lies inside
 * `source`; returns a string describing the problem instead of throwing, so that callers word the error.
 */
export function stridedCopy(source: Float32Array, offset: number, size: readonly number[], stride: readonly number[]): Float32Array | string {
  const problem = checkView(source.length, offset, size, stride);
  if (problem !== undefined) return problem;
  const count = elementCount(size) as number;
  if (count === 0) return new Float32Array(0);
  if (isContiguous(size, stride)) return source.slice(offset, offset + count);
  const out = new Float32Array(count);
  const rank = size.length;
  const index = new Array<number>(rank).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    out[i] = source[at] as number;
    // Odometer over the dimensions, last fastest; `at` follows by adding and unwinding strides.
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      at += stride[d] as number;
      if ((index[d] as number) < (size[d] as number)) break;
      at -= (stride[d] as number) * (size[d] as number);
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Undefined when the view `(offset, size, stride)` stays inside `length` elements; else what is wrong.
 */
export function checkView(length: number, offset: number, size: readonly number[], stride: readonly number[]): string | undefined {
  if (size.length !== stride.length) return `it has ${size.length} sizes but ${stride.length} strides`;
  const count = elementCount(size);
  if (count === undefined) return `its size (${size.join(', ')}) is not non-negative integers with at most 2^31-1 elements`;
  if (count === 0) return undefined;
  let last = offset;
  for (let d = 0; d < size.length; d++) last += ((size[d] as number) - 1) * (stride[d] as number);
  if (last >= length) return `its view (offset ${offset}, size (${size.join(', ')}), stride (${stride.join(', ')})) reaches element ${last} of a storage of ${length}`;
  return undefined;
}

/** True when `(size, stride)` walks memory row-major without gaps (stride 1 innermost). */
export function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    // A dimension of size 1 is never stepped over, so its stride does not matter.
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d] as number;
  }
  return true;
}
