import type * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/test-backend.js';
import { toyData } from '../../../test/toy-data.js';
import { createModel, type Model } from '../../model/create-model.js';
import type { ModelConfig } from '../../architectures/config.js';
import { train } from '../train.js';
import { createOptimizer } from '../optimizer.js';
import { parallelEngine } from './parallel-engine.js';

// Workers load the built dist/parallel-worker.js (turbo builds before testing).
let data: { images: tf.Tensor4D; labels: Int32Array };

beforeAll(async () => {
  await useWasmBackend();
  data = toyData(20, 3, 12, 4);
});
afterAll(() => data.images.dispose());

async function run(config: ModelConfig, workers: number | undefined, backend: 'cpu' | 'wasm' = 'wasm'): Promise<{ weights: Float32Array; losses: number[]; model: Model }> {
  const model = createModel(config, { seed: 7 });
  const result = await train({
    model,
    // Batch 10 splits 5/5 over 2 workers; the last batch of 10 too.
    train: { images: data.images, labels: data.labels, batchSize: 10, seed: 1 },
    epochs: 2,
    optimizer: { type: 'sgd', momentum: 0.9 },
    learningRate: 0.05,
    weightDecay: 1e-3,
    classWeights: [1, 2, 0.5],
    labelSmoothing: 0.1,
    ...(workers ? { workers, workerBackend: backend } : {}),
  });
  const weights = Float32Array.from([...model.getWeights().values()].flatMap((v) => Array.from(v)));
  return { weights, losses: result.history.map((h) => h.loss), model };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('data-parallel training over worker threads', () => {
  it('2 workers give the same result as 1 worker and as this thread, on the same batches', async () => {
    const config: ModelConfig = { architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4, 6] };
    const local = await run(config, undefined);
    const one = await run(config, 1);
    const two = await run(config, 2);
    // Measured here: 0 (same kernels, same order) and 1.1e-8.
    expect(maxAbsDiff(one.weights, local.weights)).toBeLessThan(1e-6);
    expect(maxAbsDiff(two.weights, one.weights)).toBeLessThan(1e-5);
    two.losses.forEach((l, i) => expect(l).toBeCloseTo(one.losses[i]!, 4));
    // Training moved the weights (the comparison is not between two untouched models).
    const init = createModel(config, { seed: 7 });
    const start = Float32Array.from([...init.getWeights().values()].flatMap((v) => Array.from(v)));
    expect(maxAbsDiff(start, two.weights)).toBeGreaterThan(1e-3);
    [local, one, two].forEach((r) => r.model.dispose());
    init.dispose();
  });

  it('trains batch-norm models (ghost batch norm: statistics averaged over shards)', async () => {
    const config: ModelConfig = { architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4], batchNorm: true };
    const two = await run(config, 2);
    expect(two.losses.every(Number.isFinite)).toBe(true);
    // Moving statistics were updated from their initial 0 / 1.
    const mean = two.model.variables.get('block1.bn.movingMean')!.dataSync();
    expect(Array.from(mean).some((v) => v !== 0)).toBe(true);
    two.model.dispose();
  });

  it('fails with FPDB_WORKER naming the remedy when a worker cannot start', async () => {
    const broken = join(await mkdtemp(join(tmpdir(), 'fpdb-models-')), 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('cannot load');\n");
    const model = createModel({ architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4] }, { seed: 7 });
    const error = await parallelEngine(model, createOptimizer('adam'), { workers: 2, backend: 'cpu', workerUrl: pathToFileURL(broken) }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'FpdbError',
      code: 'FPDB_WORKER',
      message: expect.stringMatching(/^The training worker \d of 2 could not start \(cannot load\).*Pass workers: 0 to train on this thread\.$/),
    });
    model.dispose();
  });
});
