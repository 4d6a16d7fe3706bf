import type { ResolvedConfig } from '../../architectures/config.js';

/** Data every worker starts with. */
export interface WorkerInit {
  config: ResolvedConfig;
  backend: 'wasm' | 'cpu' | 'auto';
  /** All parameters (model.specs order), written by the main thread before every step. */
  weights: SharedArrayBuffer;
}

/** Main → worker. */
export type ToWorker =
  | {
      type: 'step';
      id: number;
      /** Shard images [b, H, W, 1]. */
      images: Float32Array;
      shape: [number, number, number, number];
      /** [b, K] targets. */
      targets: Float32Array;
      sampleWeights: Float32Array | null;
      normalizer: number;
      seed: number;
    }
  | { type: 'close' };

/** Worker → main. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | {
      type: 'result';
      id: number;
      /** Trainable gradients concatenated in trainableNames order. */
      grads: Float32Array;
      /** Batch-norm statistics after the shard, concatenated in the order of the non-trainable specs. */
      state: Float32Array;
      lossSum: number;
      predictions: Int32Array;
    }
  | { type: 'error'; id: number | null; message: string; code: string | null; stack: string | null };
