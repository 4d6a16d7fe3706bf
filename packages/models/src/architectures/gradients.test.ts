import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@fpdb/schema';
import type { ModelConfig } from './config.js';
import { createModel } from '../model/create-model.js';
import { useWasmBackend } from '../../test/test-backend.js';

// The training backend: wasm with the package's backprop kernels (the whole stack training uses).
beforeAll(useWasmBackend);

const TINY: Record<string, ModelConfig> = {
  'reference-cnn': { architecture: 'reference-cnn', numClasses: 3, inputSize: 16, widths: [3, 4, 4, 5] },
  'reference-cnn + batch norm': { architecture: 'reference-cnn', numClasses: 3, inputSize: 16, widths: [3, 4], batchNorm: true },
  resnet: { architecture: 'resnet', numClasses: 3, inputSize: 12, width: 4, blocks: [1, 1], stem: 'compact' },
  'resnet (imagenet stem)': { architecture: 'resnet', numClasses: 3, inputSize: 24, width: 3, blocks: [1, 1] },
  'resnet (bottleneck)': { architecture: 'resnet', numClasses: 3, inputSize: 20, width: 2, blocks: [1, 2], block: 'bottleneck' },
  'mobilenet-v2': {
    architecture: 'mobilenet-v2',
    numClasses: 3,
    inputSize: 16,
    alpha: 0.25,
    stages: [
      [1, 8, 1, 1],
      [2, 8, 2, 2],
    ],
    lastChannels: 16,
  },
  densenet: { architecture: 'densenet', numClasses: 3, inputSize: 12, growthRate: 3, blocks: [2, 1], stem: 'compact' },
  'densenet (imagenet stem)': { architecture: 'densenet', numClasses: 3, inputSize: 24, growthRate: 2, blocks: [1, 2] },
};

function randomLike(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

describe.each(Object.entries(TINY))('%s forward/backward', (_, config) => {
  it('analytic gradients of every parameter match central finite differences', async () => {
    const before = tf.memory().numTensors;
    const model = createModel(config, { seed: 3 });
    const [h, w] = model.config.inputSize;
    const x = randomLike([3, h, w, 1], 11) as tf.Tensor4D;
    const probe = randomLike([3, config.numClasses], 12);
    const names = model.trainableNames;
    const params = Object.fromEntries(names.map((n) => [n, model.variables.get(n)!]));
    // A smooth scalar of the logits in training mode (batch statistics flow through the gradient).
    const loss = (p: Record<string, tf.Tensor>): tf.Scalar => tf.sum(tf.mul(model.applyWith(p, x, { training: true }), probe));
    const grads = tf.tidy(() => {
      const f = (...ts: tf.Tensor[]): tf.Scalar => loss(Object.fromEntries(names.map((n, i) => [n, ts[i]!])));
      return tf.grads(f)(names.map((n) => params[n]!));
    });
    // Every trainable parameter takes part in the forward pass.
    grads.forEach((g, i) =>
      expect(
        tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]),
        names[i],
      ).toBeGreaterThan(0),
    );

    // One parameter tensor at a time along a random direction: perturbing all at once crosses too many
    // ReLU/max-pool kinks. A kink can fall inside one step size or direction; a wrong gradient fails at all.
    // PyTorch's symmetric stem padding puts kinks within 1e-4 of the ImageNet-stem ResNets' weights, so
    // the steps go down to 3e-5 (float32 differences still hold 3 digits there).
    names.forEach((name, i) => {
      let best = Infinity;
      let tolerance = 0;
      for (const seed of [100, 200]) {
        const direction = randomLike(params[name]!.shape, seed + i);
        const analytic = tf.tidy(() => tf.sum(tf.mul(grads[i]!, direction)).dataSync()[0]!);
        const at = (step: number): number => tf.tidy(() => loss({ ...params, [name]: tf.add(params[name]!, tf.mul(direction, step)) }).dataSync()[0]!);
        tolerance = 0.01 + 0.02 * Math.abs(analytic);
        best = Infinity;
        for (const eps of [1e-3, 3e-4, 1e-4, 3e-5]) {
          best = Math.min(best, Math.abs((at(eps) - at(-eps)) / (2 * eps) - analytic));
          if (best < tolerance) break;
        }
        direction.dispose();
        if (best < tolerance) break;
      }
      expect(best, name).toBeLessThan(tolerance);
    });

    // Inference frees activations after their last use and folds each batch norm into the conv before
    // it: the logits of keeping them all, up to the fold's float32 rounding.
    const logits = model.apply(x);
    expect(logits.shape).toEqual([3, config.numClasses]);
    const kept = model.apply(x, { hook: () => undefined });
    const keptValues = kept.dataSync();
    logits.dataSync().forEach((v, i) => expect(Math.abs(v - keptValues[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(keptValues[i]!)));
    kept.dispose();
    const peak = async (options: object): Promise<number> => (await tf.profile(() => void model.apply(x, options).dispose())).peakBytes;
    expect(await peak({})).toBeLessThan(await peak({ hook: () => undefined }));
    tf.dispose([logits, x, probe, ...grads]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
