import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Sum } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';

const CASES: Array<{ shape: number[]; axis: number[]; keepDims: boolean }> = [
  { shape: [2, 5, 5, 16], axis: [0, 1, 2], keepDims: false },
  { shape: [2, 5, 5, 7], axis: [2, 0, 1], keepDims: true },
  { shape: [700, 3], axis: [0], keepDims: false },
  { shape: [4, 33, 9, 64], axis: [0, 1, 2], keepDims: false },
  { shape: [2, 5, 5, 16], axis: [1, 2], keepDims: false },
  { shape: [2, 5, 6], axis: [2], keepDims: false },
  { shape: [3, 4], axis: [0, 1], keepDims: false },
];

describe('Sum on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    it(`matches cpu: ${c.shape.join('×')} over [${c.axis.join(', ')}]${c.keepDims ? ' keepDims' : ''}`, async () => {
      const numTensors = tf.memory().numTensors;
      const size = c.shape.reduce((p, q) => p * q, 1);
      const inputs = { x: { shape: c.shape, values: randomValues(size, 60 + i) } };
      const attrs = { axis: c.axis, keepDims: c.keepDims };
      const expected = await runKernelOn('cpu', Sum, inputs, attrs);
      const actual = await runKernelOn('wasm', Sum, inputs, attrs);
      expect(actual.shape).toEqual(expected.shape);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
