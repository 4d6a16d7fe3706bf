// The data-parallel training worker: its own tfjs backend, the same model, gradients of its shard.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '../../backend/setup-backend.js';
import { createModel } from '../../model/create-model.js';
import { shardGradients } from '../internal/shard-gradients.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function fail(id: number | null, error: unknown): void {
  const e = error as { message?: string; code?: string; stack?: string };
  post({ type: 'error', id, message: String(e?.message ?? error), code: typeof e?.code === 'string' ? e.code : null, stack: e?.stack ?? null });
}

async function main(): Promise<void> {
  const setup = await setupBackend({ backend: init.backend });
  const model = createModel(init.config);
  const shared = new Float32Array(init.weights);
  const layout: { name: string; offset: number; size: number }[] = [];
  let offset = 0;
  for (const spec of model.specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    layout.push({ name: spec.name, offset, size });
    offset += size;
  }
  const stateSpecs = model.specs.filter((s) => !s.trainable);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      model.dispose();
      port.close();
      return;
    }
    try {
      // Copy out of the shared buffer: backends may keep the array they are given.
      model.setWeights(new Map(layout.map((l) => [l.name, shared.slice(l.offset, l.offset + l.size)])));
      const k = init.config.numClasses;
      const b = message.shape[0];
      const images = tf.tensor4d(message.images, message.shape, 'float32');
      const targets = tf.tensor2d(message.targets, [b, k], 'float32');
      const sampleWeights = message.sampleWeights ? tf.tensor1d(message.sampleWeights, 'float32') : undefined;
      const result = shardGradients(model, {
        images,
        targets,
        ...(sampleWeights ? { sampleWeights } : {}),
        normalizer: message.normalizer,
        seed: message.seed,
      });
      tf.dispose([images, targets, ...(sampleWeights ? [sampleWeights] : [])]);
      const total = model.trainableNames.reduce((n, name) => n + result.grads.get(name)!.size, 0);
      const grads = new Float32Array(total);
      let at = 0;
      for (const name of model.trainableNames) {
        const g = result.grads.get(name)!;
        grads.set(g.dataSync() as Float32Array, at);
        at += g.size;
      }
      const state = new Float32Array(stateSpecs.reduce((n, s) => n + s.shape.reduce((a, c) => a * c, 1), 0));
      at = 0;
      for (const spec of stateSpecs) {
        const t = result.stateUpdates.get(spec.name);
        const size = spec.shape.reduce((a, c) => a * c, 1);
        if (t) state.set(t.dataSync() as Float32Array, at);
        at += size;
      }
      tf.dispose([...result.grads.values(), ...result.stateUpdates.values()]);
      post({ type: 'result', id: message.id, grads, state, lossSum: result.lossSum, predictions: result.predictions }, [
        grads.buffer as ArrayBuffer,
        state.buffer as ArrayBuffer,
        result.predictions.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      fail(message.id, error);
    }
  });
  post({ type: 'ready', backend: setup.backend });
}

main().catch((error: unknown) => fail(null, error));
