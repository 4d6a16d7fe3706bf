// The data-parallel training worker: its own tfjs backend, the same model, gradients of its shard.
import * as tf from '@tensorflow/tfjs-core';
import { serveWorker } from '@fpdb/internal/worker';
import { setupBackend } from '../../backend/setup-backend.js';
import { createModel, type Model } from '../../model/create-model.js';
import { shardGradients, trainedNames } from '../internal/shard-gradients.js';
import type { StepRequest, StepResult, WorkerInit } from './protocol.js';

interface WorkerState {
  init: WorkerInit;
  model: Model;
  shared: Float32Array;
  layout: { name: string; offset: number; size: number }[];
  stateSpecs: Model['specs'];
}

serveWorker<StepRequest, StepResult, WorkerState>({
  setup: async (workerData) => {
    const init = workerData as WorkerInit;
    await setupBackend({ backend: init.backend });
    const model = createModel(init.config);
    const layout: WorkerState['layout'] = [];
    let offset = 0;
    for (const spec of model.specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      layout.push({ name: spec.name, offset, size });
      offset += size;
    }
    return { init, model, shared: new Float32Array(init.weights), layout, stateSpecs: model.specs.filter((s) => !s.trainable) };
  },
  handle: ({ images: imageData, shape, targets: targetData, sampleWeights: weightData, normalizer, seed, headOnly }, { init, model, shared, layout, stateSpecs }) => {
    // Copy out of the shared buffer: backends may keep the array they are given.
    model.setWeights(new Map(layout.map((l) => [l.name, shared.slice(l.offset, l.offset + l.size)])));
    const k = init.config.numClasses;
    const b = shape[0];
    const images = tf.tensor4d(imageData, shape, 'float32');
    const targets = tf.tensor2d(targetData, [b, k], 'float32');
    const sampleWeights = weightData ? tf.tensor1d(weightData, 'float32') : undefined;
    const result = shardGradients(model, {
      images,
      targets,
      ...(sampleWeights ? { sampleWeights } : {}),
      normalizer,
      seed,
      ...(headOnly ? { headOnly } : {}),
    });
    tf.dispose([images, targets, ...(sampleWeights ? [sampleWeights] : [])]);
    const names = trainedNames(model, headOnly ?? undefined);
    const total = names.reduce((n, name) => n + result.grads.get(name)!.size, 0);
    const grads = new Float32Array(total);
    let at = 0;
    for (const name of names) {
      const g = result.grads.get(name)!;
      grads.set(g.dataSync() as Float32Array, at);
      at += g.size;
    }
    const state = new Float32Array(stateSpecs.reduce((n, s) => n + s.shape.reduce((a, c) => a * c, 1), 0));
    at = 0;
    for (const spec of stateSpecs) {
      // A frozen batch norm has no update: it keeps its current statistics.
      const t = result.stateUpdates.get(spec.name) ?? model.variables.get(spec.name)!;
      const size = spec.shape.reduce((a, c) => a * c, 1);
      state.set(t.dataSync() as Float32Array, at);
      at += size;
    }
    tf.dispose([...result.grads.values(), ...result.stateUpdates.values()]);
    return { grads, state, lossSum: result.lossSum, predictions: result.predictions };
  },
  transfer: (r) => [r.grads.buffer as ArrayBuffer, r.state.buffer as ArrayBuffer, r.predictions.buffer as ArrayBuffer],
  close: ({ model }) => model.dispose(),
});
