import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@fpdb/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose, cutMix, ultrasoundDefaults } from './index.js';
import { fanBatch } from '../test/testing.js';
import { asTensorLoaderHook, augmentTensor, augmentTensorBatch } from './tfjs.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('@fpdb/augment/tfjs', () => {
  it('gives the same bytes as the typed-array path and leaks no tensor inside tf.tidy', () => {
    const b = fanBatch(4, 32);
    const pipe = ultrasoundDefaults();
    const expected = pipe.apply(b, 77).data;
    const x = tf.tensor4d(b.data, [4, 32, 32, 1]);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => augmentTensor(pipe, x, 77));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([4, 32, 32, 1]);
    expect(y.dataSync()).toEqual(expected);
    y.dispose();
    const summed = tf.tidy(() => tf.sum(augmentTensor(pipe, x, 1)));
    summed.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
  it('keeps int32 images int32 in 0–255', () => {
    const x = tf.tensor4d(
      Int32Array.from({ length: 16 }, (_, i) => i * 16),
      [1, 4, 4, 1],
      'int32',
    );
    const y = augmentTensor(compose([]), x, 1);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });
  it('mixes labels into a soft tensor and the hook leaves inputs alive', () => {
    const b = fanBatch(4, 16);
    const images = tf.tensor4d(b.data, [4, 16, 16, 1]);
    const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
    const before = tf.memory().numTensors;
    const out = augmentTensorBatch(compose([cutMix()]), { images, labels }, 3, { numClasses: 3 });
    expect(out.soft!.shape).toEqual([4, 3]);
    const rows = tf.tidy(() => tf.sum(out.soft!, 1).dataSync());
    for (const r of rows) expect(r).toBeCloseTo(1, 6);
    tf.dispose([out.images, out.soft!]);
    const hook = asTensorLoaderHook(compose([cutMix()]), { numClasses: 3 });
    const h = hook({ images, labels }, createRng(1));
    expect(h.labels).toBe(labels);
    expect(images.isDisposed).toBe(false);
    tf.dispose([h.images, h.soft!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, labels]);
  });
  it('rejects a shape other than [B, H, W, 1]', () => {
    const x = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    expect(() => augmentTensor(compose([]), x, 1)).toThrow(expect.objectContaining({ code: 'FPDB_SHAPE' }));
    x.dispose();
  });
});
