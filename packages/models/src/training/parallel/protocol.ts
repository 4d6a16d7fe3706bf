import type { ResolvedConfig } from '../../architectures/config.js';
import type { BackendChoice } from '../../backend/setup-backend.js';
import type { ResolvedOptimizerConfig } from '../optimizer.js';

/**
 * The shared memory of a data-parallel run. Every float region uses one layout: all parameters in
 * `model.specs` order, each at the offset its predecessors' sizes add up to.
 */
export interface SharedRegions {
  /** The run's current weights and batch-norm statistics: the truth between steps (the model gets them at `sync`). */
  weights: SharedArrayBuffer;
  /** One per worker rank: its shard's gradients (trained parameters) and batch-norm statistics (state parameters). */
  grads: SharedArrayBuffer[];
  /** The optimizer's slots, each one float per parameter: Adam [m, v]; SGD [momentum] (none without momentum). */
  slots: SharedArrayBuffer[];
  /** Int32 per spec: 1 once its slots hold state (restored or updated), so `sync` reports the same slots as the optimizer would. */
  touched: SharedArrayBuffer;
  /** Int32 [arrived, abort, applying]: see the CONTROL_* indices. */
  control: SharedArrayBuffer;
  /** Float64 [2 × workers]: per rank, its shard's Σ wᵢ CEᵢ, then the sum of squares of its slice of the summed gradient. */
  partials: SharedArrayBuffer;
}

/** control[CONTROL_ARRIVED]: workers that reached a barrier this step (the n-th barrier opens at n × shards). */
export const CONTROL_ARRIVED = 0;
/** control[CONTROL_ABORT]: non-zero once a worker or the main thread gave up on the step; waiting workers leave. */
export const CONTROL_ABORT = 1;
/** control[CONTROL_APPLYING]: non-zero once a worker began writing the update (the shared weights may then be half-updated). */
export const CONTROL_APPLYING = 2;
export const CONTROL_LENGTH = 3;

/** `details.value` of the error a worker throws when it leaves a step because another one failed. */
export const PEER_FAILED = 'peer-failed';

/** Data every worker starts with. */
export interface WorkerInit {
  config: ResolvedConfig;
  backend: BackendChoice;
  optimizer: ResolvedOptimizerConfig;
  shared: SharedRegions;
}

/** A deliberate failure of one rank at one phase of a step: how the tests kill a worker mid-step. */
export interface WorkerFault {
  rank: number;
  /** After writing its gradients (before the first barrier), or after reducing its slice (before the second). */
  at: 'gradients' | 'reduce';
  /** 'throw': the handler throws (the worker lives on); 'exit': the thread ends (process.exit(3)). */
  kind: 'throw' | 'exit';
}

/** One shard of a step: main → worker. */
export interface StepRequest {
  /** 0-based: which grads region this shard writes and which slice of the parameters it reduces and updates. */
  rank: number;
  /** Workers taking part in this step (≤ the pool's size when the batch is smaller). */
  shards: number;
  /** Shard images [b, H, W, 1]: a view of shared memory, valid until the worker replies. */
  images: Float32Array;
  shape: [number, number, number, number];
  /** [b, K] targets. */
  targets: Float32Array;
  sampleWeights: Float32Array | null;
  normalizer: number;
  seed: number;
  /** Train only the head (prefixes), or null for every parameter. */
  headOnly: string[] | null;
  /** Learning rate per spec (model.specs order; only the trained parameters' are read). */
  rates: Float64Array;
  weightDecay: number;
  clipNorm: number | null;
  /** The optimizer's step count after this update (Adam's bias correction). */
  step: number;
  /** Per rank: its shard's share of the batch (weights of the batch-norm statistics' mean). */
  shares: number[];
  fault: WorkerFault | null;
}

/** A shard's part of the step: worker → main (a few numbers; the gradients stay in shared memory). */
export interface StepResult {
  /** Σ wᵢ CEᵢ over the shard. */
  lossSum: number;
  predictions: Int32Array;
  /** Global L2 norm of the summed gradient (after weight decay, before clipping), the same on every rank. */
  norm: number;
  /** False when the loss or the norm was not finite: no rank touched the weights. */
  applied: boolean;
  /** Milliseconds of this worker's phases. */
  timeline: WorkerTimeline;
}

/** One worker's step, in milliseconds of its own clock. */
export interface WorkerTimeline {
  /** Weights in, forward/backward of its shard, its gradients out to shared memory. */
  computeMs: number;
  /** Waiting at the two barriers for the slowest worker. */
  waitMs: number;
  /** Summing its slice of every worker's gradients (plus weight decay and its part of the norm). */
  reduceMs: number;
  /** Its slice of the optimizer update and of the batch-norm statistics. */
  updateMs: number;
}
