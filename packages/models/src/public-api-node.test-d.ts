// Guards the published types of @fpdb/models/node: the root's API plus training, checkpoint folders and paths.
import { describe, expectTypeOf, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type * as root from '@fpdb/models';
import {
  checkpointExists,
  importPretrained,
  loadCheckpoint,
  predict,
  readCheckpointMetadata,
  restoreCheckpoint,
  saveCheckpoint,
  train,
  type CheckpointFiles,
  type CheckpointMetadata,
  type LoadedCheckpoint,
  type Model,
  type TrainResult,
} from '@fpdb/models/node';

declare const model: Model;
declare const images: tf.Tensor4D;

describe('@fpdb/models/node extends the root', () => {
  it('re-exports the browser-safe API unchanged', () => {
    expectTypeOf(predict).toEqualTypeOf<typeof root.predict>();
    expectTypeOf<LoadedCheckpoint>().toEqualTypeOf<root.LoadedCheckpoint>();
  });

  it('loadCheckpoint also takes a folder path (a string is a path here)', () => {
    expectTypeOf(loadCheckpoint).parameter(0).toEqualTypeOf<string | URL | CheckpointFiles>();
    expectTypeOf(loadCheckpoint).returns.resolves.toEqualTypeOf<LoadedCheckpoint>();
    expectTypeOf(importPretrained).toBeCallableWith('runs/a/checkpoints/best', { numClasses: 6 });
  });

  it('checkpoint folders are written and read by path', () => {
    expectTypeOf(saveCheckpoint).returns.resolves.toEqualTypeOf<CheckpointMetadata>();
    expectTypeOf(readCheckpointMetadata).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(checkpointExists).returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf(restoreCheckpoint).toBeCallableWith('runs/a/checkpoints/last', model);
  });

  it('train needs a model, data and epochs', () => {
    expectTypeOf(train).returns.resolves.toEqualTypeOf<TrainResult>();
    expectTypeOf(train).toBeCallableWith({ model, train: { images, labels: [0, 1] }, epochs: 1, labels: ['Fetal brain', 'Other'] });
    // @ts-expect-error epochs is required
    expectTypeOf(train).toBeCallableWith({ model, train: { images, labels: [0, 1] } });
  });
});
