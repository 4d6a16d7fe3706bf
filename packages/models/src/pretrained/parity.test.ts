import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../architectures/config.js';
import { createModel } from '../model/create-model.js';
import { useCpuBackend, useWasmBackend } from '../../test/test-backend.js';
import { readWeights } from '../weights/read-weights.js';
import { loadStateDict } from './load-state-dict.js';

// Fixtures from scripts/make-pretrained-fixtures.py: torchvision's own modules at shrunk depths and
// widths (the real parameter names), random weights and batch-norm statistics, eval-mode logits for
// gray inputs repeated on 3 channels.
const FIXTURES = new URL('./fixtures/', import.meta.url);

interface FixtureLogits {
  networks: Record<string, { inputSize: number; numClasses: number; files: Record<string, string[]>; logits: number[][] }>;
}
const REFERENCE = JSON.parse(readFileSync(new URL('logits.json', FIXTURES), 'utf8')) as FixtureLogits;

/** The fpdb config of each shrunk torchvision network (see the script's `networks`). */
const CONFIGS: Record<string, ModelConfig> = {
  resnet18: { architecture: 'resnet', numClasses: 10, inputSize: 64, width: 4, blocks: [2, 2, 2, 2] },
  resnet34: { architecture: 'resnet', numClasses: 10, inputSize: 64, width: 4, blocks: [2, 3, 2, 1] },
  resnet50: { architecture: 'resnet', numClasses: 10, inputSize: 64, width: 4, blocks: [1, 2, 1, 1], block: 'bottleneck' },
  densenet121: { architecture: 'densenet', numClasses: 10, inputSize: 64, growthRate: 4, blocks: [1, 2, 1, 1], bottleneck: 2 },
  densenet169: { architecture: 'densenet', numClasses: 10, inputSize: 48, growthRate: 4, blocks: [2, 1, 2, 1], bottleneck: 2 },
  mobilenetv2_100: {
    architecture: 'mobilenet-v2',
    numClasses: 10,
    inputSize: 64,
    alpha: 0.25,
    stages: [
      [1, 16, 1, 1],
      [6, 24, 2, 2],
      [6, 32, 2, 2],
      [6, 64, 1, 2],
      [6, 96, 1, 1],
      [6, 160, 1, 2],
      [6, 320, 1, 1],
    ],
    lastChannels: 32,
  },
};

/** The script's inputs: x[n, i, j] = sin(0.37 (n+1) i + 0.23 j) + 0.5 cos(0.11 i j / (n+1) + n), as [B, H, W, 1]. */
export function grayInputs(batch: number, size: number): tf.Tensor4D {
  const data = new Float32Array(batch * size * size);
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) data[(n * size + i) * size + j] = Math.sin(0.37 * (n + 1) * i + 0.23 * j) + 0.5 * Math.cos((0.11 * i * j) / (n + 1) + n);
    }
  }
  return tf.tensor4d(data, [batch, size, size, 1]);
}

/** max |a − b| over max |b|. */
function relativeError(actual: ArrayLike<number>, expected: number[][]): number {
  const flat = expected.flat();
  const scale = Math.max(...flat.map(Math.abs));
  return Math.max(...flat.map((v, i) => Math.abs(actual[i]! - v))) / scale;
}

const cases = Object.entries(REFERENCE.networks).flatMap(([network, ref]) => Object.entries(ref.files).flatMap(([layout, files]) => files.map((file) => ({ network, layout, file }))));

describe.each([
  ['cpu', useCpuBackend],
  ['wasm', useWasmBackend],
] as const)('pretrained parity with PyTorch on %s', (_, useBackend) => {
  it.each(cases)('$file ($layout layout): a gray image gives the logits of the RGB network within 1e-4', async ({ network, layout, file }) => {
    await useBackend();
    const ref = REFERENCE.networks[network]!;
    const before = tf.memory().numTensors;
    const model = createModel(CONFIGS[network]!);
    const weights = readWeights(new Uint8Array(readFileSync(new URL(file, FIXTURES))), { name: file });
    const loaded = loadStateDict(model, weights, { keepClassifier: true });
    expect(loaded.layout).toBe(network.startsWith('resnet') || network.startsWith('densenet') ? 'torchvision' : layout);
    expect(loaded.foldedStem).toBe(true);
    expect(loaded.loaded).toEqual(model.specs.map((s) => s.name));
    const x = grayInputs(ref.logits.length, ref.inputSize);
    const logits = model.apply(x);
    expect(logits.shape).toEqual([ref.logits.length, ref.numClasses]);
    expect(relativeError(logits.dataSync(), ref.logits)).toBeLessThan(1e-4);
    tf.dispose([x, logits]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
