import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { CONV_CASES, describeCase, type ConvCase } from '../internal/conv-cases.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const DILATED: ConvCase[] = [
  { x: [1, 11, 12, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'same', dilations: [2, 2] },
  { x: [2, 10, 9, 3], filter: [3, 2, 3, 5], strides: [1, 1], pad: 'valid', dilations: [2, 3] },
];

describe('Conv2D on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of [...CONV_CASES, ...DILATED].entries()) {
    it(`matches cpu: ${describeCase(c)}`, async () => {
      const numTensors = tf.memory().numTensors;
      const inputs = {
        x: { shape: c.x, values: randomValues(size(c.x), 1100 + i) },
        filter: { shape: c.filter, values: randomValues(size(c.filter), 1200 + i) },
      };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations ?? [1, 1], dimRoundingMode: undefined };
      const expected = await runKernelOn('cpu', Conv2D, inputs, attrs);
      const actual = await runKernelOn('wasm', Conv2D, inputs, attrs);
      expect(actual.shape).toEqual(expected.shape);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});

describe('FusedConv2D on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  const cases: Array<[ConvCase, 'linear' | 'relu' | 'relu6' | 'elu', boolean]> = [
    [CONV_CASES[0]!, 'relu', true],
    [CONV_CASES[2]!, 'relu6', true],
    [CONV_CASES[3]!, 'linear', true],
    [CONV_CASES[9]!, 'relu', false],
    [CONV_CASES[5]!, 'elu', true],
    [CONV_CASES[17]!, 'relu6', true],
    [CONV_CASES[18]!, 'relu', true],
  ];
  for (const [i, [c, activation, withBias]] of cases.entries()) {
    it(`matches cpu: ${describeCase(c)}, ${activation}${withBias ? ' + bias' : ''}`, async () => {
      const numTensors = tf.memory().numTensors;
      const outChannels = c.filter[3];
      const inputs: Record<string, { shape: number[]; values: Float32Array }> = {
        x: { shape: c.x, values: randomValues(size(c.x), 1500 + i) },
        filter: { shape: c.filter, values: randomValues(size(c.filter), 1600 + i) },
      };
      if (withBias) inputs.bias = { shape: [outChannels], values: randomValues(outChannels, 1700 + i) };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation, leakyreluAlpha: 0.2 };
      const expected = await runKernelOn('cpu', 'FusedConv2D', inputs, attrs);
      const actual = await runKernelOn('wasm', 'FusedConv2D', inputs, attrs);
      expect(actual.shape).toEqual(expected.shape);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
