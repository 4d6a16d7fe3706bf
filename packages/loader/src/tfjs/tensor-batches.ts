import * as tf from '@tensorflow/tfjs-core';
import type { FpdbRecord } from '@fpdb/schema';
import type { TypedBatch } from '../batches/batch-stream.js';

/** A batch as tfjs tensors. The consumer owns the three tensors and must dispose them. */
export interface TensorBatch {
  /** float32 `[B, H, W, 1]`, normalised as `normalization` says. */
  images: tf.Tensor4D;
  /** int32 `[B]` class indices. */
  labels: tf.Tensor1D;
  /** float32 `[B, C]`. */
  oneHot: tf.Tensor2D;
  records: FpdbRecord[];
  epoch: number;
  index: number;
  normalization: TypedBatch['normalization'];
}

/**
 * Turns a typed batch into tensors (three new tensors, owned by the caller).
 * @example const t = toTensorBatch(batch); model.fit…; tf.dispose([t.images, t.labels, t.oneHot]);
 */
export function toTensorBatch(batch: TypedBatch): TensorBatch {
  const { batchSize: b, height: h, width: w, numClasses } = batch;
  return {
    images: tf.tensor4d(batch.images, [b, h, w, 1], 'float32'),
    labels: tf.tensor1d(batch.labels, 'int32'),
    oneHot: tf.tensor2d(batch.oneHot, [b, numClasses], 'float32'),
    records: batch.records,
    epoch: batch.epoch,
    index: batch.index,
    normalization: batch.normalization,
  };
}

/** Disposes the tensors of a batch. */
export function disposeTensorBatch(batch: TensorBatch): void {
  tf.dispose([batch.images, batch.labels, batch.oneHot]);
}

/**
 * Maps a stream of typed batches to tensor batches. Tensors are created only when a batch is handed
 * over (prefetched batches stay typed arrays), so stopping early leaks nothing; the consumer disposes
 * every batch it receives.
 * @example for await (const t of tensorBatches(stream.epoch(0))) { step(t.images, t.oneHot); disposeTensorBatch(t); }
 */
export async function* tensorBatches(batches: AsyncIterable<TypedBatch>): AsyncGenerator<TensorBatch, void, undefined> {
  for await (const batch of batches) yield toTensorBatch(batch);
}
