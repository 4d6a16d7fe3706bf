import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues } from './internal/compare-backends.js';
import { batchNormTrain } from './batch-norm-train.js';

const EPS = 1e-5;
// Channels 1 … 64, odd and even (SIMD tails), rank 2 and 4, a single row, and an offset mean (x·s + m).
const CASES: Array<{ shape: number[]; scale: number; shift: number }> = [
  { shape: [2, 5, 5, 16], scale: 1, shift: 0 },
  { shape: [3, 7, 7, 7], scale: 2, shift: 3 },
  { shape: [4, 33], scale: 0.5, shift: -1 },
  { shape: [2, 3, 3, 1], scale: 1, shift: 0 },
  { shape: [1, 1, 1, 5], scale: 1, shift: 0 },
  { shape: [4, 14, 14, 64], scale: 3, shift: 5 },
];

type Run = { y: Float32Array; mean: Float32Array; variance: Float32Array; dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array };

/**
 * y, the statistics, and the gradients of a loss that reads all three outputs (so the paths through
 * the mean and the variance are checked too), either through batchNormTrain or through tfjs' op chain.
 */
async function run(backend: 'cpu' | 'wasm', fused: boolean, c: (typeof CASES)[number], seed: number): Promise<Run> {
  await tf.setBackend(backend);
  const size = c.shape.reduce((p, q) => p * q, 1);
  const ch = c.shape.at(-1)!;
  const x = tf.tensor(
    randomValues(size, seed).map((v) => v * c.scale + c.shift),
    c.shape,
  );
  const gamma = tf.tensor1d(randomValues(ch, seed + 1));
  const beta = tf.tensor1d(randomValues(ch, seed + 2));
  const wy = tf.tensor(randomValues(size, seed + 3), c.shape);
  const wm = tf.tensor1d(randomValues(ch, seed + 4));
  const wv = tf.tensor1d(randomValues(ch, seed + 5));
  const forward = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    if (fused) {
      const r = batchNormTrain(xx, g as tf.Tensor1D, b as tf.Tensor1D, EPS);
      if (r === undefined) throw new Error(`no fused kernel on ${backend}`);
      return r;
    }
    const axes = c.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(xx, axes);
    return { y: tf.batchNorm(xx, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, EPS), mean, variance };
  };
  const out = tf.tidy(() => forward(x, gamma, beta));
  const grads = tf.grads((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const r = forward(xx, g, b);
    return tf.addN([tf.sum(tf.mul(r.y, wy)), tf.sum(tf.mul(r.mean, wm)), tf.sum(tf.mul(r.variance, wv))]);
  })([x, gamma, beta]);
  const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;
  const result = { y: await read(out.y), mean: await read(out.mean), variance: await read(out.variance), dx: await read(grads[0]!), dgamma: await read(grads[1]!), dbeta: await read(grads[2]!) };
  tf.dispose([x, gamma, beta, wy, wm, wv, out.y, out.mean, out.variance, ...grads]);
  return result;
}

describe('batch norm in training mode as one kernel pair', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    it(`wasm and cpu kernels match the cpu op chain: ${c.shape.join('×')}, x·${c.scale} + ${c.shift}`, async () => {
      const numTensors = tf.memory().numTensors;
      const expected = await run('cpu', false, c, 900 + 10 * i);
      for (const backend of ['wasm', 'cpu'] as const) {
        const actual = await run(backend, true, c, 900 + 10 * i);
        for (const key of Object.keys(expected) as Array<keyof Run>) {
          const { worst, maxAbs } = compareValues(actual[key], expected[key]);
          expect({ backend, key, worst: worst <= 0 ? 'ok' : worst, maxAbs }).toMatchObject({ backend, key, worst: 'ok' });
        }
      }
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }

  it('returns undefined where the backend has no kernel, so the caller keeps the op chain', async () => {
    await tf.setBackend('wasm');
    const numTensors = tf.memory().numTensors;
    const [x, gamma, beta] = [tf.zeros([2, 3], 'int32'), tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D];
    expect(batchNormTrain(x, gamma, beta, EPS)).toBeUndefined();
    tf.dispose([x, gamma, beta]);
    expect(tf.memory().numTensors).toBe(numTensors);
  });
});
