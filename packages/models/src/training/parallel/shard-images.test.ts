import * as tf from '@tensorflow/tfjs-core';
import { createRng, shuffled } from '@fpdb/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/test-backend.js';
import { toyData } from '../../../test/toy-data.js';
import type { ModelConfig } from '../../architectures/config.js';
import { createModel } from '../../model/create-model.js';
import { arraySource, type Batch, type BatchSource } from '../batch.js';
import { train } from '../train.js';

// Workers load the built dist/parallel-worker.js (turbo builds before testing).
let data: { images: tf.Tensor4D; labels: Int32Array };

beforeAll(async () => {
  await useWasmBackend();
  data = toyData(23, 3, 12, 5);
});
afterAll(() => data.images.dispose());

/** The source arraySource was before the row copy: tf.gather batches, no host data (the engine reads the tensor). */
function gatherSource(batchSize: number, seed: number): BatchSource {
  const n = data.images.shape[0];
  return function* (epoch) {
    const order = shuffled(
      Array.from({ length: n }, (_, i) => i),
      createRng(seed).fork(`epoch-${epoch}`),
    );
    for (let start = 0; start < n; start += batchSize) {
      const idx = Int32Array.from(order.slice(start, start + batchSize));
      yield { images: tf.tidy(() => tf.gather(data.images, tf.tensor1d(idx, 'int32'))), labels: idx.map((i) => data.labels[i]!) };
    }
  };
}

/** arraySource's batches with their values on the host too, in shared memory or in a plain ArrayBuffer. */
function withHostData(source: BatchSource, shared: boolean): BatchSource {
  return function* (epoch) {
    for (const b of source(epoch) as Iterable<Batch>) {
      const values = b.images.dataSync() as Float32Array;
      const imageData = shared ? new Float32Array(new SharedArrayBuffer(values.length * 4)) : new Float32Array(values.length);
      imageData.set(values);
      yield { ...b, imageData };
    }
  };
}

async function weightsAfter(source: BatchSource, workers: number): Promise<{ weights: Float32Array; losses: number[] }> {
  const config: ModelConfig = { architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4, 6], batchNorm: true };
  const model = createModel(config, { seed: 3 });
  const before = tf.memory().numTensors;
  const result = await train({ model, train: source, epochs: 2, optimizer: 'adam', learningRate: 0.01, weightDecay: 1e-3, workers, workerBackend: 'wasm' });
  const weights = Float32Array.from([...model.getWeights().values()].flatMap((v) => Array.from(v)));
  model.dispose();
  expect(tf.memory().numTensors).toBe(before - model.variables.size);
  return { weights, losses: result.history.map((h) => h.loss) };
}

describe('batch images to the workers', () => {
  it('2 workers train bit-identically from the rows arraySource copies, from host imageData (shared or not) and from the old gather batches (last batch partial)', async () => {
    // 23 images in batches of 8: 8, 8, 7 (the last splits 4/3).
    const rows = arraySource({ images: data.images, labels: data.labels, batchSize: 8, seed: 2 });
    const gathered = await weightsAfter(gatherSource(8, 2), 2);
    const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer);
    const copied = await weightsAfter(rows, 2);
    expect(bits(copied.weights)).toEqual(bits(gathered.weights));
    const shared = await weightsAfter(withHostData(rows, true), 2);
    expect(bits(shared.weights)).toEqual(bits(gathered.weights));
    const plain = await weightsAfter(withHostData(rows, false), 2);
    expect(bits(plain.weights)).toEqual(bits(gathered.weights));
    expect(shared.losses).toEqual(gathered.losses);
  });

  it('refuses a batch whose imageData does not match its images', async () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4] }, { seed: 1 });
    const bad: BatchSource = function* () {
      yield { images: tf.zeros([2, 12, 12, 1]) as tf.Tensor4D, labels: Int32Array.from([0, 1]), imageData: new Float32Array(5) };
    };
    await expect(train({ model, train: bad, epochs: 1, workers: 2, workerBackend: 'wasm' })).rejects.toMatchObject({ code: 'FPDB_SHAPE' });
    model.dispose();
  });
});
