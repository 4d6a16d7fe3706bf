import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { getGradient, Relu, Relu6 } from '@tensorflow/tfjs-core';
import { ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { RELU_GRAD } from './relu-grad.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
// Lengths around the 16- and 4-wide SIMD loops (tails 0 … 15), rank 1 to 4, and an empty tensor.
const SHAPES: number[][] = [[1], [3], [4], [15], [16], [17], [37], [2, 5, 5, 16], [3, 7, 7, 7], [1, 14, 14, 96], [0, 4]];

/** tfjs' own gradients, as its configs compute them: step(x) for ReLU, (x <= 6) · step(x) for ReLU6. */
function reference(dy: Float32Array, x: Float32Array, max: number): Float32Array {
  return dy.map((g, i) => (x[i]! > 0 ? 1 : 0) * (x[i]! <= max ? 1 : 0) * g);
}

describe(`${RELU_GRAD}: the ReLU and ReLU6 gradients in one kernel`, () => {
  beforeAll(ensureBackends, 60_000);

  // Exact: the kernel selects dy or 0, so the tolerance is zero (x on a 0.5 grid, so x = 0 and x = 6 occur).
  for (const [i, shape] of SHAPES.entries()) {
    for (const max of [Infinity, 6]) {
      it(`wasm and cpu kernels equal tfjs' gradient exactly: [${shape.join(', ')}], max ${max}`, async () => {
        const numTensors = tf.memory().numTensors;
        const x = randomValues(size(shape), 1700 + i, 0.5).map((v) => v * 4);
        const dy = randomValues(size(shape), 1800 + i);
        const inputs = { dy: { shape, values: dy }, x: { shape, values: x } };
        const expected = reference(dy, x, max);
        for (const backend of ['wasm', 'cpu'] as const) {
          const actual = await runKernelOn(backend, RELU_GRAD, inputs, { max });
          expect(actual.shape).toEqual(shape);
          expect(Array.from(actual.values).map((v) => v + 0)).toEqual(Array.from(expected).map((v) => v + 0));
        }
        expect(tf.memory().numTensors).toBe(numTensors);
      });
    }
  }

  it('is the gradient of tf.relu and tf.relu6 on wasm and cpu, and tfjs-core gradients elsewhere stay intact', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      const numTensors = tf.memory().numTensors;
      const x = tf.tensor1d([-1, 0, 0.5, 6, 6.5, 3]);
      const dy = tf.tensor1d([1, 2, 3, 4, 5, 6]);
      const [d6] = tf.grads((v: tf.Tensor) => tf.mul(tf.relu6(v), dy))([x]);
      const [d] = tf.grads((v: tf.Tensor) => tf.mul(tf.relu(v), dy))([x]);
      const z = tf.zeros([2]);
      const [dTanh] = tf.grads((v: tf.Tensor) => tf.sum(tf.tanh(v)))([z]);
      const profile = await tf.profile(() => tf.dispose(tf.grads((v: tf.Tensor) => tf.mul(tf.relu6(v), dy))([x])));
      expect(profile.kernels.map((k) => k.name)).toContain(RELU_GRAD);
      expect(profile.kernels.map((k) => k.name)).not.toContain('LessEqual');
      // From the saved output, ReLU6's gradient at exactly 6 is 0 (PyTorch's choice; tfjs' config gives dy).
      expect(Array.from(await d6!.data())).toEqual([0, 0, 3, 0, 0, 6]);
      expect(Array.from(await d!.data())).toEqual([0, 0, 3, 4, 5, 6]);
      expect(Array.from(await dTanh!.data())).toEqual([1, 1]);
      tf.dispose([x, dy, z, d6!, d!, dTanh!]);
      expect(tf.memory().numTensors).toBe(numTensors);
    }
  });

  it('saves the activation output for backprop, not its input (so the input, as large, is freed after the forward pass)', () => {
    for (const kernelName of [Relu, Relu6]) {
      const config = getGradient(kernelName)!;
      expect(config.outputsToSave).toEqual([true]);
      expect(config.inputsToSave ?? []).toEqual([]);
    }
  });
});
