import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../setup-backend.js';
import { BATCH_NORM_ACT, batchNormActAttrs } from './batch-norm-act.js';

describe('FpdbBatchNormAct on wasm (inference batch norm + ReLU/ReLU6 over a channel concatenation)', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  const cases: { name: string; lead: number[]; widths: number[]; activation: 'linear' | 'relu' | 'relu6' }[] = [
    { name: 'one input, relu', lead: [2, 5, 7], widths: [16], activation: 'relu' },
    { name: 'odd widths, relu6', lead: [3, 4, 3], widths: [3, 5, 1, 8], activation: 'relu6' },
    { name: 'DenseNet-like pieces, relu', lead: [2, 6, 6], widths: [64, 32, 32, 32], activation: 'relu' },
    { name: 'linear, rank 2', lead: [9], widths: [7, 6], activation: 'linear' },
  ];

  it.each(cases)('$name: equals relu(batchNorm(concat)) of tfjs ops (|Δ| ≤ 1e-5 + 1e-5·|y|), no tensor leaked', ({ lead, widths, activation }) => {
    const channels = widths.reduce((a, b) => a + b, 0);
    const xs = widths.map((w, i) => tf.randomNormal([...lead, w], 0, 3, 'float32', 10 + i));
    const gamma = tf.randomUniform([channels], 0.2, 2, 'float32', 1);
    const beta = tf.randomNormal([channels], 0, 1, 'float32', 2);
    const mean = tf.randomNormal([channels], 0, 1, 'float32', 3);
    const variance = tf.randomUniform([channels], 0.1, 3, 'float32', 4);
    const numTensors = tf.memory().numTensors;
    const inputs: tf.NamedTensorMap = { gamma, beta, movingMean: mean, movingVariance: variance };
    xs.forEach((x, i) => {
      inputs[`x${i}`] = x;
    });
    const fused = tf.engine().runKernel(BATCH_NORM_ACT, inputs, batchNormActAttrs({ count: xs.length, activation, epsilon: 1e-5 })) as tf.Tensor;
    const plain = tf.tidy(() => {
      const y = tf.batchNorm(xs.length === 1 ? xs[0]! : tf.concat(xs, -1), mean, variance, beta, gamma, 1e-5);
      return activation === 'relu' ? tf.relu(y) : activation === 'relu6' ? tf.relu6(y) : y;
    });
    expect(fused.shape).toEqual([...lead, channels]);
    const a = fused.dataSync();
    const b = plain.dataSync();
    let worst = 0;
    b.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(a[i]! - v) - 1e-5 * Math.abs(v));
    });
    expect(worst).toBeLessThanOrEqual(1e-5);
    if (activation !== 'linear') expect(Math.min(...a)).toBe(0);
    if (activation === 'relu6') expect(Math.max(...a)).toBe(6);
    tf.dispose([fused, plain]);
    expect(tf.memory().numTensors).toBe(numTensors);
    tf.dispose([...xs, gamma, beta, mean, variance]);
  });

  it('refuses inputs of different leading shapes with FPDB_KERNEL', () => {
    const inputs: tf.NamedTensorMap = { x0: tf.zeros([2, 3, 4]), x1: tf.zeros([2, 2, 4]), gamma: tf.ones([8]), beta: tf.zeros([8]), movingMean: tf.zeros([8]), movingVariance: tf.ones([8]) };
    expect(() => tf.engine().runKernel(BATCH_NORM_ACT, inputs, batchNormActAttrs({ count: 2, activation: 'relu', epsilon: 1e-5 }))).toThrow(/FpdbBatchNormAct needs inputs of one leading shape/);
    tf.dispose(Object.values(inputs));
  });
});
