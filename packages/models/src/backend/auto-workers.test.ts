import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../test/test-backend.js';
import { toyData } from '../../test/toy-data.js';
import { createModel } from '../model/create-model.js';
import { train } from '../training/train.js';
import { summarize } from '../model/summarize.js';
import { presetConfig } from '../pretrained/presets.js';
import { MAX_AUTO_WORKERS, resolveAutoWorkers } from './auto-workers.js';
import { assertTrainingFits, estimateTrainingHeap, microBatchSize } from './training-memory.js';

const model = (name: string) => {
  const s = summarize(presetConfig(name, { numClasses: 6 }));
  return { summary: () => s.rows, paramCount: () => ({ total: s.paramCount.total }) };
};
const GiB = 2 ** 30;

describe("workers: 'auto'", () => {
  const resnet = model('resnet18');
  const mobilenet = model('mobilenetv2_100');

  it('takes one worker per core, capped by the batch (4 images per worker) and by MAX_AUTO_WORKERS', () => {
    expect(resolveAutoWorkers({ model: resnet, batch: 16, backend: 'wasm', cores: 2, memoryBytes: 64 * GiB })).toEqual({ workers: 2, limitedBy: 'cores' });
    expect(resolveAutoWorkers({ model: resnet, batch: 16, backend: 'wasm', cores: 16, memoryBytes: 64 * GiB })).toEqual({ workers: 4, limitedBy: 'batch' });
    expect(resolveAutoWorkers({ model: resnet, batch: 256, backend: 'cpu', cores: 64 })).toEqual({ workers: MAX_AUTO_WORKERS, limitedBy: 'cores' });
    // Past 8 cores too: the workers reduce among themselves, nothing serial grows with them.
    expect(resolveAutoWorkers({ model: resnet, batch: 256, backend: 'wasm', cores: 16, memoryBytes: 64 * GiB })).toEqual({ workers: 16, limitedBy: 'cores' });
    expect(resolveAutoWorkers({ model: resnet, batch: 3, backend: 'wasm', cores: 8, memoryBytes: 64 * GiB }).workers).toBe(1);
    expect(resolveAutoWorkers({ model: resnet, batch: 16, backend: 'wasm', cores: 1, memoryBytes: 64 * GiB }).workers).toBe(1);
  });

  it("uses fewer workers when their wasm heaps would pass the machine's memory share", () => {
    const one = estimateTrainingHeap(resnet.summary(), resnet.paramCount().total, 8).bytes;
    const r = resolveAutoWorkers({ model: resnet, batch: 16, backend: 'wasm', cores: 8, memoryBytes: 2.5 * one });
    expect(r.limitedBy).toBe('memory');
    expect(r.workers).toBeGreaterThanOrEqual(1);
    expect(r.workers).toBeLessThan(4);
    expect(r.workers * estimateTrainingHeap(resnet.summary(), resnet.paramCount().total, Math.ceil(16 / r.workers)).bytes).toBeLessThanOrEqual(2.5 * one);
  });

  it('keeps to the cores when a shard would not fit one wasm heap: each worker runs it in micro-batches', () => {
    // MobileNetV2 224²: 32 images per worker do not fit in one pass, 16 do.
    const r = resolveAutoWorkers({ model: mobilenet, batch: 64, backend: 'wasm', cores: 2, memoryBytes: 64 * GiB });
    expect(r).toEqual({ workers: 2, limitedBy: 'cores' });
    expect(microBatchSize(mobilenet, 32, 'wasm')).toBe(16);
    expect(() => assertTrainingFits(mobilenet, 64, { workers: r.workers, backend: 'wasm' })).not.toThrow();
  });

  it('always resolves to a positive integer, with the default cores and memory of this machine', () => {
    for (const batch of [1, 2, 8, 16, 64]) {
      const { workers } = resolveAutoWorkers({ model: resnet, batch, backend: 'wasm' });
      expect(Number.isInteger(workers) && workers >= 1 && workers <= Math.max(1, batch)).toBe(true);
    }
  });
});

describe("train({ workers: 'auto' })", () => {
  it('resolves at the first batch to what resolveAutoWorkers gives on this machine and records it in the result', async () => {
    await useWasmBackend();
    const numTensors = tf.memory().numTensors;
    const data = toyData(16, 3, 12, 4);
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4, 6] }, { seed: 3 });
    const expected = resolveAutoWorkers({ model, batch: 8, backend: 'wasm' }).workers;
    const result = await train({ model, train: { images: data.images, labels: data.labels, batchSize: 8, seed: 1 }, epochs: 1, workers: 'auto', workerBackend: 'wasm' });
    expect(Number.isInteger(result.workers) && result.workers >= 1).toBe(true);
    expect(result.workers).toBe(expected);
    expect(Number.isFinite(result.history[0]!.loss)).toBe(true);
    data.images.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(numTensors);
  }, 60_000);

  it('records 1 for this thread and refuses other strings', async () => {
    await useWasmBackend();
    const data = toyData(4, 3, 12, 4);
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4, 6] }, { seed: 3 });
    const options = { model, train: { images: data.images, labels: data.labels, batchSize: 4 }, epochs: 1 };
    expect((await train(options)).workers).toBe(1);
    await expect(train({ ...options, workers: 'many' as unknown as 'auto' })).rejects.toMatchObject({ code: 'FPDB_INVALID_ARGUMENT', message: expect.stringContaining("'auto'") });
    data.images.dispose();
    model.dispose();
  });
});
