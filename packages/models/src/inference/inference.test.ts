import * as tf from '@tensorflow/tfjs-core';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import { useCpuBackend } from '../internal/test-backend.js';
import { realFixtures } from '../internal/fixtures.js';
import { toyData } from '../internal/toy-data.js';
import { createModel } from '../model/create-model.js';
import { gradCam, gradCamLayers } from './grad-cam.js';
import { gradCamOverlay } from './grad-cam-overlay.js';
import { predict } from './predict.js';
import { readGray, readImages } from './read-image.js';

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

  it('reads real image files (gray and RGB/RGBA re-saves) into the model input size', async () => {
    const root = realFixtures();
    const names = (await readdir(join(root, 'Images'))).slice(0, 2).map((n) => join(root, 'Images', n));
    const resaved = (await readdir(join(root, 'resaved'))).slice(0, 2).map((n) => join(root, 'resaved', n));
    const model = createModel({ architecture: 'reference-cnn', numClasses: 6, inputSize: [24, 32], widths: [4] }, { seed: 1 });
    const p = await predict(model, [...names, ...resaved], { preprocess: { normalization: 'symmetric', resize: 'pad' } });
    expect(p.count).toBe(4);
    const { data, shape } = await readImages(names.slice(0, 1), { inputSize: [24, 32], normalization: 'unit', resize: 'stretch' });
    expect(shape).toEqual([1, 24, 32, 1]);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    // Resizing keeps the overall brightness of the original.
    const gray = await readGray(names[0]!);
    const meanOf = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(meanOf(data) - meanOf(gray.pixels) / 255)).toBeLessThan(0.03);
    model.dispose();
  });

  it('reports an unreadable file clearly', async () => {
    const model = createModel({ architecture: 'reference-cnn', numClasses: 2, inputSize: 8, widths: [2] });
    let code: string | undefined;
    try {
      await predict(model, ['/nonexistent/x.png']);
    } catch (e) {
      code = isFpdbError(e) ? e.code : 'other';
    }
    expect(code).toBe('FPDB_IMAGE_DECODE');
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
    const file = join(realFixtures(), 'Images', (await readdir(join(realFixtures(), 'Images')))[0]!);
    const png = await gradCamOverlay(file, { data: cam.heatmap, width: cam.width, height: cam.height });
    const meta = await sharp(png).metadata();
    const gray = await readGray(file);
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', gray.width, gray.height, 3]);
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
