import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { DEPTHWISE_CASES, convOutShape, describeCase } from '../internal/conv-cases.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

describe('depthwise backprop kernels on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  // The cpu backprop kernels ignore dilations (tfjs refuses dilated depthwise gradients), so dilated
  // cases are checked by the adjoint identity below instead.
  for (const [i, c] of DEPTHWISE_CASES.entries()) {
    if (c.dilations !== undefined) continue;
    const dilations = c.dilations ?? [1, 1];
    const dyShape = convOutShape(c, true);

    it(`DepthwiseConv2dNativeBackpropFilter matches cpu: ${describeCase(c)}`, async () => {
      const numTensors = tf.memory().numTensors;
      const inputs = {
        x: { shape: c.x, values: randomValues(size(c.x), 400 + i) },
        dy: { shape: dyShape, values: randomValues(size(dyShape), 500 + i) },
      };
      const attrs = { strides: c.strides, dilations, pad: c.pad, dimRoundingMode: undefined, filterShape: c.filter };
      const expected = await runKernelOn('cpu', DepthwiseConv2dNativeBackpropFilter, inputs, attrs);
      const actual = await runKernelOn('wasm', DepthwiseConv2dNativeBackpropFilter, inputs, attrs);
      expect(actual.shape).toEqual(c.filter);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });

    it(`DepthwiseConv2dNativeBackpropInput matches cpu: ${describeCase(c)}`, async () => {
      const numTensors = tf.memory().numTensors;
      const inputs = {
        dy: { shape: dyShape, values: randomValues(size(dyShape), 600 + i) },
        filter: { shape: c.filter, values: randomValues(size(c.filter), 700 + i) },
      };
      const attrs = { strides: c.strides, dilations, pad: c.pad, dimRoundingMode: undefined, inputShape: c.x };
      const expected = await runKernelOn('cpu', DepthwiseConv2dNativeBackpropInput, inputs, attrs);
      const actual = await runKernelOn('wasm', DepthwiseConv2dNativeBackpropInput, inputs, attrs);
      expect(actual.shape).toEqual(c.x);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }

  for (const [i, c] of DEPTHWISE_CASES.entries()) {
    if (c.dilations === undefined) continue;
    it(`is the adjoint of the dilated forward conv: ${describeCase(c)}`, async () => {
      const numTensors = tf.memory().numTensors;
      const dyShape = convOutShape(c, true);
      const xv = randomValues(size(c.x), 800 + i);
      const wv = randomValues(size(c.filter), 900 + i);
      const dyv = randomValues(size(dyShape), 1000 + i);
      await tf.setBackend('cpu');
      const forward = tf.tidy(() => tf.sum(tf.mul(tf.depthwiseConv2d(tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.filter), c.strides, c.pad as 'same', 'NHWC', c.dilations), tf.tensor(dyv, dyShape))));
      const expected = (await forward.data())[0]!;
      forward.dispose();
      const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, dimRoundingMode: undefined };
      const dw = await runKernelOn('wasm', DepthwiseConv2dNativeBackpropFilter, { x: { shape: c.x, values: xv }, dy: { shape: dyShape, values: dyv } }, { ...attrs, filterShape: c.filter });
      const dx = await runKernelOn('wasm', DepthwiseConv2dNativeBackpropInput, { dy: { shape: dyShape, values: dyv }, filter: { shape: c.filter, values: wv } }, { ...attrs, inputShape: c.x });
      const dot = (a: Float32Array, b: Float32Array): number => a.reduce((acc, v, k) => acc + v * b[k]!, 0);
      const tolerance = 1e-4 * Math.max(1, Math.abs(expected)) * 10;
      expect(Math.abs(dot(dw.values, wv) - expected)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(dot(dx.values, xv) - expected)).toBeLessThanOrEqual(tolerance);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
