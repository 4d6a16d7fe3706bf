import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Add, Cast, Identity } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const ADD_CASES: Array<[number[], number[]]> = [
  [[2, 5, 5, 16], [16]],
  [[16], [2, 5, 5, 16]],
  [
    [3, 7],
    [1, 7],
  ],
  [
    [2, 4, 4, 6],
    [1, 1, 1, 6],
  ],
  [
    [2, 3, 5],
    [2, 3, 5],
  ],
  [
    [2, 3, 5],
    [3, 1],
  ],
  [[4, 9], []],
];

describe('Add, Cast and Identity on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, [a, b]] of ADD_CASES.entries()) {
    it(`Add matches cpu: [${a.join(', ')}] + [${b.join(', ')}]`, async () => {
      const numTensors = tf.memory().numTensors;
      const inputs = { a: { shape: a, values: randomValues(size(a), 1300 + i) }, b: { shape: b, values: randomValues(size(b), 1400 + i) } };
      const expected = await runKernelOn('cpu', Add, inputs, {});
      const actual = await runKernelOn('wasm', Add, inputs, {});
      expect(actual.shape).toEqual(expected.shape);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }

  it('Identity and same-dtype Cast share data, stay correct after the input is disposed, and leak nothing', async () => {
    await tf.setBackend('wasm');
    const numTensors = tf.memory().numTensors;
    const x = tf.tensor2d([1.5, -2, 3, 4.25], [2, 2]);
    const copy = tf.engine().runKernel(Identity, { x }, {}) as tf.Tensor;
    const same = tf.engine().runKernel(Cast, { x }, { dtype: 'float32' }) as tf.Tensor;
    const asInt = tf.engine().runKernel(Cast, { x }, { dtype: 'int32' }) as tf.Tensor;
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1.5, -2, 3, 4.25]);
    expect(Array.from(await same.data())).toEqual([1.5, -2, 3, 4.25]);
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(await asInt.data())).toEqual([1, -2, 3, 4]);
    tf.dispose([copy, same, asInt]);
    expect(tf.memory().numTensors).toBe(numTensors);
  });
});
