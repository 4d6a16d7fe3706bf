import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { CONV_CASES, convOutShape, describeCase } from '../internal/conv-cases.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CONV_CASES.entries()) {
    it(`matches cpu: ${describeCase(c)}`, async () => {
      const numTensors = tf.memory().numTensors;
      const dyShape = convOutShape(c, false);
      const inputs = {
        dy: { shape: dyShape, values: randomValues(size(dyShape), 200 + i) },
        filter: { shape: c.filter, values: randomValues(size(c.filter), 300 + i) },
      };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: c.x };
      const expected = await runKernelOn('cpu', Conv2DBackpropInput, inputs, attrs);
      const actual = await runKernelOn('wasm', Conv2DBackpropInput, inputs, attrs);
      expect(actual.shape).toEqual(c.x);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
