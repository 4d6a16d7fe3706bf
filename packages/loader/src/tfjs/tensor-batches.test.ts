import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBatches } from '../batches/create-batches.js';
import { openDataset } from '../dataset/open-dataset.js';
import { REAL } from '../../test/fixtures.js';
import { disposeTensorBatch, tensorBatches } from './tensor-batches.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('tensorBatches', () => {
  it('yields float32 [B,H,W,1] images, int32 labels and one-hot, and leaks no tensor over an epoch', async () => {
    const ds = await openDataset(REAL, { missing: 'skip' });
    const stream = await createBatches(ds, { height: 24, width: 32, policy: 'pad', batchSize: 16, cache: 'off', seed: 2, prefetch: 2 });
    const before = tf.memory().numTensors;
    let seen = 0;
    for await (const t of tensorBatches(stream.epoch(0))) {
      expect(t.images.shape).toEqual([t.records.length, 24, 32, 1]);
      expect(t.images.dtype).toBe('float32');
      expect(t.labels.dtype).toBe('int32');
      expect(t.oneHot.shape).toEqual([t.records.length, 6]);
      const max = tf.tidy(() => tf.max(t.images).dataSync()[0]!);
      expect(max).toBeLessThanOrEqual(1);
      expect(tf.tidy(() => tf.sum(t.oneHot).dataSync()[0])).toBe(t.records.length);
      seen += t.records.length;
      disposeTensorBatch(t);
    }
    expect(seen).toBe(60);
    expect(tf.memory().numTensors).toBe(before);
    // Stopping after one batch: the prefetched batches are typed arrays, so nothing is left behind.
    for await (const t of tensorBatches(stream.epoch(1))) {
      disposeTensorBatch(t);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    await stream.close();
  });
});
