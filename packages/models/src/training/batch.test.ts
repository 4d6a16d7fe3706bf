import * as tf from '@tensorflow/tfjs-core';
import { createRng, shuffled } from '@fpdb/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { useCpuBackend, useWasmBackend } from '../../test/test-backend.js';
import { arraySource, disposeBatch, type Batch } from './batch.js';
import { copyRows, float32View } from './parallel/host-view.js';

const bits = (a: ArrayLike<number>): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);

/** The batches arraySource made before the row copy: tf.gather over the same order. */
function gatherBatches(images: tf.Tensor4D, labels: Int32Array, batchSize: number, shuffle: boolean, seed: number, epoch: number): { pixels: Float32Array; labels: Int32Array }[] {
  const n = images.shape[0];
  const indices = Array.from({ length: n }, (_, i) => i);
  const order = shuffle ? shuffled(indices, createRng(seed).fork(`epoch-${epoch}`)) : indices;
  const out = [];
  for (let start = 0; start < n; start += batchSize) {
    const idx = Int32Array.from(order.slice(start, start + batchSize));
    const gathered = tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32')));
    out.push({ pixels: gathered.dataSync() as Float32Array, labels: idx.map((i) => labels[i]!) });
    gathered.dispose();
  }
  return out;
}

describe.each(['cpu', 'wasm'] as const)('arraySource on %s', (backend) => {
  const n = 11;
  const hw = [5, 3] as const;
  let images: tf.Tensor4D;
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 4);

  it('copies the same rows tf.gather did, shuffled or not, the last partial batch included', async () => {
    await (backend === 'cpu' ? useCpuBackend() : useWasmBackend());
    // Values with every bit pattern class that matters: negatives, tiny, large.
    images = tf.tensor4d(
      Float32Array.from({ length: n * hw[0] * hw[1] }, (_, i) => (i % 3 === 0 ? -1 : 1) * (i + 0.1) * 10 ** ((i % 7) - 3)),
      [n, hw[0], hw[1], 1],
    );
    const before = tf.memory().numTensors;
    for (const shuffle of [false, true]) {
      for (const epoch of [0, 3]) {
        const expected = gatherBatches(images, labels, 4, shuffle, 9, epoch);
        // Every batch of the epoch alive at once: each keeps its own rows.
        const got: Batch[] = [...(arraySource({ images, labels, batchSize: 4, shuffle, seed: 9 })(epoch) as Iterable<Batch>)];
        expect(got.map((b) => b.images.shape[0])).toEqual([4, 4, 3]);
        got.forEach((b, i) => {
          expect(b.images.shape).toEqual([expected[i]!.labels.length, hw[0], hw[1], 1]);
          expect(bits(b.images.dataSync())).toEqual(bits(expected[i]!.pixels));
          expect(Array.from(b.labels as Int32Array)).toEqual(Array.from(expected[i]!.labels));
          disposeBatch(b);
        });
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('float32View reads the backend memory without a copy, and declines what it cannot view', () => {
    const view = float32View(images);
    expect(view).not.toBeNull();
    expect(bits(view!)).toEqual(bits(images.dataSync()));
    const ints = tf.tensor1d([1, 2, 3], 'int32');
    expect(float32View(ints)).toBeNull();
    ints.dispose();
  });

  afterAll(() => images.dispose());
});

describe('copyRows', () => {
  it('copies rows in index order, runs of consecutive rows at once', () => {
    const source = Float32Array.from({ length: 12 }, (_, i) => i);
    const target = new Float32Array(8);
    copyRows(source, [4, 5, 0, 2], 2, target);
    expect(Array.from(target)).toEqual([8, 9, 10, 11, 0, 1, 4, 5]);
  });
});
