import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FusedConv2D } from '@tensorflow/tfjs-core';
import { compareValues, ensureBackends, randomValues, runKernelOn } from '../internal/compare-backends.js';
import { CONV_CASES, describeCase, type ConvCase } from '../internal/conv-cases.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createModel } from '../../model/create-model.js';
import { presetConfig } from '../../pretrained/presets.js';
import { cachedWinogradFilters, FOLDED_CONV2D, setWinogradMinChannels } from './folded-conv2d.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const ACTIVATIONS = ['linear', 'relu', 'relu6'] as const;
// Every case without dilations, and the multi-image ones again at batch 1 (the zero-padded copy runs
// under 4 images), plus ResNet's last-stage shape at batch 1 (7 columns: one overlapping tile).
const CASES: ConvCase[] = [
  ...CONV_CASES.filter((c) => c.dilations === undefined),
  ...CONV_CASES.filter((c) => c.dilations === undefined && c.x[0] > 1).map((c) => ({ ...c, x: [1, c.x[1], c.x[2], c.x[3]] as ConvCase['x'] })),
  { x: [1, 7, 7, 24], filter: [3, 3, 24, 40], strides: [1, 1], pad: 1 },
  { x: [3, 7, 7, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'same' },
];

/**
 * `winogradSlack`: Winograd's extra rounding grows with the terms summed, not with |y|: each output may
 * also be off by slack·S, S = Σ|x|·|w| over its receptive field (cpu conv of |x| and |folded w|).
 */
async function checkFolded(c: ConvCase, i: number, activation: (typeof ACTIVATIONS)[number], withBias: boolean, winogradSlack = 0): Promise<void> {
  const co = c.filter[3];
  const gamma = randomValues(co, 3100 + i).map((v) => 0.5 + Math.abs(v));
  const beta = randomValues(co, 3200 + i);
  const mean = randomValues(co, 3300 + i);
  const variance = randomValues(co, 3400 + i).map((v) => 0.2 + v * v);
  const bias = randomValues(co, 3500 + i);
  const filter = randomValues(size(c.filter), 3600 + i);
  const x = randomValues(size(c.x), 3700 + i);
  const scale = gamma.map((g, k) => Math.fround(g * Math.fround(1 / Math.fround(Math.sqrt(Math.fround(variance[k]! + 1e-5))))));
  const shift = beta.map((b, k) => b - mean[k]! * scale[k]! + (withBias ? bias[k]! * scale[k]! : 0));
  const folded = filter.map((w, j) => w * scale[j % co]!);
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation };
  const expected = await runKernelOn('cpu', FusedConv2D, { x: { shape: c.x, values: x }, filter: { shape: c.filter, values: folded }, bias: { shape: [co], values: shift } }, attrs);
  const numTensors = tf.memory().numTensors;
  const vector = (values: Float32Array) => ({ shape: [co], values });
  const actual = await runKernelOn(
    'wasm',
    FOLDED_CONV2D,
    {
      x: { shape: c.x, values: x },
      filter: { shape: c.filter, values: filter },
      gamma: vector(gamma),
      beta: vector(beta),
      movingMean: vector(mean),
      movingVariance: vector(variance),
      ...(withBias ? { bias: vector(bias) } : {}),
    },
    { strides: c.strides, pad: c.pad, activation, epsilon: 1e-5 },
  );
  expect(actual.shape).toEqual(expected.shape);
  if (winogradSlack === 0) {
    expect(compareValues(actual.values, expected.values).worst).toBeLessThanOrEqual(0);
  } else {
    const absAttrs = { ...attrs, activation: 'linear' };
    const terms = await runKernelOn('cpu', FusedConv2D, { x: { shape: c.x, values: x.map(Math.abs) }, filter: { shape: c.filter, values: folded.map(Math.abs) } }, absAttrs);
    let worst = -Infinity;
    for (let k = 0; k < expected.values.length; k++) {
      const d = Math.abs(actual.values[k]! - expected.values[k]!);
      worst = Math.max(worst, d - (1e-4 + 1e-4 * Math.abs(expected.values[k]!) + winogradSlack * terms.values[k]!));
    }
    expect(worst).toBeLessThanOrEqual(0);
  }
  expect(tf.memory().numTensors).toBe(numTensors);
}

describe('FpdbFoldedConv2D on wasm (conv with its inference batch norm folded in, filters cached)', () => {
  beforeAll(ensureBackends, 60_000);

  for (const [i, c] of CASES.entries()) {
    const activation = ACTIVATIONS[i % 3]!;
    const withBias = i % 2 === 0;
    it(`matches cpu FusedConv2D on the folded filter (|Δ| ≤ 1e-4 + 1e-4·|y|), ${activation}${withBias ? ', conv bias' : ''}: ${describeCase(c)}`, () => checkFolded(c, i, activation, withBias));
  }
});

// Winograd F(4×4, 3×3) (3×3, stride 1, 'same', ci % 4 == 0, co % 8 == 0): every such shape forced onto it
// (the models use it from 32 channels), odd and even H and W (partial 4×4 tiles), batch 1 and 4, 4 … 512
// channels. Its rounding scales with S = Σ|x|·|w|, not |y| (the transforms' terms cancel): |Δ| ≤ 1e-4 +
// 1e-4·|y| + 5e-6·S (about 40 ulp of S; these cases reach 2.1e-6·S, F(2×2, 3×3) reached 2.5e-7·S).
const WINOGRAD_SLACK = 5e-6;
const WINOGRAD_CASES: ConvCase[] = [
  { x: [1, 1, 1, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'same' },
  { x: [1, 2, 3, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'same' },
  { x: [4, 5, 6, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'same' },
  { x: [1, 7, 7, 12], filter: [3, 3, 12, 24], strides: [1, 1], pad: 1 },
  { x: [4, 8, 9, 64], filter: [3, 3, 64, 64], strides: [1, 1], pad: 'same' },
  { x: [1, 14, 14, 128], filter: [3, 3, 128, 128], strides: [1, 1], pad: 'same' },
  { x: [1, 7, 7, 256], filter: [3, 3, 256, 256], strides: [1, 1], pad: 'same' },
  { x: [4, 3, 4, 256], filter: [3, 3, 256, 64], strides: [1, 1], pad: 'same' },
  { x: [1, 16, 17, 32], filter: [3, 3, 32, 128], strides: [1, 1], pad: 'same' },
  { x: [1, 7, 7, 512], filter: [3, 3, 512, 64], strides: [1, 1], pad: 'same' },
  { x: [4, 10, 11, 36], filter: [3, 3, 36, 40], strides: [1, 1], pad: 'same' },
];

describe('FpdbFoldedConv2D on wasm, Winograd F(4×4, 3×3) path', () => {
  let previous = 32;
  beforeAll(async () => {
    await ensureBackends();
    previous = setWinogradMinChannels(1);
  }, 60_000);
  afterAll(() => {
    setWinogradMinChannels(previous);
  });

  for (const [i, c] of WINOGRAD_CASES.entries()) {
    const activation = ACTIVATIONS[i % 3]!;
    const withBias = i % 2 === 1;
    it(`matches cpu FusedConv2D on the folded filter (|Δ| ≤ 1e-4 + 1e-4·|y|), ${activation}${withBias ? ', conv bias' : ''}: ${describeCase(c)}`, () =>
      checkFolded(c, 100 + i, activation, withBias, WINOGRAD_SLACK));
  }
});

describe('a filter cached for Winograd, then run on the direct kernel', () => {
  beforeAll(ensureBackends, 60_000);

  it('re-folds the packed filter it freed, and both paths agree (|Δ| ≤ 1e-4 + 1e-4·|y| + 5e-6·S)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues(2 * 9 * 10 * 32, 41), [2, 9, 10, 32]);
    const filter = tf.tensor(randomValues(9 * 32 * 40, 42), [3, 3, 32, 40]);
    const ones = tf.ones([40]);
    const zeros = tf.zeros([40]);
    const run = (): Float32Array => {
      const y = tf
        .engine()
        .runKernel(FOLDED_CONV2D, { x, filter, gamma: ones, beta: zeros, movingMean: zeros, movingVariance: ones }, { strides: 1, pad: 'same', activation: 'linear', epsilon: 0 }) as tf.Tensor;
      const values = y.dataSync() as Float32Array;
      y.dispose();
      return values;
    };
    const previous = setWinogradMinChannels(1);
    const winograd = run();
    setWinogradMinChannels(1e9);
    const direct = run();
    setWinogradMinChannels(1);
    const again = run();
    setWinogradMinChannels(previous);
    const terms = tf.tidy(() => tf.conv2d(tf.abs(x) as tf.Tensor4D, tf.abs(filter) as tf.Tensor4D, 1, 'same').dataSync());
    direct.forEach((v, k) => expect(Math.abs(winograd[k]! - v)).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(v) + WINOGRAD_SLACK * terms[k]!));
    expect(again).toEqual(winograd);
    tf.dispose([x, filter, ones, zeros]);
  });
});

describe('ResNet-18 inference with its 3×3 stride-1 convs on Winograd F(4×4, 3×3)', () => {
  beforeAll(ensureBackends, 60_000);

  it('gives the logits of the plain path (|Δ| ≤ 1e-4 + 1e-3·|y|); the transformed filters go with the model', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const before = cachedWinogradFilters(backend);
    const model = createModel(presetConfig('resnet18', { numClasses: 6, inputSize: 64 }), { seed: 4 });
    for (const [key, v] of model.variables) {
      if (key.endsWith('.movingMean')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', key.length));
      if (key.endsWith('.movingVariance')) v.assign(tf.randomUniform(v.shape, 0.5, 2, 'float32', key.length));
    }
    // Batch 1 and 4 (odd 9×9 maps after the stem at 72²: partial tiles on the right and bottom).
    for (const [b, size] of [
      [1, 64],
      [4, 72],
    ] as const) {
      const x = tf.randomNormal([b, size, size, 1], 0, 1, 'float32', 6 + b) as tf.Tensor4D;
      const numTensors = tf.memory().numTensors;
      const fast = model.apply(x);
      const plain = model.apply(x, { hook: () => undefined });
      const a = fast.dataSync();
      plain.dataSync().forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(v)));
      tf.dispose([fast, plain, x]);
      expect(tf.memory().numTensors).toBe(numTensors - 1);
    }
    // Every 3×3 stride-1 conv from 64 channels: 4 in layer1, 3 in each later stage.
    expect(cachedWinogradFilters(backend) - before).toBe(13);
    model.dispose();
    expect(cachedWinogradFilters(backend)).toBe(before);
  });
});
