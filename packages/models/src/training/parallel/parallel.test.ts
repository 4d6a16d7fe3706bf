import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/test-backend.js';
import { toyData } from '../../../test/toy-data.js';
import { createModel, type Model } from '../../model/create-model.js';
import type { ModelConfig } from '../../architectures/config.js';
import { localEngine, type EngineBatch, type GradientEngine } from '../internal/gradient-engine.js';
import { train, type StepLog } from '../train.js';
import { createOptimizer } from '../optimizer.js';
import { parallelEngine } from './parallel-engine.js';

// Workers load the built dist/parallel-worker.js (turbo builds before testing).
let data: { images: tf.Tensor4D; labels: Int32Array };

beforeAll(async () => {
  await useWasmBackend();
  data = toyData(20, 3, 12, 4);
});
afterAll(() => data.images.dispose());

async function run(
  config: ModelConfig,
  workers: number | undefined,
  backend: 'cpu' | 'wasm' = 'wasm',
  extra: Partial<Parameters<typeof train>[0]> = {},
): Promise<{ weights: Float32Array; losses: number[]; model: Model; steps: StepLog[] }> {
  const model = createModel(config, { seed: 7 });
  const steps: StepLog[] = [];
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
    onStepEnd: (log) => void steps.push(log),
    ...extra,
  });
  const weights = Float32Array.from([...model.getWeights().values()].flatMap((v) => Array.from(v)));
  return { weights, losses: result.history.map((h) => h.loss), model, steps };
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

describe('reduction in shared memory', () => {
  const CNN: ModelConfig = { architecture: 'reference-cnn', numClasses: 3, inputSize: 12, widths: [4, 6] };

  it('1, 2 and 3 workers give the result of this thread (SGD with momentum, weight decay, class weights)', async () => {
    const local = await run(CNN, undefined);
    const runs = [await run(CNN, 1), await run(CNN, 2), await run(CNN, 3)];
    // Measured here: 0 for one worker (same kernels, same float32 operations in the same order), 6e-8
    // for 2 and 3 (the shard sum's order: batches of 10 split 5/5 and 3/4/3).
    expect(maxAbsDiff(runs[0]!.weights, local.weights)).toBe(0);
    for (const r of runs.slice(1)) {
      expect(maxAbsDiff(r.weights, local.weights)).toBeLessThan(1e-5);
      r.losses.forEach((l, i) => expect(l).toBeCloseTo(local.losses[i]!, 4));
    }
    // Every step reports each worker's phases.
    expect(runs[2]!.steps.map((s) => s.timeline?.workers.length)).toEqual([3, 3, 3, 3]);
    expect(runs[2]!.steps.every((s) => s.timeline!.mainMs >= 0 && s.timeline!.workers.every((w) => w.computeMs > 0 && w.waitMs >= 0))).toBe(true);
    expect(local.steps.every((s) => s.timeline === undefined)).toBe(true);
    [local, ...runs].forEach((r) => r.model.dispose());
  }, 120_000);

  it('Adam with clipNorm matches this thread; a batch-norm model is reproducible run to run over 3 workers', async () => {
    const adam = { optimizer: 'adam' as const, learningRate: 0.01, clipNorm: 0.05 };
    const local = await run(CNN, undefined, 'wasm', adam);
    const one = await run(CNN, 1, 'wasm', adam);
    const three = await run(CNN, 3, 'wasm', adam);
    // The norm is summed in float64 over the workers (float32 in tfjs here): the clip factor may differ in
    // its last bit. Measured: 1.5e-8 (one worker), 6e-8 (three).
    expect(maxAbsDiff(one.weights, local.weights)).toBeLessThan(1e-6);
    expect(maxAbsDiff(three.weights, local.weights)).toBeLessThan(1e-5);
    const bn: ModelConfig = { ...CNN, batchNorm: true };
    const [a, b] = [await run(bn, 3, 'wasm', adam), await run(bn, 3, 'wasm', adam)];
    expect(maxAbsDiff(a.weights, b.weights)).toBe(0);
    expect(a.losses).toEqual(b.losses);
    [local, one, three, a, b].forEach((r) => r.model.dispose());
  }, 120_000);

  it('a run over workers stopped after an epoch and resumed from its checkpoint ends where an uninterrupted one does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fpdb-parallel-'));
    const options = { optimizer: 'adam' as const, learningRate: 0.01, epochs: 3 };
    const straight = await run(CNN, 2, 'wasm', { ...options, checkpointDir: join(dir, 'straight') });
    // The checkpoint after epoch 1 holds the weights and Adam state the workers kept in shared memory.
    const first = await run(CNN, 2, 'wasm', { ...options, epochs: 1, checkpointDir: join(dir, 'resumed') });
    const model = createModel(CNN, { seed: 1 });
    await train({
      model,
      train: { images: data.images, labels: data.labels, batchSize: 10, seed: 1 },
      workers: 2,
      workerBackend: 'wasm',
      weightDecay: 1e-3,
      classWeights: [1, 2, 0.5],
      labelSmoothing: 0.1,
      ...options,
      checkpointDir: join(dir, 'resumed'),
      resume: true,
    });
    const resumed = Float32Array.from([...model.getWeights().values()].flatMap((v) => Array.from(v)));
    expect(maxAbsDiff(resumed, straight.weights)).toBe(0);
    [straight.model, first.model, model].forEach((m) => m.dispose());
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  const batchOf = (n: number): EngineBatch => {
    const labels = data.labels.slice(0, n);
    return {
      images: tf.slice(data.images, 0, n),
      targets: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32')) as tf.Tensor2D,
      seed: 3,
    };
  };

  it('brings the model and the optimizer state up to date at sync (weights, slots, step count)', async () => {
    const steps = async (engine: GradientEngine): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        const batch = batchOf(10);
        const outcome = await engine.step(batch, { learningRate: 0.01, weightDecay: 1e-3 });
        expect(outcome.applied).toBe(true);
        tf.dispose([batch.images, batch.targets]);
      }
      engine.sync();
      await engine.close();
    };
    const [m1, m2] = [createModel(CNN, { seed: 7 }), createModel(CNN, { seed: 7 })];
    const [o1, o2] = [createOptimizer('adam'), createOptimizer('adam')];
    await steps(localEngine(m1, o1));
    await steps(await parallelEngine(m2, o2, { workers: 2, backend: 'wasm' }));
    const [s1, s2] = [o1.getState(), o2.getState()];
    expect(s2.step).toBe(3);
    expect([...s2.slots.keys()].sort()).toEqual([...s1.slots.keys()].sort());
    for (const [key, values] of s1.slots) expect(maxAbsDiff(s2.slots.get(key)!, values)).toBeLessThan(1e-6);
    for (const [name, values] of m1.getWeights()) expect(maxAbsDiff(m2.getWeights().get(name)!, values)).toBeLessThan(1e-6);
    [o1, o2].forEach((o) => o.dispose());
    [m1, m2].forEach((m) => m.dispose());
  }, 60_000);

  it.each([
    { at: 'reduce' as const, kind: 'throw' as const, message: /^The training worker \d of 3 failed: injected failure of rank 1 at reduce\.$/ },
    { at: 'gradients' as const, kind: 'exit' as const, message: /^The training worker \d of 3 exited unexpectedly \(code 3\); its requests were not answered\. Pass workers: 0/ },
  ])(
    'a worker that fails mid-step ($kind at $at) ends the step with FPDB_WORKER, and no worker waits forever at a barrier',
    async ({ at, kind, message }) => {
      const model = createModel(CNN, { seed: 7 });
      const optimizer = createOptimizer('adam');
      const before = model.getWeights();
      const engine = await parallelEngine(model, optimizer, { workers: 3, backend: 'wasm', fault: { rank: 1, at, kind } });
      const batch = batchOf(9);
      const error = await engine.step(batch, { learningRate: 0.01, weightDecay: 0 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'FpdbError', code: 'FPDB_WORKER', message: expect.stringMatching(message) });
      // The step failed before any update: the model keeps its weights, and the pool ends.
      engine.sync();
      for (const [name, values] of before) expect(maxAbsDiff(model.getWeights().get(name)!, values)).toBe(0);
      await engine.close();
      tf.dispose([batch.images, batch.targets]);
      optimizer.dispose();
      model.dispose();
    },
    30_000,
  );
});
