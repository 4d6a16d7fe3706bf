import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import { useCpuBackend } from '../../test/test-backend.js';
import { toyData } from '../../test/toy-data.js';
import { createModel } from '../model/create-model.js';
import { gradCam, gradCamLayers } from './grad-cam.js';
import { gradCamOverlay, gradCamOverlayPixels } from './grad-cam-overlay.js';
import { predict } from './predict.js';

beforeAll(useCpuBackend);

describe('predict', () => {
  it('gives the same probabilities batched or not, rows summing to 1; flip TTA averages the mirror', async () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 16, widths: [4, 4] }, { seed: 1 });
    const { images } = toyData(5, 3, 16, 1);
    const before = tf.memory().numTensors;
    const all = await predict(model, images, { batchSize: 64 });
    const small = await predict(model, images, { batchSize: 2 });
    small.probabilities.forEach((p, i) => expect(p).toBeCloseTo(all.probabilities[i]!, 6));
    all.rows().forEach((r) => expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    const flip = await predict(model, images, { tta: 'flip' });
    const mirrored = tf.reverse(images, 2) as tf.Tensor4D;
    const mirror = await predict(model, mirrored, {});
    flip.probabilities.forEach((p, i) => expect(p).toBeCloseTo((all.probabilities[i]! + mirror.probabilities[i]!) / 2, 6));
    mirrored.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    model.dispose();
  });

  it('takes only tensors of shape [N, H, W, 1], saying how to read files', async () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 2, inputSize: 8, widths: [2] });
    const rgb = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    const errors = await Promise.all(
      [predict(model, rgb), predict(model, ['/data/a.png'] as never)].map((p) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    expect(errors.map((e) => (isFpdbError(e) ? e.code : e))).toEqual(['FPDB_SHAPE', 'FPDB_SHAPE']);
    expect((errors[1] as Error).message).toContain('@fpdb/loader');
    rgb.dispose();
    model.dispose();
  });
});

describe('Grad-CAM', () => {
  it('at the last feature map before global pooling equals the class activation map relu(Σₖ Aₖ·W[k, c])', () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 16, widths: [4, 5] }, { seed: 2 });
    const { images } = toyData(1, 3, 16, 3);
    const before = tf.memory().numTensors;
    const cam = gradCam(model, images, { layer: 'block2.pool', classIndex: 1 });
    expect([cam.height, cam.width, cam.inputHeight, cam.inputWidth]).toEqual([4, 4, 16, 16]);
    const expected = tf.tidy(() => {
      let a: tf.Tensor | undefined;
      model.apply(images, { hook: (n, t) => void (n === 'block2.pool' ? (a = tf.keep(tf.clone(t))) : undefined) });
      const w = tf.slice(model.variables.get('classifier.kernel')!, [0, 1], [5, 1]);
      const map = tf.relu(tf.reshape(tf.matMul(tf.reshape(a!, [16, 5]), w), [16]));
      const out = tf.div(map, tf.max(map)).dataSync();
      a!.dispose();
      return Array.from(out);
    });
    Array.from(cam.heatmap).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(Math.max(...cam.upsampled)).toBeLessThanOrEqual(1 + 1e-6);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    model.dispose();
  });

  it('works on any conv layer of every architecture and renders a PNG overlay', async () => {
    const model = createModel({ architecture: 'resnet', numClasses: 3, inputSize: 16, width: 4, blocks: [1, 1], stem: 'compact' }, { seed: 2 });
    expect(gradCamLayers(model)).toContain('layer2.0.out');
    const { images } = toyData(1, 3, 16, 3);
    const cam = gradCam(model, images); // default layer: the last feature map
    expect(cam.layer).toBe('layer2.0.out');
    expect(cam.heatmap.every((v) => v >= 0 && v <= 1)).toBe(true);
    const early = gradCam(model, images, { layer: 'layer1.0.conv1' });
    expect(early.height).toBe(16);
    const gray = { pixels: Uint8Array.from({ length: 40 * 30 }, (_, i) => i % 256), width: 40, height: 30 };
    const png = await gradCamOverlay(gray, { data: cam.heatmap, width: cam.width, height: cam.height });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 40, 30, 3]);
    // The canvas pixels are the PNG's, made opaque RGBA.
    const rgba = gradCamOverlayPixels(gray, { data: cam.heatmap, width: cam.width, height: cam.height });
    expect([rgba.width, rgba.height, rgba.data.length]).toEqual([40, 30, 40 * 30 * 4]);
    const rgb = new Uint8Array(await sharp(png).raw().toBuffer());
    expect(Array.from(rgba.data.filter((_, i) => i % 4 !== 3))).toEqual(Array.from(rgb));
    expect(rgba.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    expect(() => gradCamOverlayPixels(gray, { data: cam.heatmap, width: cam.width + 1, height: cam.height })).toThrow(expect.objectContaining({ code: 'FPDB_INVALID_ARGUMENT' }));
    await expect(gradCamOverlay({ ...gray, width: 41 }, { data: cam.heatmap, width: cam.width, height: cam.height })).rejects.toMatchObject({ code: 'FPDB_INVALID_ARGUMENT' });
    let code: string | undefined;
    try {
      gradCam(model, images, { layer: 'nope' });
    } catch (e) {
      code = isFpdbError(e) ? e.code : 'other';
    }
    expect(code).toBe('FPDB_INVALID_ARGUMENT');
    images.dispose();
    model.dispose();
  });
});
