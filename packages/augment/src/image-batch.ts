import { FpdbError } from '@fpdb/schema';

/**
 * A batch of single-channel images as one flat typed array, row-major `[batch, height, width]`
 * (the `[B,H,W,1]` layout of a tfjs tensor). `Float32Array` values are in [0, 1]; `Uint8Array` in 0–255.
 * `labels`, `soft` and `numClasses` are only needed by the batch-level transforms (MixUp, CutMix).
 */
export interface ImageBatch<D extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  /** Pixels, length batch·height·width. */
  data: D;
  batch: number;
  height: number;
  width: number;
  /** Class index per image, length batch. */
  labels?: Int32Array;
  /** Soft labels, row-major `[batch, numClasses]`, each row summing to 1. */
  soft?: Float32Array;
  /** Number of classes of `soft` (inferred from `soft.length / batch` when absent). */
  numClasses?: number;
}

/**
 * Checks that `batch` is a well-formed {@link ImageBatch}.
 * @throws FpdbError `FPDB_SHAPE` when sizes disagree, `FPDB_INVALID_ARGUMENT` for a wrong array type.
 * @example assertImageBatch({ data: new Float32Array(4), batch: 1, height: 2, width: 2 });
 */
export function assertImageBatch(batch: ImageBatch): void {
  const { data, batch: b, height: h, width: w } = batch;
  if (!(data instanceof Float32Array) && !(data instanceof Uint8Array)) {
    throw new FpdbError(
      'FPDB_INVALID_ARGUMENT',
      `ImageBatch.data must be a Float32Array (values in [0, 1]) or a Uint8Array (0–255); got ${Object.prototype.toString.call(data)}. Convert the pixels first.`,
    );
  }
  for (const [name, v] of [
    ['batch', b],
    ['height', h],
    ['width', w],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new FpdbError('FPDB_SHAPE', `ImageBatch.${name} must be a positive integer, got ${String(v)}.`, { details: { value: v } });
    }
  }
  if (data.length !== b * h * w) {
    throw new FpdbError('FPDB_SHAPE', `ImageBatch.data has ${data.length} values but batch·height·width = ${b}·${h}·${w} = ${b * h * w}. Pass one channel, row-major [B,H,W].`, {
      details: { value: data.length, expected: b * h * w },
    });
  }
  if (batch.labels !== undefined && batch.labels.length !== b) {
    throw new FpdbError('FPDB_SHAPE', `ImageBatch.labels has ${batch.labels.length} entries for a batch of ${b}.`, { details: { value: batch.labels.length, expected: b } });
  }
  if (batch.soft !== undefined) {
    const c = batch.numClasses ?? batch.soft.length / b;
    if (!Number.isInteger(c) || c < 1 || batch.soft.length !== b * c) {
      throw new FpdbError('FPDB_SHAPE', `ImageBatch.soft has ${batch.soft.length} values, not batch·numClasses (${b}·${String(batch.numClasses ?? '?')}).`, { details: { value: batch.soft.length } });
    }
  }
}
