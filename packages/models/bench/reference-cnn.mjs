// The reference CNN, defined locally so the benchmark does not depend on the architecture
// API: input 128×128×1; four blocks of conv 3×3 'same' (16, 32, 64, 64) + bias + ReLU (one fused
// conv2d, as @fpdb/models builds it) + max-pool 2×2; global average pool; dense to 6 classes.
import * as tf from '@tensorflow/tfjs-core';

export const WIDTHS = [16, 32, 64, 64];
export const CLASSES = 6;

/** Deterministic parameters (He-normal kernels, zero biases), the same in every worker. */
export function createParams(seed = 1) {
  const params = {};
  let cin = 1;
  WIDTHS.forEach((cout, i) => {
    params[`conv${i}.kernel`] = tf.variable(tf.randomNormal([3, 3, cin, cout], 0, Math.sqrt(2 / (9 * cin)), 'float32', seed + i), true, `conv${i}.kernel`);
    params[`conv${i}.bias`] = tf.variable(tf.zeros([cout]), true, `conv${i}.bias`);
    cin = cout;
  });
  params['dense.kernel'] = tf.variable(tf.randomNormal([cin, CLASSES], 0, Math.sqrt(1 / cin), 'float32', seed + 10), true, 'dense.kernel');
  params['dense.bias'] = tf.variable(tf.zeros([CLASSES]), true, 'dense.bias');
  return params;
}

export function forward(params, x) {
  let y = x;
  WIDTHS.forEach((_, i) => {
    y = tf.fused.conv2d({ x: y, filter: params[`conv${i}.kernel`], strides: 1, pad: 'same', bias: params[`conv${i}.bias`], activation: 'relu' });
    y = tf.maxPool(y, 2, 2, 'valid');
  });
  y = tf.mean(y, [1, 2]);
  return tf.fused.matMul({ a: y, b: params['dense.kernel'], bias: params['dense.bias'] });
}

export function loss(params, x, labels) {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, CLASSES), forward(params, x));
}

/** A synthetic batch: N(0,1) images [n, size, size, 1] and labels in [0, 6), from a seed. */
export function syntheticBatch(n, size, seed) {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, size, size, 1], 0, 1, 'float32', seed);
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([n], 0, 1, 'float32', seed + 1), CLASSES - 1e-3)), 'int32');
    return { x, labels };
  });
}
