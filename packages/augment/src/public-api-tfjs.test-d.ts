// Guards the tensor entry `@fpdb/augment/tfjs` as users import it: it takes and returns rank-4 image tensors, labels as rank-1 and soft labels as rank-2, with the same Transform and Seed as the typed-array entry.
import { describe, expectTypeOf, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type * as schema from '@fpdb/schema';
import type { Seed, Transform } from '@fpdb/augment';
import { asTensorLoaderHook, augmentTensor, augmentTensorBatch, type TensorBatchLike } from '@fpdb/augment/tfjs';

declare const pipeline: Transform;
declare const image3d: tf.Tensor3D;

describe('@fpdb/augment/tfjs', () => {
  it('augmentTensor maps [B, H, W, 1] to [B, H, W, 1]', () => {
    expectTypeOf(augmentTensor).parameters.toEqualTypeOf<[Transform, tf.Tensor4D, Seed]>();
    expectTypeOf(augmentTensor).returns.toEqualTypeOf<tf.Tensor4D>();
    // @ts-expect-error one image [H, W, 1] must be batched first
    augmentTensor(pipeline, image3d, 1);
  });

  it('a tensor batch has rank-typed labels and soft labels', () => {
    expectTypeOf<TensorBatchLike>().toEqualTypeOf<{ images: tf.Tensor4D; labels?: tf.Tensor1D; soft?: tf.Tensor2D }>();
    expectTypeOf(augmentTensorBatch).returns.toEqualTypeOf<{ images: tf.Tensor4D; soft?: tf.Tensor2D }>();
  });

  it('the tensor hook keeps the caller batch type', () => {
    type MyBatch = TensorBatchLike & { index: number };
    const hook = asTensorLoaderHook(pipeline, { numClasses: 6 });
    expectTypeOf(hook<MyBatch>).returns.toEqualTypeOf<MyBatch & { soft?: tf.Tensor2D }>();
    expectTypeOf(hook).parameter(1).toEqualTypeOf<schema.Rng>();
  });
});
