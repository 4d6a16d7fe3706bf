import { describe, expect, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import { summarize } from '../model/summarize.js';

describe('architecture layouts', () => {
  it('reference CNN: 4 conv blocks 16/32/64/64, 60,614 parameters for 6 classes at 128²', () => {
    const s = summarize({ architecture: 'reference-cnn', numClasses: 6 });
    expect(s.paramCount).toEqual({ trainable: 60_614, nonTrainable: 0, total: 60_614 });
    expect(s.rows.map((r) => [r.name, r.outputShape])).toEqual([
      ['block1.conv', [null, 128, 128, 16]],
      ['block1.pool', [null, 64, 64, 16]],
      ['block2.conv', [null, 64, 64, 32]],
      ['block2.pool', [null, 32, 32, 32]],
      ['block3.conv', [null, 32, 32, 64]],
      ['block3.pool', [null, 16, 16, 64]],
      ['block4.conv', [null, 16, 16, 64]],
      ['block4.pool', [null, 8, 8, 64]],
      ['gap', [null, 64]],
      ['classifier', [null, 6]],
    ]);
  });

  // Published counts for 3-channel ImageNet models (torchvision) minus the stem's 2 extra input channels.
  it('ResNet-18 matches torchvision (11,689,512 − 6,272 for a 1-channel stem)', () => {
    const s = summarize({ architecture: 'resnet', numClasses: 1000, inputSize: 224 });
    expect(s.paramCount.trainable).toBe(11_689_512 - 6_272);
    expect(s.rows.at(-2)).toMatchObject({ name: 'gap', outputShape: [null, 512] });
    expect(s.rows.find((r) => r.name === 'layer4.1.out')?.outputShape).toEqual([null, 7, 7, 512]);
  });

  it('ResNet-34 and ResNet-50 (bottlenecks) match torchvision (21,797,672 and 25,557,032 − 6,272)', () => {
    const r34 = summarize({ architecture: 'resnet', numClasses: 1000, inputSize: 224, blocks: [3, 4, 6, 3] });
    expect(r34.paramCount.trainable).toBe(21_797_672 - 6_272);
    const r50 = summarize({ architecture: 'resnet', numClasses: 1000, inputSize: 224, blocks: [3, 4, 6, 3], block: 'bottleneck' });
    expect(r50.paramCount.trainable).toBe(25_557_032 - 6_272);
    expect(r50.rows.find((r) => r.name === 'layer4.2.out')?.outputShape).toEqual([null, 7, 7, 2048]);
    // torchvision v1.5: the stride sits on the 3×3 conv, and the first block of every stage projects.
    expect(r50.rows.find((r) => r.name === 'layer2.0.conv1')?.outputShape).toEqual([null, 56, 56, 128]);
    expect(r50.rows.find((r) => r.name === 'layer2.0.conv2')?.outputShape).toEqual([null, 28, 28, 128]);
    expect(r50.rows.some((r) => r.name === 'layer1.0.down.conv')).toBe(true);
  });

  it('MobileNetV2 α=1 matches torchvision (3,504,872 − 576)', () => {
    const s = summarize({ architecture: 'mobilenet-v2', numClasses: 1000, inputSize: 224 });
    expect(s.paramCount.trainable).toBe(3_504_872 - 576);
    expect(s.rows.find((r) => r.name === 'head.relu')?.outputShape).toEqual([null, 7, 7, 1280]);
  });

  it('DenseNet-169 matches torchvision (14,149,480 − 6,272)', () => {
    const s = summarize({ architecture: 'densenet', numClasses: 1000, inputSize: 224 });
    expect(s.paramCount.trainable).toBe(14_149_480 - 6_272);
    expect(s.rows.find((r) => r.name === 'final.relu')?.outputShape).toEqual([null, 7, 7, 1664]);
  });

  it('DenseNet-121 matches torchvision (7,978,856 − 6,272)', () => {
    const s = summarize({ architecture: 'densenet', numClasses: 1000, inputSize: 224, blocks: [6, 12, 24, 16] });
    expect(s.paramCount.trainable).toBe(7_978_856 - 6_272);
    expect(s.rows.find((r) => r.name === 'final.relu')?.outputShape).toEqual([null, 7, 7, 1024]);
  });

  it('widths are configurable and non-square inputs work', () => {
    const s = summarize({ architecture: 'reference-cnn', numClasses: 3, widths: [4, 8], inputSize: [20, 12] });
    expect(s.rows.at(-3)?.outputShape).toEqual([null, 5, 3, 8]);
  });

  it('rejects invalid configs and inputs too small for the network', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isFpdbError(e) ? e.code : 'other';
      }
      return undefined;
    };
    expect(code(() => summarize({ architecture: 'vgg' as 'resnet', numClasses: 6 }))).toBe('FPDB_CONFIG');
    expect(code(() => summarize({ architecture: 'resnet', numClasses: 0 }))).toBe('FPDB_CONFIG');
    expect(code(() => summarize({ architecture: 'resnet', numClasses: 6, block: 'wide' as 'basic' }))).toBe('FPDB_CONFIG');
    expect(code(() => summarize({ architecture: 'reference-cnn', numClasses: 6, inputSize: 8 }))).toBe('FPDB_SHAPE');
  });
});
