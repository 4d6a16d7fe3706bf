import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import { createWorkerPool, workerScriptExists } from '@fpdb/internal/worker-pool';
import type { BackendChoice } from '../../backend/setup-backend.js';
import type { Model } from '../../model/create-model.js';
import type { GradientEngine } from '../internal/gradient-engine.js';
import { trainedNames, type ShardResult } from '../internal/shard-gradients.js';
import type { StepRequest, StepResult, WorkerInit } from './protocol.js';

/** Options of {@link parallelEngine}. */
export interface ParallelOptions {
  workers: number;
  backend: BackendChoice;
  /** The built worker script (default: `parallel-worker.js` next to the package's dist/index.js). */
  workerUrl?: URL;
}

/** The built worker next to this bundle (dist/), or the package's dist/ when running from source (tests). */
export function resolveWorkerUrl(): URL {
  const candidates = [new URL('./parallel-worker.js', import.meta.url), new URL('../../../dist/parallel-worker.js', import.meta.url)];
  const found = candidates.find(workerScriptExists);
  if (!found) {
    throw new FpdbError(
      'FPDB_WORKER',
      `The training worker script parallel-worker.js was not found (looked at ${candidates.map((u) => u.pathname).join(', ')}). Build @fpdb/models first (pnpm build), or pass workers: 0 to train on this thread.`,
    );
  }
  return found;
}

/**
 * Data-parallel gradients: each step splits the batch into `workers` contiguous shards, each worker
 * (own thread, own backend, same model) differentiates Σ wᵢ CEᵢ / B over its shard, and the main
 * thread sums the shard gradients — the gradient of the whole batch. Batch-norm statistics are the
 * shard-size-weighted mean of the shards' (ghost batch norm). Weights reach the workers through one
 * SharedArrayBuffer written before every step.
 * @throws FpdbError FPDB_WORKER when a worker cannot start (its setup error is the cause) or dies:
 * every worker is then stopped and the step in flight rejected; pass workers: 0 to train on this thread.
 */
export async function parallelEngine(model: Model, options: ParallelOptions): Promise<GradientEngine> {
  const url = options.workerUrl ?? resolveWorkerUrl();
  const sizes = model.specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const shared = new Float32Array(new SharedArrayBuffer(total * 4));
  const init: WorkerInit = { config: model.config, backend: options.backend, weights: shared.buffer as SharedArrayBuffer };
  const pool = createWorkerPool<StepRequest, StepResult>({
    url,
    size: options.workers,
    name: 'training',
    remedy: 'Pass workers: 0 to train on this thread.',
    packageName: '@fpdb/models',
    workerData: init,
  });
  try {
    await pool.ready();
  } catch (e) {
    await pool.close();
    throw e;
  }
  const trainable = model.specs.filter((s) => s.trainable);
  const stateSpecs = model.specs.filter((s) => !s.trainable);

  return {
    async compute(batch): Promise<ShardResult> {
      // Broadcast the current weights.
      let at = 0;
      model.specs.forEach((spec, i) => {
        shared.set(model.variables.get(spec.name)!.dataSync() as Float32Array, at);
        at += sizes[i]!;
      });
      const [b, h, w] = batch.images.shape;
      const k = model.config.numClasses;
      const images = batch.images.dataSync() as Float32Array;
      const targets = batch.targets.dataSync() as Float32Array;
      const weights = batch.sampleWeights ? (batch.sampleWeights.dataSync() as Float32Array) : null;
      const shards = Math.min(pool.size, b);
      const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * b) / shards));
      const results = await Promise.all(
        Array.from({ length: shards }, (_, s) => {
          const lo = bounds[s]!;
          const hi = bounds[s + 1]!;
          const msg: StepRequest = {
            images: images.slice(lo * h * w, hi * h * w),
            shape: [hi - lo, h, w, 1],
            targets: targets.slice(lo * k, hi * k),
            sampleWeights: weights ? weights.slice(lo, hi) : null,
            normalizer: b,
            seed: batch.seed * 31 + s,
            headOnly: batch.headOnly ? [...batch.headOnly] : null,
          };
          return pool.request(msg, { transfer: [msg.images.buffer as ArrayBuffer, msg.targets.buffer as ArrayBuffer] });
        }),
      );
      // Sum the shard gradients (in shard order, so the result is deterministic).
      const sum = results[0]!.grads;
      for (const r of results.slice(1)) for (let i = 0; i < sum.length; i++) sum[i]! += r.grads[i]!;
      const grads = new Map<string, tf.Tensor>();
      const trained = new Set(trainedNames(model, batch.headOnly));
      at = 0;
      for (const spec of trainable.filter((s) => trained.has(s.name))) {
        const size = spec.shape.reduce((a, c) => a * c, 1);
        grads.set(spec.name, tf.tensor(sum.subarray(at, at + size), spec.shape, 'float32'));
        at += size;
      }
      const stateUpdates = new Map<string, tf.Tensor>();
      if (stateSpecs.length > 0) {
        const mean = new Float32Array(results[0]!.state.length);
        results.forEach((r, s) => {
          const share = (bounds[s + 1]! - bounds[s]!) / b;
          for (let i = 0; i < mean.length; i++) mean[i]! += share * r.state[i]!;
        });
        at = 0;
        for (const spec of stateSpecs) {
          const size = spec.shape.reduce((a, c) => a * c, 1);
          stateUpdates.set(spec.name, tf.tensor(mean.slice(at, at + size), spec.shape, 'float32'));
          at += size;
        }
      }
      const predictions = new Int32Array(b);
      results.forEach((r, s) => predictions.set(r.predictions, bounds[s]!));
      return { grads, stateUpdates, lossSum: results.reduce((n, r) => n + r.lossSum, 0), predictions };
    },
    close(): Promise<void> {
      return pool.close();
    },
  };
}
