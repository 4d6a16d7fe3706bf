import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { MaxPoolGrad } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';

const CASES: Array<{ x: [number, number, number, number]; filter: number; stride: number; pad: 'same' | 'valid' }> = [
  { x: [2, 8, 8, 16], filter: 2, stride: 2, pad: 'valid' },
  { x: [1, 7, 9, 5], filter: 2, stride: 2, pad: 'valid' },
  { x: [1, 7, 9, 5], filter: 2, stride: 2, pad: 'same' },
  { x: [2, 9, 9, 4], filter: 3, stride: 2, pad: 'same' },
  { x: [1, 10, 6, 3], filter: 3, stride: 1, pad: 'same' },
  { x: [1, 6, 6, 8], filter: 3, stride: 3, pad: 'valid' },
  { x: [3, 5, 5, 1], filter: 2, stride: 1, pad: 'valid' },
];

describe('MaxPoolGrad on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    for (const ties of [false, true]) {
      it(`matches cpu: x ${c.x.join('×')}, ${c.filter}×${c.filter} stride ${c.stride} ${c.pad}${ties ? ', with ties' : ''}`, async () => {
        const numTensors = tf.memory().numTensors;
        const size = c.x.reduce((a, b) => a * b, 1);
        // Ties: values rounded to 0.5 then ReLU'd, as in a real network (many zeros).
        const xv = randomValues(size, 11 + i, ties ? 0.5 : undefined).map((v) => (ties ? Math.max(v, 0) : v));
        await tf.setBackend('cpu');
        const y = tf.tidy(() => tf.maxPool(tf.tensor4d(xv, c.x), c.filter, c.stride, c.pad));
        const yShape = y.shape;
        const yv = (await y.data()) as Float32Array;
        y.dispose();
        const dyv = randomValues(yv.length, 99 + i);
        const inputs = { dy: { shape: yShape, values: dyv }, input: { shape: c.x, values: xv }, output: { shape: yShape, values: yv } };
        const attrs = { filterSize: c.filter, strides: c.stride, pad: c.pad, dimRoundingMode: undefined };
        const expected = await runKernelOn('cpu', MaxPoolGrad, inputs, attrs);
        const actual = await runKernelOn('wasm', MaxPoolGrad, inputs, attrs);
        expect(actual.shape).toEqual(expected.shape);
        expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
        expect(tf.memory().numTensors).toBe(numTensors);
      });
    }
  }
});
