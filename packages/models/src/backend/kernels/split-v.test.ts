import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackends, randomValues } from '../internal/compare-backends.js';

const CASES: Array<{ shape: number[]; sizes: number[] | number; axis: number; dtype: 'float32' | 'int32' }> = [
  { shape: [2, 5, 5, 96], sizes: [64, 32], axis: 3, dtype: 'float32' },
  { shape: [2, 5, 5, 7], sizes: [3, -1, 1], axis: -1, dtype: 'float32' },
  { shape: [3, 4, 6], sizes: 2, axis: 1, dtype: 'float32' },
  { shape: [4, 6, 5], sizes: [1, 0, 3], axis: 0, dtype: 'float32' },
  { shape: [2, 3, 19], sizes: [5, 13, 1], axis: 2, dtype: 'int32' },
  { shape: [1, 2, 2, 40], sizes: [17, 23], axis: 3, dtype: 'float32' },
];

describe('SplitV on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    it(`matches cpu exactly: ${c.shape.join('×')} into ${JSON.stringify(c.sizes)} on axis ${c.axis} (${c.dtype})`, async () => {
      const numTensors = tf.memory().numTensors;
      const size = c.shape.reduce((p, q) => p * q, 1);
      const values = Array.from(randomValues(size, 90 + i), (v) => (c.dtype === 'int32' ? Math.round(v * 100) : v));
      const run = async (backend: 'cpu' | 'wasm'): Promise<Array<{ shape: number[]; values: number[] }>> => {
        await tf.setBackend(backend);
        const x = tf.tensor(values, c.shape, c.dtype);
        const pieces = tf.split(x, c.sizes, c.axis);
        const out = await Promise.all(pieces.map(async (p) => ({ shape: p.shape, values: Array.from(await p.data()) })));
        tf.dispose([x, ...pieces]);
        return out;
      };
      const expected = await run('cpu');
      const actual = await run('wasm');
      expect(actual).toEqual(expected);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
