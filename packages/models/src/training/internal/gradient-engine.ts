import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../../model/create-model.js';
import type { Optimizer } from '../optimizer.js';
import type { WorkerTimeline } from '../parallel/protocol.js';
import { shardGradients, type ShardInput } from './shard-gradients.js';

/** A whole batch to differentiate. */
export interface EngineBatch {
  images: tf.Tensor4D;
  /** The values of `images` on the host, when the batch came with them (`Batch.imageData`). */
  imageData?: Float32Array;
  targets: tf.Tensor2D;
  sampleWeights?: tf.Tensor1D;
  seed: number;
  /** Train only the head (prefixes); see {@link ShardInput.headOnly}. */
  headOnly?: readonly string[];
}

/** How a step updates the weights once the batch's gradient is known. */
export interface StepUpdate {
  /** One rate, or one per parameter name (a fine-tuned backbone's lower rate). */
  learningRate: number | ((name: string) => number);
  /** L2 coefficient λ: adds λ·θ to the gradient of every kernel (specs with `decay`). */
  weightDecay: number;
  /** Rescale the gradient when its global L2 norm exceeds this. */
  clipNorm?: number;
}

/** Where a data-parallel step's time went: the main thread's share, and each worker's phases. */
export interface StepTimeline {
  /** Milliseconds the main thread worked on the step in the engine (shards out, replies in; not the waiting). */
  mainMs: number;
  /** Per worker, in rank order. */
  workers: WorkerTimeline[];
}

/** What one step did. */
export interface StepOutcome {
  /** Σ wᵢ CEᵢ over the batch (not normalised). */
  lossSum: number;
  /** Global L2 norm of the gradient (weight decay included, before clipping). */
  norm: number;
  /** Arg-max class of each sample, from the training-mode logits. */
  predictions: Int32Array;
  /** False when the loss or the norm was not finite: nothing was updated (the caller reports the divergence). */
  applied: boolean;
  /** Data-parallel engines only. */
  timeline?: StepTimeline;
}

/**
 * Trains on a batch, in this thread or over workers: gradients, weight decay, the global norm, clipping,
 * the optimizer update and the batch-norm statistics. An engine may keep the current weights and
 * optimizer state elsewhere during a run (the workers' shared memory): `sync` brings `model` and the
 * optimizer up to date, and is due before anyone reads them.
 */
export interface GradientEngine {
  step(batch: EngineBatch, update: StepUpdate): Promise<StepOutcome>;
  /** Writes the engine's weights and optimizer state into the model and optimizer it was made for. */
  sync(): void;
  close(): Promise<void>;
}

/** The single-thread engine: one forward/backward over the whole batch, tfjs ops on the model's variables. */
export function localEngine(model: Model, optimizer: Optimizer): GradientEngine {
  const decayed = new Set(model.specs.filter((s) => s.decay).map((s) => s.name));
  return {
    async step(batch, update) {
      const result = shardGradients(model, {
        images: batch.images,
        targets: batch.targets,
        ...(batch.sampleWeights ? { sampleWeights: batch.sampleWeights } : {}),
        normalizer: batch.images.shape[0],
        seed: batch.seed,
        ...(batch.headOnly ? { headOnly: batch.headOnly } : {}),
      });
      const { grads, stateUpdates } = result;
      try {
        // L2 on kernels, then the global norm (one read-back also catches NaN/Inf gradients).
        if (update.weightDecay > 0) {
          for (const [name, g] of grads) {
            if (!decayed.has(name)) continue;
            const withDecay = tf.tidy(() => tf.add(g, tf.mul(model.variables.get(name)!, update.weightDecay)));
            g.dispose();
            grads.set(name, withDecay);
          }
        }
        const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
        const outcome = { lossSum: result.lossSum, norm, predictions: result.predictions };
        if (!Number.isFinite(result.lossSum) || !Number.isFinite(norm)) return { ...outcome, applied: false };
        if (update.clipNorm !== undefined && norm > update.clipNorm) {
          for (const [name, g] of grads) {
            const clipped = tf.tidy(() => tf.mul(g, update.clipNorm! / norm));
            g.dispose();
            grads.set(name, clipped);
          }
        }
        optimizer.apply(model.variables, grads, update.learningRate);
        for (const [name, value] of stateUpdates) model.variables.get(name)!.assign(value);
        return { ...outcome, applied: true };
      } finally {
        tf.dispose([...grads.values(), ...stateUpdates.values()]);
      }
    },
    sync: () => undefined,
    close: async () => undefined,
  };
}
