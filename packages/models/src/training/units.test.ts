import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFpdbError } from '@fpdb/schema';
import { useCpuBackend } from '../../test/test-backend.js';
import { learningRateAt } from './learning-rate.js';
import { smoothTargets, softmaxCrossEntropy } from './loss.js';
import { createOptimizer } from './optimizer.js';
import { arraySource } from './batch.js';

beforeAll(useCpuBackend);

describe('loss', () => {
  it('smooths targets and weights samples; the sum over shards equals the whole batch', () => {
    const before = tf.memory().numTensors;
    const idx = tf.tensor1d([0, 2], 'int32');
    const t = smoothTargets(idx, 3, 0.3);
    idx.dispose();
    expect(Array.from(t.dataSync())).toEqual([0.8, 0.1, 0.1, 0.1, 0.1, 0.8].map((v) => Math.fround(v)));
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 1, 3],
    ]);
    const w = tf.tensor1d([2, 0.5]);
    const wholeT = softmaxCrossEntropy(logits, t, w, 2);
    const whole = wholeT.dataSync()[0]!;
    const lse = (a: number[]): number => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
    const ce0 = -(0.8 * (2 - lse([2, 0, 0])) + 0.1 * (0 - lse([2, 0, 0])) * 2);
    const ce1 = -(0.1 * (0 - lse([0, 1, 3])) + 0.1 * (1 - lse([0, 1, 3])) + 0.8 * (3 - lse([0, 1, 3])));
    expect(whole).toBeCloseTo((2 * ce0 + 0.5 * ce1) / 2, 5);
    const shard = (row: number): number => tf.tidy(() => softmaxCrossEntropy(tf.slice(logits, [row, 0], [1, 3]), tf.slice(t, [row, 0], [1, 3]), tf.slice(w, [row], [1]), 2).dataSync()[0]!);
    expect(shard(0) + shard(1)).toBeCloseTo(whole, 6);
    tf.dispose([t, logits, w]);
    wholeT.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('optimizers', () => {
  it('Adam matches the closed form of its first steps and its state round-trips', () => {
    const v = tf.variable(tf.tensor1d([1, -2]));
    const g = new Map([['w', tf.tensor1d([0.5, -1])]]);
    const vars = new Map([['w', v]]);
    const opt = createOptimizer({ type: 'adam', epsilon: 0 });
    opt.apply(vars, g, 0.1);
    // First Adam step moves every coordinate by lr·sign(g).
    const [a, b] = v.dataSync();
    expect(a).toBeCloseTo(0.9, 6);
    expect(b).toBeCloseTo(-1.9, 6);
    const state = opt.getState();
    const twin = createOptimizer({ type: 'adam', epsilon: 0 });
    twin.setState({ ...state, config: { ...state.config } });
    const v2 = tf.variable(tf.tensor1d(Array.from(v.dataSync())));
    opt.apply(vars, g, 0.1);
    twin.apply(new Map([['w', v2]]), g, 0.1);
    expect(Array.from(v2.dataSync())).toEqual(Array.from(v.dataSync()));
    expect(() => createOptimizer('sgd').setState(state)).toThrow(/adam/);
    tf.dispose([v, v2, ...g.values()]);
    opt.dispose();
    twin.dispose();
  });

  it('SGD with momentum accumulates velocity', () => {
    const v = tf.variable(tf.scalar(1));
    const opt = createOptimizer({ type: 'sgd', momentum: 0.5 });
    const g = new Map([['w', tf.scalar(1)]]);
    opt.apply(new Map([['w', v]]), g, 0.1); // buf 1 → 0.9
    opt.apply(new Map([['w', v]]), g, 0.1); // buf 1.5 → 0.75
    expect(v.dataSync()[0]).toBeCloseTo(0.75, 6);
    tf.dispose([v, ...g.values()]);
    opt.dispose();
  });
});

describe('learning-rate schedules', () => {
  it('cosine, step and warm-up', () => {
    expect(learningRateAt({ base: 1, schedule: 'cosine' }, { epoch: 0, epochs: 4, globalStep: 0 })).toBe(1);
    expect(learningRateAt({ base: 1, schedule: 'cosine' }, { epoch: 2, epochs: 4, globalStep: 0 })).toBeCloseTo(0.5, 12);
    expect(learningRateAt({ base: 1, schedule: 'step', stepEpochs: 2, gamma: 0.5 }, { epoch: 5, epochs: 9, globalStep: 0 })).toBe(0.25);
    expect(learningRateAt({ base: 1, warmupSteps: 4 }, { epoch: 0, epochs: 1, globalStep: 1 })).toBe(0.5);
    expect(learningRateAt(0.01, { epoch: 3, epochs: 4, globalStep: 99 })).toBe(0.01);
    let code: string | undefined;
    try {
      learningRateAt(-1, { epoch: 0, epochs: 1, globalStep: 0 });
    } catch (e) {
      code = isFpdbError(e) ? e.code : undefined;
    }
    expect(code).toBe('FPDB_CONFIG');
  });
});

describe('arraySource', () => {
  it('batches deterministically per epoch and hands over new tensors', async () => {
    const images = tf.tensor4d(
      Float32Array.from({ length: 5 * 4 }, (_, i) => Math.floor(i / 4)),
      [5, 2, 2, 1],
    );
    const source = arraySource({ images, labels: [0, 1, 2, 3, 4], batchSize: 2, seed: 1 });
    const order = (epoch: number): number[] => {
      const out: number[] = [];
      for (const b of source(epoch) as Iterable<{ images: tf.Tensor4D; labels: Int32Array }>) {
        const px = b.images.dataSync();
        b.labels.forEach((l, i) => expect(px[i * 4]).toBe(l));
        out.push(...b.labels);
        b.images.dispose();
      }
      return out;
    };
    expect(order(0)).toEqual(order(0));
    expect(order(0)).not.toEqual(order(1));
    expect([...order(2)].sort()).toEqual([0, 1, 2, 3, 4]);
    images.dispose();
  });
});
