import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../setup-backend.js';

const N = 10_000;
const BYTES = 4 * N;

/** A chain of `depth` elementwise ops on w (each saves its inputs for backprop); bytes held when backprop reaches its start. */
function chain(w: tf.Variable, depth: number): { grad: Float32Array; bytesAtStart: number } {
  let bytesAtStart = 0;
  // Runs last in backprop: what is still held then is what the freed nodes would have kept.
  const probe = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.mul(x, 1),
    gradFunc: (dy: tf.Tensor) => {
      bytesAtStart = tf.memory().numBytes;
      return tf.mul(dy, 1);
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  const { value, grads } = tf.variableGrads(() => {
    let y = probe(w) as tf.Tensor;
    for (let i = 0; i < depth; i += 1) y = tf.mul(tf.sin(y), 1.01);
    return tf.sum(y) as tf.Scalar;
  });
  const grad = grads[w.name]!.dataSync() as Float32Array;
  tf.dispose([value, grads[w.name]!]);
  return { grad: grad.slice(), bytesAtStart };
}

describe('freeDuringBackprop', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  it.each(['cpu', 'wasm'] as const)("frees each node's saved tensors and output gradients as backprop passes it (%s), same gradients", async (backend) => {
    await setupBackend({ backend });
    const w = tf.variable(tf.randomNormal([N], 0, 1, 'float32', 3));
    const numTensors = tf.memory().numTensors;
    const short = chain(w, 2);
    const long = chain(w, 20);
    // 20 links keep 40+ tensors of N floats without freeing; with it, what the start needs stays flat.
    expect(long.bytesAtStart - short.bytesAtStart).toBeLessThan(2 * BYTES);
    // The same math as tfjs' own backprop (reference: the chain rule by hand).
    const x = w.dataSync() as Float32Array;
    const expected = x.map((v) => {
      let y = v;
      let d = 1;
      for (let i = 0; i < 20; i += 1) {
        d *= Math.cos(y) * 1.01;
        y = Math.sin(y) * 1.01;
      }
      return d;
    });
    long.grad.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(expected[i]!)));
    expect(tf.memory().numTensors).toBe(numTensors);
    w.dispose();
  });

  it('survives a custom gradient that hands the same tensor to two inputs, each made by another op', async () => {
    await setupBackend({ backend: 'cpu' });
    const both = tf.customGrad(((a: tf.Tensor, b: tf.Tensor) => ({
      value: tf.add(a, b),
      gradFunc: (dy: tf.Tensor) => {
        const g = tf.mul(dy, 2);
        return [g, g];
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    const w = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const { value, grads } = tf.variableGrads(() => tf.sum(both(tf.sin(w), tf.cos(w)) as tf.Tensor) as tf.Scalar);
    // d/dw [2·sin w + 2·cos w] through the custom gradient: 2 cos w − 2 sin w.
    Array.from(grads[w.name]!.dataSync()).forEach((v, i) => {
      const x = [0.5, -1, 2][i]!;
      expect(v).toBeCloseTo(2 * Math.cos(x) - 2 * Math.sin(x), 5);
    });
    tf.dispose([value, grads[w.name]!, w]);
  });

  it('leaves higher-order gradients alone (the tape is reused)', async () => {
    await setupBackend({ backend: 'cpu' });
    const x = tf.tensor1d([0.5, -1, 2]);
    const d2 = tf.grad(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sin(v), tf.sin(v)))))(x);
    // d²/dx² sin²x = 2 cos 2x
    Array.from(d2.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(2 * Math.cos(2 * [0.5, -1, 2][i]!), 4));
    tf.dispose([x, d2]);
  });
});
