import type * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../test/test-backend.js';
import { toyData } from '../../test/toy-data.js';
import { createModel, type Model } from '../model/create-model.js';
import type { ModelConfig } from '../architectures/config.js';
import { planFineTune } from './fine-tune.js';
import { train } from './train.js';

// A small network with batch norm in the backbone and a dense head named `classifier`.
const CONFIG: ModelConfig = { architecture: 'resnet', numClasses: 3, inputSize: 16, width: 4, blocks: [1], stem: 'compact' };
let data: { images: tf.Tensor4D; labels: Int32Array };

beforeAll(async () => {
  await useWasmBackend();
  data = toyData(24, 3, 16, 4);
});
afterAll(() => data.images.dispose());

const snapshot = (model: Model): Map<string, Float32Array> => new Map([...model.getWeights()].map(([k, v]) => [k, v.slice()]));
const changed = (a: Map<string, Float32Array>, b: Map<string, Float32Array>): string[] => [...a.keys()].filter((k) => a.get(k)!.some((v, i) => v !== b.get(k)![i]));

describe('planFineTune', () => {
  it('fills the defaults and refuses a head that is not one', () => {
    const names = ['stem.conv.kernel', 'stem.bn.gamma', 'classifier.kernel', 'classifier.bias'];
    expect(planFineTune({}, names)).toEqual({ head: ['classifier'], freezeEpochs: 0, backboneLearningRateMultiplier: 1 });
    expect(() => planFineTune({ head: ['fc'] }, names)).toThrow(/matches no trainable parameter.*stem\.conv\.kernel/);
    expect(() => planFineTune({ head: ['stem', 'classifier'] }, names)).toThrow(/matches every/);
    expect(() => planFineTune({ freezeEpochs: 1.5 }, names)).toThrow(/freezeEpochs/);
    expect(() => planFineTune({ backboneLearningRateMultiplier: 0 }, names)).toThrow(/Multiplier/);
  });
});

describe.each([undefined, 2])('train with fineTune (workers: %s)', (workers) => {
  it('keeps the backbone and its batch-norm statistics frozen for freezeEpochs, then trains everything', async () => {
    const model = createModel(CONFIG, { seed: 3 });
    const start = snapshot(model);
    const epochs: Map<string, Float32Array>[] = [];
    await train({
      model,
      train: { images: data.images, labels: data.labels, batchSize: 8 },
      epochs: 2,
      learningRate: 1e-2,
      fineTune: { freezeEpochs: 1 },
      ...(workers ? { workers, workerBackend: 'wasm' as const } : {}),
      onEpochEnd: () => void epochs.push(snapshot(model)),
    });
    expect(changed(start, epochs[0]!).sort()).toEqual(['classifier.bias', 'classifier.kernel']);
    const second = changed(epochs[0]!, epochs[1]!);
    expect(second).toContain('stem.conv.kernel');
    expect(second).toContain('stem.bn.movingMean');
    model.dispose();
  }, 120_000);
});

it('trains the backbone at its multiple of the learning rate', async () => {
  const step = async (multiplier: number): Promise<Map<string, Float32Array>> => {
    const model = createModel(CONFIG, { seed: 5 });
    await train({
      model,
      train: { images: data.images, labels: data.labels, batchSize: 24 },
      epochs: 1,
      optimizer: { type: 'sgd', momentum: 0 },
      learningRate: 0.1,
      fineTune: { backboneLearningRateMultiplier: multiplier },
    });
    const after = snapshot(model);
    model.dispose();
    return after;
  };
  const start = snapshot(createModel(CONFIG, { seed: 5 }));
  const [full, tenth] = [await step(1), await step(0.1)];
  const delta = (m: Map<string, Float32Array>, name: string): number[] => Array.from(m.get(name)!, (v, i) => v - start.get(name)![i]!);
  // One SGD step from the same weights on the same batch: the backbone moves a tenth as far, the head as far.
  delta(tenth, 'stem.conv.kernel').forEach((d, i) => expect(d).toBeCloseTo(delta(full, 'stem.conv.kernel')[i]! * 0.1, 6));
  delta(tenth, 'classifier.kernel').forEach((d, i) => expect(d).toBeCloseTo(delta(full, 'classifier.kernel')[i]!, 6));
}, 120_000);
