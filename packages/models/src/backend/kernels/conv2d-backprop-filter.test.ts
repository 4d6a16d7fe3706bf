import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { CONV_CASES, convOutShape, describeCase } from '../internal/conv-cases.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CONV_CASES.entries()) {
    it(`matches cpu: ${describeCase(c)}`, async () => {
      const numTensors = tf.memory().numTensors;
      const dyShape = convOutShape(c, false);
      const inputs = {
        x: { shape: c.x, values: randomValues(size(c.x), 1 + i) },
        dy: { shape: dyShape, values: randomValues(size(dyShape), 100 + i) },
      };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: c.filter };
      const expected = await runKernelOn('cpu', Conv2DBackpropFilter, inputs, attrs);
      const actual = await runKernelOn('wasm', Conv2DBackpropFilter, inputs, attrs);
      expect(actual.shape).toEqual(c.filter);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
