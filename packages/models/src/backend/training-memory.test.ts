import { describe, expect, it } from 'vitest';
import { summarize } from '../model/summarize.js';
import { presetConfig } from '../pretrained/presets.js';
import { assertTrainingFits, estimateTrainingHeap } from './training-memory.js';

const model = (name: string) => {
  const s = summarize(presetConfig(name, { numClasses: 6 }));
  return { summary: () => s.rows, paramCount: () => ({ total: s.paramCount.total }) };
};

describe('wasm heap of a training step', () => {
  it('lets MobileNetV2 224² train 16 images per worker, above its measured heap (0.75 GB at 8), and refuses 40', () => {
    const m = model('mobilenetv2_100');
    const at8 = estimateTrainingHeap(m.summary(), m.paramCount().total, 8);
    expect(at8.bytes).toBeGreaterThan(0.75e9);
    expect(at8.maxBatch).toBeGreaterThanOrEqual(16);
    expect(at8.maxBatch).toBeLessThan(40);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(() => assertTrainingFits(m, 80, { workers: 2, backend: 'wasm' })).toThrow(
      expect.objectContaining({
        code: 'FPDB_INVALID_ARGUMENT',
        message: expect.stringMatching(new RegExp(`40 images per worker.*at most ${2 * at8.maxBatch} \\(${at8.maxBatch} per worker\\)`)),
      }),
    );
    expect(() => assertTrainingFits(m, 80, { workers: 2, backend: 'cpu' })).not.toThrow();
  });

  it('lets DenseNet-121 224² train 16 images per worker (measured 1.63 GB at 8, +0.204 GB an image) and refuses 24', () => {
    const m = model('densenet121');
    const at8 = estimateTrainingHeap(m.summary(), m.paramCount().total, 8);
    expect(at8.bytes).toBeGreaterThan(1.63e9);
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 16).bytes).toBeGreaterThan(1.63e9 + 8 * 0.204e9);
    expect(() => assertTrainingFits(m, 32, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(() => assertTrainingFits(m, 48, { workers: 2, backend: 'wasm' })).toThrow(
      expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT', message: expect.stringMatching(/24 images per worker/) }),
    );
  });

  it('lets ResNet-18 224² train at batch 8 per worker (measured: 0.75 GB)', () => {
    const m = model('resnet18');
    expect(() => assertTrainingFits(m, 16, { workers: 2, backend: 'wasm' })).not.toThrow();
    expect(estimateTrainingHeap(m.summary(), m.paramCount().total, 8).bytes).toBeGreaterThan(0.75e9);
  });
});
