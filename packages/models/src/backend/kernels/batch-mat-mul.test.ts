import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BatchMatMul } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';

const CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { a: [1, 5, 7], b: [1, 7, 3], transposeA: false, transposeB: false },
  { a: [1, 7, 5], b: [1, 7, 3], transposeA: true, transposeB: false },
  { a: [1, 5, 7], b: [1, 3, 7], transposeA: false, transposeB: true },
  { a: [1, 7, 5], b: [1, 3, 7], transposeA: true, transposeB: true },
  { a: [3, 4, 6], b: [3, 4, 2], transposeA: true, transposeB: false },
  { a: [2, 6, 4], b: [1, 5, 4], transposeA: false, transposeB: true },
  { a: [1, 32, 64], b: [1, 32, 6], transposeA: true, transposeB: false },
];

describe('BatchMatMul on wasm', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    it(`matches cpu: a ${c.a.join('×')}${c.transposeA ? 'ᵀ' : ''} · b ${c.b.join('×')}${c.transposeB ? 'ᵀ' : ''}`, async () => {
      const numTensors = tf.memory().numTensors;
      const size = (s: number[]): number => s.reduce((p, q) => p * q, 1);
      const inputs = { a: { shape: c.a, values: randomValues(size(c.a), 20 + i) }, b: { shape: c.b, values: randomValues(size(c.b), 40 + i) } };
      const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
      const expected = await runKernelOn('cpu', BatchMatMul, inputs, attrs);
      const actual = await runKernelOn('wasm', BatchMatMul, inputs, attrs);
      expect(actual.shape).toEqual(expected.shape);
      expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
      expect(tf.memory().numTensors).toBe(numTensors);
    });
  }
});
