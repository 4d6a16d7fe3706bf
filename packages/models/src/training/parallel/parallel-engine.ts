import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { FpdbError } from '@fpdb/schema';
import type { Model } from '../../model/create-model.js';
import type { GradientEngine } from '../internal/gradient-engine.js';
import type { ShardResult } from '../internal/shard-gradients.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

/** Options of {@link parallelEngine}. */
export interface ParallelOptions {
  workers: number;
  backend: 'wasm' | 'cpu' | 'auto';
  /** The built worker script (default: `parallel-worker.js` next to the package's dist/index.js). */
  workerUrl?: URL;
}

/** The built worker next to this bundle (dist/), or the package's dist/ when running from source (tests). */
export function resolveWorkerUrl(): URL {
  const candidates = [new URL('./parallel-worker.js', import.meta.url), new URL('../../../dist/parallel-worker.js', import.meta.url)];
  const found = candidates.find((u) => u.protocol === 'file:' && existsSync(fileURLToPath(u)));
  if (!found) {
    throw new FpdbError('FPDB_WORKER', `The training worker script parallel-worker.js was not found (looked at ${candidates.map((u) => u.pathname).join(', ')}). Build @fpdb/models first (pnpm build).`);
  }
  return found;
}

interface Pending {
  resolve: (m: Extract<FromWorker, { type: 'result' }>) => void;
  reject: (e: unknown) => void;
}

function workerError(m: Extract<FromWorker, { type: 'error' }>, index: number): FpdbError {
  return new FpdbError('FPDB_WORKER', `Training worker ${index + 1} failed: ${m.message}`, { details: { value: m.code, stack: m.stack } });
}

/**
 * Data-parallel gradients: each step splits the batch into `workers` contiguous shards, each worker
 * (own thread, own backend, same model) differentiates Σ wᵢ CEᵢ / B over its shard, and the main
 * thread sums the shard gradients — the gradient of the whole batch. Batch-norm statistics are the
 * shard-size-weighted mean of the shards' (ghost batch norm). Weights reach the workers through one
 * SharedArrayBuffer written before every step.
 * @throws FpdbError FPDB_WORKER when a worker cannot start or fails.
 */
export async function parallelEngine(model: Model, options: ParallelOptions): Promise<GradientEngine> {
  const url = options.workerUrl ?? resolveWorkerUrl();
  const sizes = model.specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const shared = new Float32Array(new SharedArrayBuffer(total * 4));
  const init: WorkerInit = { config: model.config, backend: options.backend, weights: shared.buffer as SharedArrayBuffer };
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let broken: FpdbError | undefined;
  const failAll = (e: FpdbError): void => {
    broken ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  try {
    await Promise.all(
      Array.from({ length: options.workers }, (_, index) => {
        const worker = new Worker(url, { workerData: init });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.on('message', (m: FromWorker) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'result') {
              const p = pending.get(m.id);
              pending.delete(m.id);
              p?.resolve(m);
            } else {
              const e = workerError(m, index);
              if (m.id === null) {
                reject(e);
                failAll(e);
              } else {
                const p = pending.get(m.id);
                pending.delete(m.id);
                p?.reject(e);
              }
            }
          });
          worker.on('error', (err) => {
            const e = new FpdbError('FPDB_WORKER', `Training worker ${index + 1} crashed: ${err.message}`, { cause: err });
            reject(e);
            failAll(e);
          });
          worker.on('exit', (code) => {
            if (code !== 0) {
              const e = new FpdbError('FPDB_WORKER', `Training worker ${index + 1} exited with code ${code}.`);
              reject(e);
              failAll(e);
            }
          });
        });
      }),
    );
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const trainable = model.specs.filter((s) => s.trainable);
  const stateSpecs = model.specs.filter((s) => !s.trainable);

  const request = (worker: Worker, message: ToWorker, transfer: ArrayBuffer[]): Promise<Extract<FromWorker, { type: 'result' }>> =>
    new Promise((resolve, reject) => {
      if (broken) return reject(broken);
      if (message.type === 'step') pending.set(message.id, { resolve, reject });
      worker.postMessage(message, transfer);
    });

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
      const shards = Math.min(workers.length, b);
      const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * b) / shards));
      const results = await Promise.all(
        Array.from({ length: shards }, (_, s) => {
          const lo = bounds[s]!;
          const hi = bounds[s + 1]!;
          const msg: ToWorker = {
            type: 'step',
            id: nextId++,
            images: images.slice(lo * h * w, hi * h * w),
            shape: [hi - lo, h, w, 1],
            targets: targets.slice(lo * k, hi * k),
            sampleWeights: weights ? weights.slice(lo, hi) : null,
            normalizer: b,
            seed: batch.seed * 31 + s,
          };
          return request(workers[s]!, msg, [msg.images.buffer as ArrayBuffer, msg.targets.buffer as ArrayBuffer]);
        }),
      );
      // Sum the shard gradients (in shard order, so the result is deterministic).
      const sum = results[0]!.grads;
      for (const r of results.slice(1)) for (let i = 0; i < sum.length; i++) sum[i]! += r.grads[i]!;
      const grads = new Map<string, tf.Tensor>();
      at = 0;
      for (const spec of trainable) {
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
    async close(): Promise<void> {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.postMessage({ type: 'close' } satisfies ToWorker);
              setTimeout(() => void w.terminate(), 5000).unref();
            }),
        ),
      );
    },
  };
}
