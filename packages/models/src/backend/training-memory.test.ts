import { describe, expect, it } from 'vitest';
import { summarize } from '../model/summarize.js';
import { presetConfig } from '../pretrained/presets.js';
import { assertTrainingFits, estimateTrainingHeap, microBatchSize } from './training-memory.js';

const model = (name: string, inputSize = 224) => {
  const s = summarize(presetConfig(name, { numClasses: 6, inputSize }));
  return { summary: () => s.rows, paramCount: () => ({ total: s.paramCount.total }) };
};

describe('wasm heap of a training step', () => {
  it('lets MobileNetV2 224² train 16 images per worker in one pass, above its measured heap (0.75 GB at 8), and 40 in two', () => {
    const m = model('mobilenetv2_100');
    const at8 = estimateTrainingHeap(m.summary(), m.paramCount().total, 8);
    expect(at8.bytes).toBeGreaterThan(0.75e9);
    expect(at8.maxBatch).toBeGreaterThanOrEqual(16);
    expect(at8.maxBatch).toBeLessThan(40);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).not.toThrow();
    // 40 a worker: two passes of 20 (the gradients add up), not an abort.
    expect(() => assertTrainingFits(m, 80, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(microBatchSize(m, 40, 'wasm')).toBe(20);
    expect(microBatchSize(m, 16, 'wasm')).toBe(16);
    expect(() => assertTrainingFits(m, 80, { workers: 2, backend: 'cpu' })).not.toThrow();
  });

  it('lets DenseNet-121 224² train 16 images per worker in one pass (measured 1.63 GB at 8, +0.204 GB an image), 24 in two', () => {
    const m = model('densenet121');
    const at8 = estimateTrainingHeap(m.summary(), m.paramCount().total, 8);
    expect(at8.bytes).toBeGreaterThan(1.63e9);
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 16).bytes).toBeGreaterThan(1.63e9 + 8 * 0.204e9);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(microBatchSize(m, 16, 'wasm')).toBe(16);
    expect(microBatchSize(m, 24, 'wasm')).toBe(12);
  });

  it('lets ResNet-18 224² train at batch 8 per worker (measured: 0.75 GB)', () => {
    const m = model('resnet18');
    expect(() => assertTrainingFits(m, 16, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 8).bytes).toBeGreaterThan(0.75e9);
  });

  it.each(['densenet169', 'resnet50'])('lets %s 224² train batch 32 on two workers: 16 per worker in two passes of 8', (name) => {
    const m = model(name);
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 16).maxBatch).toBeLessThan(16);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(microBatchSize(m, 16, 'wasm')).toBe(8);
    expect(microBatchSize(m, 16, 'cpu')).toBe(16);
  });

  it('refuses, before it runs, an input size at which one image exceeds the wasm heap', () => {
    const m = model('densenet121', 1536);
    expect(() => assertTrainingFits(m, 2, { workers: 2, backend: 'wasm' })).toThrow(
      expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT', message: expect.stringMatching(/single image.*smaller input size/) }),
    );
    expect(() => assertTrainingFits(m, 2, { workers: 2, backend: 'cpu' })).not.toThrow();
  });
});
