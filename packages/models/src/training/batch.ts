import * as tf from '@tensorflow/tfjs-core';
import { FpdbError, createRng, shuffled, type FpdbRecord } from '@fpdb/schema';
import { copyRows, float32View } from './parallel/host-view.js';

/**
 * One training batch, as `@fpdb/loader`'s tensor batches provide it. Whoever receives a batch owns
 * its tensors: {@link train} disposes them after the step.
 */
export interface Batch {
  /** float32 [B, H, W, 1], normalised. */
  images: tf.Tensor4D;
  /** Class indices [B]. */
  labels: Int32Array | tf.Tensor1D;
  /** Targets [B, K] (one-hot or soft, e.g. after MixUp); when absent, one-hot of `labels`. */
  oneHot?: tf.Tensor2D;
  records?: readonly FpdbRecord[];
  /**
   * Optional: the values of `images` on the host, row-major [B, H, W, 1] (`images.size` floats). When
   * present, `train({ workers })` hands the workers their shards from it instead of reading the tensor
   * back (a download on a GPU backend); in a SharedArrayBuffer the shards reach them as views, without
   * a copy on this thread. Must not change while the batch is in use.
   */
  imageData?: Float32Array;
}

/** Produces the batches of one epoch (0-based). The same epoch must give the same batches for `resume` to be exact. */
export type BatchSource = (epoch: number) => AsyncIterable<Batch> | Iterable<Batch>;

/** Data held in memory, batched by {@link arraySource}. */
export interface ArrayData {
  /** float32 [N, H, W, 1]; stays owned by the caller. */
  images: tf.Tensor4D;
  /** N class indices. */
  labels: ArrayLike<number>;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle every epoch with a seed derived from `seed` and the epoch (default true). */
  shuffle?: boolean;
  /** Default 0. */
  seed?: number;
}

/**
 * Turns in-memory images and labels into a {@link BatchSource}: the same (seed, epoch) gives the same
 * order. Each batch is a new tensor owned by the consumer; `data.images` stays the caller's. On the wasm
 * and cpu backends a batch's rows are copied from the images' memory (no second copy of the dataset);
 * elsewhere it is a `tf.gather`. Same values either way.
 * @throws FpdbError FPDB_LENGTH_MISMATCH when images and labels differ in count; FPDB_SHAPE for non-[N,H,W,1] images.
 * @example const source = arraySource({ images, labels, batchSize: 16 });
 */
export function arraySource(data: ArrayData): BatchSource {
  const { images, labels } = data;
  if (images.rank !== 4 || images.shape[3] !== 1) {
    throw new FpdbError('FPDB_SHAPE', `arraySource images must be [N, H, W, 1] but are [${images.shape.join(', ')}].`, { details: { value: images.shape } });
  }
  const n = images.shape[0];
  if (labels.length !== n) {
    throw new FpdbError('FPDB_LENGTH_MISMATCH', `arraySource got ${n} images but ${labels.length} labels; pass one label per image.`, {
      details: { value: { images: n, labels: labels.length } },
    });
  }
  const batchSize = data.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `batchSize must be a positive integer but is ${batchSize}.`, { details: { value: batchSize } });
  }
  const allLabels = Int32Array.from(labels);
  const [, h, w] = images.shape;
  const row = h * w;
  // The wasm backend copies a new tensor's values into its heap: one buffer serves every batch (fresh
  // memory costs its page faults, ~6 ms per 16 MB against ~1 ms for a copy into warm memory).
  let scratch = new Float32Array(0);
  return function* (epoch: number): Iterable<Batch> {
    const indices = Array.from({ length: n }, (_, i) => i);
    const order = data.shuffle === false ? indices : shuffled(indices, createRng(data.seed ?? 0).fork(`epoch-${epoch}`));
    for (let start = 0; start < n; start += batchSize) {
      const idx = Int32Array.from(order.slice(start, start + batchSize));
      const batchLabels = idx.map((i) => allLabels[i]!);
      // Rows copied straight out of the backend's memory (wasm heap, cpu array): tf.gather on wasm costs
      // ~0.5 ms per 128² image on this thread, the copy ~2% of that.
      const source = float32View(images);
      if (source) {
        const size = idx.length * row;
        let rows: Float32Array;
        if (tf.getBackend() === 'wasm') {
          if (scratch.length < size) scratch = new Float32Array(size);
          rows = scratch.subarray(0, size);
        } else {
          rows = new Float32Array(size);
        }
        copyRows(source, idx, row, rows);
        yield { images: tf.tensor4d(rows, [idx.length, h, w, 1], 'float32'), labels: batchLabels };
        continue;
      }
      yield {
        images: tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32'))),
        labels: batchLabels,
      };
    }
  };
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.images, ...(batch.labels instanceof tf.Tensor ? [batch.labels] : []), ...(batch.oneHot ? [batch.oneHot] : [])]);
}
