import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, rocAuc } from './index.js';
import { readPredictions, readPredictionsSync, tensorToLabels } from './tfjs.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('@fpdb/metrics/tfjs', () => {
  const probs = [
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.2, 0.6],
    [0.5, 0.4, 0.1],
  ];
  it('reads index labels and probabilities without leaking tensors', async () => {
    const y = tf.tensor1d([0, 1, 2, 1], 'int32');
    const p = tf.tensor2d(probs);
    const before = tf.memory().numTensors;
    const r = await readPredictions(y, p);
    const s = readPredictionsSync(y, p);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(r.yTrue)).toEqual([0, 1, 2, 1]);
    expect(r.numClasses).toBe(3);
    expect(r.yProb).toEqual(s.yProb);
    expect(rocAuc(r.yTrue, r.yProb, { numClasses: r.numClasses })).toBeCloseTo(rocAuc([0, 1, 2, 1], probs), 6);
    tf.dispose([y, p]);
  });
  it('reads one-hot labels as indices and probabilities as arg-max predictions', () => {
    const y = tf.oneHot(tf.tensor1d([2, 0, 1, 1], 'int32'), 3);
    const p = tf.tensor2d(probs);
    const before = tf.memory().numTensors;
    const { yTrue } = readPredictionsSync(y, p);
    const yPred = tensorToLabels(p);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(yTrue)).toEqual([2, 0, 1, 1]);
    expect(Array.from(yPred)).toEqual([0, 1, 2, 0]);
    expect(accuracy(yTrue, yPred)).toBe(0);
    expect(accuracy(yTrue, [2, 0, 1, 0])).toBe(0.75);
    tf.dispose([y, p]);
  });
  it('checks ranks and row counts', () => {
    const y = tf.tensor1d([0, 1], 'int32');
    const p = tf.tensor2d(probs);
    const p1 = tf.tensor1d([0.5, 0.5]);
    expect(() => readPredictionsSync(y, p)).toThrow(/yTrue has 2 rows but yProb has 4/);
    expect(() => readPredictionsSync(y, p1)).toThrow(/expected \[n, K\]/);
    expect(() => tensorToLabels(tf.zeros([1, 1, 1]))).toThrow(/shape \[1, 1, 1\]/);
    tf.disposeVariables();
    tf.dispose([y, p, p1]);
  });
});
