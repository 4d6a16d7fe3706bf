// The data-parallel training worker: its own tfjs backend and copy of the model. Per step: the weights
// in from shared memory, the gradients of its shard out to its own shared region, a barrier, the sum
// of its slice of every region (reduce-scatter), a barrier, the optimizer update of its slice of the
// shared weights. The main thread only hands out shards and collects a few numbers.
import * as tf from '@tensorflow/tfjs-core';
import { serveWorker } from '@fpdb/internal/worker';
import { setupBackend } from '../../backend/setup-backend.js';
import { createModel, type Model } from '../../model/create-model.js';
import { shardGradients, trainedNames } from '../internal/shard-gradients.js';
import type { StepRequest, StepResult, WorkerInit } from './protocol.js';
import { abortStep, barrier, flatLayout, isPeerFailure, markApplying, reduceSlice, sliceOf, updateSlice, type LayoutEntry } from './shared-step.js';

interface WorkerState {
  init: WorkerInit;
  model: Model;
  weights: Float32Array;
  grads: Float32Array[];
  slots: Float32Array[];
  touched: Int32Array;
  control: Int32Array;
  partials: Float64Array;
  layout: LayoutEntry[];
  /** Parameter name → its offset in the flat layout. */
  offsets: Map<string, number>;
  total: number;
}

function step(request: StepRequest, state: WorkerState): StepResult {
  const { init, model, weights, grads, slots, touched, control, partials, layout, offsets, total } = state;
  const { rank, shards, shape, normalizer, seed, headOnly, fault } = request;
  const fail = (at: 'gradients' | 'reduce'): void => {
    if (!fault || fault.rank !== rank || fault.at !== at) return;
    if (fault.kind === 'exit') process.exit(3);
    throw new Error(`injected failure of rank ${rank} at ${at}`);
  };
  const t0 = performance.now();
  // Copies out of the shared buffer: backends may keep the array they are given.
  model.setWeights(new Map(layout.map((l) => [l.name, weights.slice(l.offset, l.offset + l.size)])));
  const k = init.config.numClasses;
  // The shard is a view of the main thread's shared memory, rewritten at a later step: the wasm backend
  // copies it into its heap, other backends may keep the array they are given.
  const images = tf.tensor4d(tf.getBackend() === 'wasm' ? request.images : request.images.slice(), shape, 'float32');
  const targets = tf.tensor2d(request.targets, [shape[0], k], 'float32');
  const sampleWeights = request.sampleWeights ? tf.tensor1d(request.sampleWeights, 'float32') : undefined;
  const result = shardGradients(model, {
    images,
    targets,
    ...(sampleWeights ? { sampleWeights } : {}),
    normalizer,
    seed,
    ...(headOnly ? { headOnly } : {}),
  });
  tf.dispose([images, targets, ...(sampleWeights ? [sampleWeights] : [])]);
  const mine = grads[rank]!;
  for (const [name, g] of [...result.grads, ...result.stateUpdates]) mine.set(g.dataSync() as Float32Array, offsets.get(name)!);
  const updatedState = new Set(result.stateUpdates.keys());
  tf.dispose([...result.grads.values(), ...result.stateUpdates.values()]);
  partials[2 * rank] = result.lossSum;
  fail('gradients');
  const t1 = performance.now();
  barrier(control, shards);
  const t2 = performance.now();
  const [lo, hi] = sliceOf(rank, shards, total);
  const trained = new Set(trainedNames(model, headOnly ?? undefined));
  partials[2 * rank + 1] = reduceSlice({ grads, shards, weights, layout, trained, lo, hi, weightDecay: request.weightDecay });
  fail('reduce');
  const t3 = performance.now();
  barrier(control, 2 * shards);
  const t4 = performance.now();
  // Every rank adds the same numbers in the same order: one verdict, one clip factor.
  let lossSum = 0;
  let squares = 0;
  for (let r = 0; r < shards; r++) {
    lossSum += partials[2 * r]!;
    squares += partials[2 * r + 1]!;
  }
  const norm = Math.sqrt(squares);
  const applied = Number.isFinite(lossSum) && Number.isFinite(norm);
  if (applied) {
    markApplying(control);
    const clip = request.clipNorm !== null && norm > request.clipNorm ? request.clipNorm / norm : null;
    updateSlice({ grads, shards, shares: request.shares, weights, slots, touched, layout, trained, updatedState, rates: request.rates, clip, step: request.step, optimizer: init.optimizer, lo, hi });
  }
  const t5 = performance.now();
  return { lossSum: result.lossSum, predictions: result.predictions, norm, applied, timeline: { computeMs: t1 - t0, waitMs: t2 - t1 + (t4 - t3), reduceMs: t3 - t2, updateMs: t5 - t4 } };
}

serveWorker<StepRequest, StepResult, WorkerState>({
  setup: async (workerData) => {
    const init = workerData as WorkerInit;
    await setupBackend({ backend: init.backend });
    const model = createModel(init.config);
    const { entries, total } = flatLayout(model.specs);
    const { shared } = init;
    return {
      init,
      model,
      weights: new Float32Array(shared.weights),
      grads: shared.grads.map((b) => new Float32Array(b)),
      slots: shared.slots.map((b) => new Float32Array(b)),
      touched: new Int32Array(shared.touched),
      control: new Int32Array(shared.control),
      partials: new Float64Array(shared.partials),
      layout: entries,
      offsets: new Map(entries.map((l) => [l.name, l.offset])),
      total,
    };
  },
  handle: (request, state) => {
    try {
      return step(request, state);
    } catch (error) {
      // The others may be waiting for this one at a barrier: let them go.
      if (!isPeerFailure(error)) abortStep(state.control);
      throw error;
    }
  },
  transfer: (r) => [r.predictions.buffer as ArrayBuffer],
  close: ({ model }) => model.dispose(),
});
