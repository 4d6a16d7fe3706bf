import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FusedConv2D } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { CONV_CASES, describeCase, type ConvCase } from '../internal/conv-cases.js';
import { FOLDED_CONV2D } from './folded-conv2d.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const ACTIVATIONS = ['linear', 'relu', 'relu6'] as const;
// Every case without dilations, and the multi-image ones again at batch 1 (the zero-padded copy runs
// under 4 images), plus ResNet's last-stage shape at batch 1 (7 columns: one overlapping tile).
const CASES: ConvCase[] = [
  ...CONV_CASES.filter((c) => c.dilations === undefined),
  ...CONV_CASES.filter((c) => c.dilations === undefined && c.x[0] > 1).map((c) => ({ ...c, x: [1, c.x[1], c.x[2], c.x[3]] as ConvCase['x'] })),
  { x: [1, 7, 7, 24], filter: [3, 3, 24, 40], strides: [1, 1], pad: 1 },
  { x: [3, 7, 7, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'same' },
];

describe('FpdbFoldedConv2D on wasm (conv with its inference batch norm folded in, filters cached)', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    const activation = ACTIVATIONS[i % 3]!;
    const withBias = i % 2 === 0;
    it(`matches cpu FusedConv2D on the folded filter (|Δ| ≤ 1e-4 + 1e-4·|y|), ${activation}${withBias ? ', conv bias' : ''}: ${describeCase(c)}`, async () => {
      const co = c.filter[3];
      const gamma = randomValues(co, 3100 + i).map((v) => 0.5 + Math.abs(v));
      const beta = randomValues(co, 3200 + i);
      const mean = randomValues(co, 3300 + i);
      const variance = randomValues(co, 3400 + i).map((v) => 0.2 + v * v);
      const bias = randomValues(co, 3500 + i);
      const filter = randomValues(size(c.filter), 3600 + i);
      const x = randomValues(size(c.x), 3700 + i);
      const scale = gamma.map((g, k) => Math.fround(g * Math.fround(1 / Math.fround(Math.sqrt(Math.fround(variance[k]! + 1e-5))))));
      const shift = beta.map((b, k) => b - mean[k]! * scale[k]! + (withBias ? bias[k]! * scale[k]! : 0));
      const folded = filter.map((w, j) => w * scale[j % co]!);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation };
      const expected = await runKernelOn('cpu', FusedConv2D, { x: { shape: c.x, values: x }, filter: { shape: c.filter, values: folded }, bias: { shape: [co], values: shift } }, attrs);
      const numTensors = tf.memory().numTensors;
      const vector = (values: Float32Array) => ({ shape: [co], values });
      const actual = await runKernelOn(
        'wasm',
        FOLDED_CONV2D,
        {
          x: { shape: c.x, values: x },
          filter: { shape: c.filter, values: filter },
          gamma: vector(gamma),
          beta: vector(beta),
          movingMean: vector(mean),
          movingVariance: vector(variance),
          ...(withBias ? { bias: vector(bias) } : {}),
        },
        { strides: c.strides, pad: c.pad, activation, epsilon: 1e-5 },
      );
      expect(actual.shape).toEqual(expected.shape);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
