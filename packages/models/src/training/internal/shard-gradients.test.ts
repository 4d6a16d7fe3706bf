import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../../test/test-backend.js';
import { createModel, type Model } from '../../model/create-model.js';
import { shardGradients, type ShardInput, type ShardResult } from './shard-gradients.js';

const N = 6;
const K = 3;

function input(): ShardInput {
  return tf.tidy(() => ({
    images: tf.sin(tf.reshape(tf.range(0, N * 12 * 12), [N, 12, 12, 1])) as tf.Tensor4D,
    targets: tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), K), 'float32') as tf.Tensor2D,
    sampleWeights: tf.tensor1d([1, 2, 1, 0.5, 1, 3]),
    normalizer: N,
    seed: 5,
  }));
}

async function values(map: Map<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  return new Map(await Promise.all([...map].map(async ([name, t]) => [name, (await t.data()) as Float32Array] as const)));
}

function dispose(result: ShardResult): void {
  tf.dispose([...result.grads.values(), ...result.stateUpdates.values()]);
}

function expectClose(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, want] of expected) {
    const got = actual.get(name)!;
    want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(w)));
  }
}

describe('shardGradients in micro-batches (a shard larger than the wasm heap allows)', () => {
  beforeAll(useCpuBackend);

  it('gives the full pass’s loss, predictions and gradients for a network without batch norm', async () => {
    const model: Model = createModel({ architecture: 'reference-cnn', numClasses: K, inputSize: [12, 12], widths: [4, 4] }, { seed: 1 });
    const x = input();
    const whole = shardGradients(model, x, N);
    const parts = shardGradients(model, x, 4);
    expect(parts.lossSum).toBeCloseTo(whole.lossSum, 4);
    expect(parts.predictions).toEqual(whole.predictions);
    expectClose(await values(parts.grads), await values(whole.grads));
    [whole, parts].forEach(dispose);
    tf.dispose([x.images, x.targets, x.sampleWeights!]);
    model.dispose();
  });

  it('with batch norm, gives what two workers give: summed gradients, size-weighted moving statistics', async () => {
    const model: Model = createModel({ architecture: 'reference-cnn', numClasses: K, inputSize: [12, 12], widths: [4, 4], batchNorm: true }, { seed: 2 });
    const x = input();
    const tensors = tf.memory().numTensors;
    const parts = shardGradients(model, x, 3);
    expect(tf.memory().numTensors - tensors, 'only the results are left').toBe(parts.grads.size + parts.stateUpdates.size);
    // Two shards of 3, each differentiated whole with the same normaliser (as two workers do).
    const halves = [0, 3].map((start, part) =>
      shardGradients(model, { ...x, images: tf.slice(x.images, start, 3), targets: tf.slice(x.targets, start, 3), sampleWeights: tf.slice(x.sampleWeights!, start, 3), seed: x.seed * 31 + part }, 3),
    );
    const grads = new Map([...halves[0]!.grads.keys()].map((name) => [name, tf.add(halves[0]!.grads.get(name)!, halves[1]!.grads.get(name)!)]));
    const stats = new Map([...halves[0]!.stateUpdates.keys()].map((name) => [name, tf.div(tf.add(halves[0]!.stateUpdates.get(name)!, halves[1]!.stateUpdates.get(name)!), 2)]));
    expect(parts.stateUpdates.size).toBeGreaterThan(0);
    expectClose(await values(parts.grads), await values(grads));
    expectClose(await values(parts.stateUpdates), await values(stats));
    expect(parts.lossSum).toBeCloseTo(halves[0]!.lossSum + halves[1]!.lossSum, 4);
    dispose(parts);
    halves.forEach(dispose);
    tf.dispose([...grads.values(), ...stats.values(), x.images, x.targets, x.sampleWeights!]);
    model.dispose();
  });
});
