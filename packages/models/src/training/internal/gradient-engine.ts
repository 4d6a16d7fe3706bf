import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../../model/create-model.js';
import { shardGradients, type ShardInput, type ShardResult } from './shard-gradients.js';

/** A whole batch to differentiate. */
export interface EngineBatch {
  images: tf.Tensor4D;
  targets: tf.Tensor2D;
  sampleWeights?: tf.Tensor1D;
  seed: number;
  /** Train only the head (prefixes); see {@link ShardInput.headOnly}. */
  headOnly?: readonly string[];
}

/** Computes a batch's gradients, in this thread or over workers; results are owned by the caller. */
export interface GradientEngine {
  compute(batch: EngineBatch): Promise<ShardResult>;
  close(): Promise<void>;
}

/** The single-thread engine: one forward/backward over the whole batch. */
export function localEngine(model: Model): GradientEngine {
  return {
    compute: async (batch) =>
      shardGradients(model, {
        images: batch.images,
        targets: batch.targets,
        ...(batch.sampleWeights ? { sampleWeights: batch.sampleWeights } : {}),
        normalizer: batch.images.shape[0],
        seed: batch.seed,
        ...(batch.headOnly ? { headOnly: batch.headOnly } : {}),
      }),
    close: async () => undefined,
  };
}
