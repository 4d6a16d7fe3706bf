// Guards the tfjs entry `@fpdb/loader/tfjs` as users import it: typed batches become rank-typed tensors the consumer owns, with the same normalisation type as the contract.
import { describe, expectTypeOf, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type * as schema from '@fpdb/schema';
import type { BatchStream, TypedBatch } from '@fpdb/loader';
import { disposeTensorBatch, tensorBatches, toTensorBatch, type TensorBatch } from '@fpdb/loader/tfjs';

declare const stream: BatchStream;

describe('@fpdb/loader/tfjs', () => {
  it('a tensor batch holds rank-typed tensors', () => {
    expectTypeOf<Pick<TensorBatch, 'images' | 'labels' | 'oneHot' | 'normalization'>>().toEqualTypeOf<{
      images: tf.Tensor4D;
      labels: tf.Tensor1D;
      oneHot: tf.Tensor2D;
      normalization: schema.Normalization;
    }>();
  });

  it('toTensorBatch converts one typed batch; disposeTensorBatch takes it back', () => {
    expectTypeOf(toTensorBatch).parameters.toEqualTypeOf<[TypedBatch]>();
    expectTypeOf(toTensorBatch).returns.toEqualTypeOf<TensorBatch>();
    expectTypeOf(disposeTensorBatch).parameters.toEqualTypeOf<[TensorBatch]>();
  });

  it('tensorBatches maps a stream or one epoch of it', () => {
    expectTypeOf(tensorBatches).returns.toEqualTypeOf<AsyncGenerator<TensorBatch, void, undefined>>();
    expectTypeOf(tensorBatches).toBeCallableWith(stream);
    expectTypeOf(tensorBatches).toBeCallableWith(stream.epoch(0));
    // @ts-expect-error an array of batches is not an async iterable
    expectTypeOf(tensorBatches).toBeCallableWith([] as TypedBatch[]);
  });
});
