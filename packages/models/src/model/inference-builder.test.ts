import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../backend/setup-backend.js';
import { presetConfig } from '../pretrained/presets.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { cachedFoldedFilters } from '../backend/kernels/folded-conv2d.js';
import { createModel } from './create-model.js';

describe('inference with batch norm folded into the conv before it', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  // Small inputs keep the presets fast; every conv → batch norm (→ ReLU/ReLU6) pattern of each is hit.
  it.each(['resnet18', 'mobilenetv2_100', 'densenet121'])('%s: the same logits as the unfolded path (|Δ| ≤ 1e-4 + 1e-3·|y|), the batch norms after convs gone', async (name) => {
    const model = createModel(presetConfig(name, { numClasses: 6, inputSize: 64 }), { seed: 2 });
    // Non-trivial moving statistics, so that a wrong fold shows.
    for (const [key, v] of model.variables) {
      if (key.endsWith('.movingMean')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', key.length));
      if (key.endsWith('.movingVariance')) v.assign(tf.randomUniform(v.shape, 0.5, 2, 'float32', key.length));
      if (key.endsWith('.gamma')) v.assign(tf.randomUniform(v.shape, 0.5, 1.5, 'float32', key.length + 1));
    }
    const x = tf.randomNormal([2, 64, 64, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const numTensors = tf.memory().numTensors;
    const folded = model.apply(x);
    // A hook sends the forward through the plain builder (Grad-CAM's path): batch norm as its own op.
    const plain = model.apply(x, { hook: () => undefined });
    const a = folded.dataSync();
    const b = plain.dataSync();
    b.forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(v)));
    tf.dispose([folded, plain]);
    expect(tf.memory().numTensors).toBe(numTensors);
    const count = async (f: () => tf.Tensor, kernel: string): Promise<number> => {
      const profile = await tf.profile(f);
      tf.dispose(profile.result as tf.Tensor);
      return profile.kernels.filter((k) => k.name === kernel).length;
    };
    const batchNorms = await count(() => model.apply(x), 'FusedBatchNorm');
    const plainBatchNorms = await count(() => model.apply(x, { hook: () => undefined }), 'FusedBatchNorm');
    // Every batch norm right after a conv folds; DenseNet's pre-activation ones (after a concat) run as
    // one FpdbBatchNormAct pass with their ReLU, over the concat's pieces (no Concat kernel before them).
    expect([batchNorms, plainBatchNorms > 0]).toEqual([0, true]);
    if (name === 'densenet121') {
      expect(await count(() => model.apply(x), 'Relu')).toBe(0);
      expect(await count(() => model.apply(x), 'FpdbBatchNormAct')).toBeGreaterThan(58);
      // Only the four dense blocks' outputs (a mark, then the transition) still concatenate.
      expect(await count(() => model.apply(x), 'Concat')).toBe(4);
    }
    if (name === 'mobilenetv2_100') expect(await count(() => model.apply(x), 'Relu6')).toBe(0);
    x.dispose();
    model.dispose();
  });

  it('a folded filter is cached per model and follows every weight change (setWeights, assign), freed with the model', () => {
    const backend = tf.backend() as BackendWasm;
    const cachedBefore = cachedFoldedFilters(backend);
    const model = createModel(presetConfig('resnet18', { numClasses: 6, inputSize: 64 }), { seed: 3 });
    const x = tf.randomNormal([1, 64, 64, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const numTensors = tf.memory().numTensors;
    const logits = (options?: { hook: () => undefined }): Float32Array => {
      const y = model.apply(x, options);
      const values = y.dataSync() as Float32Array;
      y.dispose();
      return values;
    };
    const expectClose = (a: Float32Array, b: Float32Array): void => b.forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(v)));
    const first = logits();
    expect(cachedFoldedFilters(backend)).toBeGreaterThan(cachedBefore);
    expectClose(logits(), first);
    // Each kind of write: a conv kernel and a batch-norm statistic through setWeights, a gamma by assign.
    const kernel = model
      .getWeights()
      .get('stem.conv.kernel')!
      .map((v, i) => v * (1 + 0.5 * Math.sin(i)));
    const variance = model
      .getWeights()
      .get('stem.bn.movingVariance')!
      .map((_, i) => 0.5 + (i % 5) * 0.4);
    const changes: (() => void)[] = [
      () => model.setWeights({ 'stem.conv.kernel': kernel }),
      () => model.setWeights(new Map([['stem.bn.movingVariance', variance]])),
      () => {
        const gamma = model.variables.get(model.specs.filter((p) => p.name.endsWith('.gamma')).at(-1)!.name)!;
        tf.tidy(() => gamma.assign(tf.randomUniform(gamma.shape, 0.2, 3, 'float32', 9)));
      },
    ];
    let previous = first;
    for (const change of changes) {
      change();
      const next = logits();
      // The plain path reads the variables themselves: the folded one must agree after the change.
      expectClose(next, logits({ hook: () => undefined }));
      expect(next.some((v, i) => Math.abs(v - previous[i]!) > 1e-3 * (1 + Math.abs(v)))).toBe(true);
      previous = next;
    }
    expect(tf.memory().numTensors).toBe(numTensors);
    x.dispose();
    model.dispose();
    expect(cachedFoldedFilters(backend)).toBe(cachedBefore);
  });
});
