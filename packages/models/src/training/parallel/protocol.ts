import type { ResolvedConfig } from '../../architectures/config.js';
import type { BackendChoice } from '../../backend/setup-backend.js';

/** Data every worker starts with. */
export interface WorkerInit {
  config: ResolvedConfig;
  backend: BackendChoice;
  /** All parameters (model.specs order), written by the main thread before every step. */
  weights: SharedArrayBuffer;
}

/** One shard of a step: main → worker. */
export interface StepRequest {
  /** Shard images [b, H, W, 1]. */
  images: Float32Array;
  shape: [number, number, number, number];
  /** [b, K] targets. */
  targets: Float32Array;
  sampleWeights: Float32Array | null;
  normalizer: number;
  seed: number;
  /** Train only the head (prefixes), or null for every parameter. */
  headOnly: string[] | null;
}

/** The shard's gradients: worker → main. */
export interface StepResult {
  /** Gradients of the trained parameters (`trainedNames(model, headOnly)`), concatenated in that order. */
  grads: Float32Array;
  /** Batch-norm statistics after the shard, concatenated in the order of the non-trainable specs. */
  state: Float32Array;
  lossSum: number;
  predictions: Int32Array;
}
