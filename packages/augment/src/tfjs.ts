/**
 * `@fpdb/augment/tfjs`: the same pipelines on tfjs tensors `[B, H, W, 1]`. The tensor is read once, the
 * same kernels run, and a new tensor is returned — so the bytes equal the typed-array path for the same seed.
 * Needs the peer `@tensorflow/tfjs-core` 4.22.0 and a backend that supports `dataSync`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FpdbError, type Rng } from '@fpdb/schema';
import type { Transform, Seed } from './transform.js';

function checkImages(images: tf.Tensor): [number, number, number] {
  const s = images.shape;
  if (s.length !== 4 || s[3] !== 1) {
    throw new FpdbError('FPDB_SHAPE', `Expected images of shape [B, H, W, 1], got [${s.join(', ')}]. Convert to one channel first.`, { details: { value: s } });
  }
  if (images.dtype !== 'float32' && images.dtype !== 'int32') {
    throw new FpdbError('FPDB_INVALID_ARGUMENT', `Expected float32 images in [0, 1] or int32 in 0–255, got dtype ${images.dtype}.`, { details: { value: images.dtype } });
  }
  return [s[0]!, s[1]!, s[2]!];
}

/**
 * Augments a tensor batch `[B, H, W, 1]` (float32 in [0, 1], or int32 in 0–255 which stays int32).
 * Returns a new tensor owned by the caller; `images` is not disposed. Safe inside `tf.tidy`.
 * @throws FpdbError `FPDB_SHAPE` for a shape other than [B, H, W, 1], `FPDB_INVALID_ARGUMENT` for other dtypes.
 * @example const y = tf.tidy(() => augmentTensor(ultrasoundDefaults(), x, 42));
 */
export function augmentTensor(pipeline: Transform, images: tf.Tensor4D, seed: Seed): tf.Tensor4D {
  return augmentTensorBatch(pipeline, { images }, seed).images;
}

/** A tensor batch for {@link augmentTensorBatch}: images `[B, H, W, 1]`, labels `[B]` int32, soft `[B, C]`. */
export interface TensorBatchLike {
  images: tf.Tensor4D;
  labels?: tf.Tensor1D;
  soft?: tf.Tensor2D;
}

/**
 * Augments a tensor batch with labels (for MixUp/CutMix). Returns new `images` and, when the pipeline mixes
 * labels or `soft` was given, new `soft` `[B, C]` float32 — both owned by the caller; inputs are not disposed.
 * @throws FpdbError `FPDB_SHAPE`, `FPDB_INVALID_ARGUMENT` as {@link augmentTensor}, and when a mixing
 *   pipeline gets no labels/class count.
 * @example const { images, soft } = augmentTensorBatch(compose([mixUp({ numClasses: 6 })]), { images: x, labels: y }, 1);
 */
export function augmentTensorBatch(pipeline: Transform, batch: TensorBatchLike, seed: Seed, options: { numClasses?: number } = {}): { images: tf.Tensor4D; soft?: tf.Tensor2D } {
  const [b, h, w] = checkImages(batch.images);
  const raw = batch.images.dataSync();
  const isInt = batch.images.dtype === 'int32';
  let data: Float32Array;
  if (isInt) {
    data = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) data[i] = raw[i]! / 255;
  } else data = raw as Float32Array;
  const labels = batch.labels ? Int32Array.from(batch.labels.dataSync()) : undefined;
  const soft = batch.soft ? Float32Array.from(batch.soft.dataSync()) : undefined;
  const out = pipeline.apply(
    {
      data,
      batch: b,
      height: h,
      width: w,
      ...(labels ? { labels } : {}),
      ...(soft ? { soft, numClasses: batch.soft!.shape[1] } : options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
    },
    seed,
  );
  let images: tf.Tensor4D;
  if (isInt) {
    const ints = new Int32Array(out.data.length);
    for (let i = 0; i < ints.length; i++) ints[i] = Math.min(255, Math.max(0, Math.round(out.data[i]! * 255)));
    images = tf.tensor4d(ints, [b, h, w, 1], 'int32');
  } else images = tf.tensor4d(out.data, [b, h, w, 1], 'float32');
  if (!out.soft) return { images };
  return { images, soft: tf.tensor2d(out.soft, [b, out.numClasses!], 'float32') };
}

/**
 * Adapts a pipeline to the loader's tensor augmentation hook `(batch, rng) => batch`: returns a copy of
 * the batch with new `images` (and `soft` when labels are mixed). Ownership: the returned tensors are new
 * and owned by the caller; the input tensors are NOT disposed (dispose them when done).
 * @example const hook = asTensorLoaderHook(ultrasoundDefaults());
 */
export function asTensorLoaderHook(pipeline: Transform, options: { numClasses?: number } = {}): <B extends TensorBatchLike>(batch: B, rng: Rng) => B & { soft?: tf.Tensor2D } {
  return <B extends TensorBatchLike>(batch: B, rng: Rng): B & { soft?: tf.Tensor2D } => {
    const out = augmentTensorBatch(pipeline, batch, rng, options);
    return { ...batch, images: out.images, ...(out.soft ? { soft: out.soft } : {}) };
  };
}
