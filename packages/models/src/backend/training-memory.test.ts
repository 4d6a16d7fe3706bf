import { describe, expect, it } from 'vitest';
import { summarize } from '../model/summarize.js';
import { presetConfig } from '../pretrained/presets.js';
import { assertTrainingFits, estimateTrainingHeap, WASM_HEAP_BUDGET_BYTES } from './training-memory.js';

const model = (name: string) => {
  const s = summarize(presetConfig(name, { numClasses: 6 }));
  return { summary: () => s.rows, paramCount: () => ({ total: s.paramCount.total }) };
};

describe('wasm heap of a training step', () => {
  it('lets MobileNetV2 224² train 16 images per worker, above its measured heap (1.10 GB at 8, 2.1 GB at 16)', () => {
    const m = model('mobilenetv2_100');
    const at8 = estimateTrainingHeap(m.summary(), m.paramCount().total, 8);
    expect(at8.bytes).toBeGreaterThan(1.1e9);
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 16).bytes).toBeGreaterThan(2.1e9);
    expect(at8.maxBatch).toBe(16);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(() => assertTrainingFits(m, 48, { workers: 2, backend: 'wasm' })).toThrow(
      expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT', message: expect.stringMatching(/24 images per worker.*at most 32 \(16 per worker\)/) }),
    );
    expect(() => assertTrainingFits(m, 48, { workers: 2, backend: 'cpu' })).not.toThrow();
  });

  it('refuses DenseNet-121 224² at 16 images per worker (measured 2.99 GB at 8, +0.365 GB an image) and lets 8 through', () => {
    const m = model('densenet121');
    const at8 = estimateTrainingHeap(m.summary(), m.paramCount().total, 8);
    expect(at8.bytes).toBeGreaterThan(2.99e9);
    expect(at8.bytes).toBeLessThan(WASM_HEAP_BUDGET_BYTES);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).toThrow(
      expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT', message: expect.stringMatching(/16 images per worker/) }),
    );
    expect(() => assertTrainingFits(m, 16, { workers: 2, backend: 'wasm' })).not.toThrow();
  });

  it('lets ResNet-18 224² train at batch 8 per worker (measured: 0.75 GB)', () => {
    const m = model('resnet18');
    expect(() => assertTrainingFits(m, 16, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 8).bytes).toBeGreaterThan(0.75e9);
  });
});
