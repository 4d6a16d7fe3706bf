import type { Normalization, Preprocess, ResizePolicy } from '@fpdb/schema';
import type { ResolvedConfig } from '../architectures/config.js';

/** The label space a model was trained on. */
export interface CheckpointLabels {
  /** `planes`, `brain`, `fine`, or null for a custom label set. */
  task: string | null;
  classes: string[];
}

/** Everything `fpdb.json` records next to the weights. */
export interface CheckpointMetadata {
  format: 'fpdb-checkpoint';
  version: 1;
  /** The architecture config with defaults filled in. */
  config: ResolvedConfig;
  labels: CheckpointLabels;
  /** [height, width] the model was trained at. */
  inputSize: [number, number];
  normalization: Normalization;
  resize: ResizePolicy;
  /** Seed of the run (initialisation, shuffling, dropout). */
  seed: number;
  /** Last completed epoch (0-based), or null before training. */
  epoch: number | null;
  /** Metrics at `epoch`, e.g. { valMacroF1: 0.81, valAccuracy: 0.84 }. */
  metrics: Record<string, number>;
  /** Where the starting weights came from, when the model was fine-tuned from pretrained weights. */
  pretrained?: PretrainedSource;
  /** Present in a training run's `last` checkpoint: what `resume` needs. */
  training?: TrainingState;
  createdAt: string;
  generatedBy: string;
}

/** Where a model's starting weights came from: what a report's model card names. */
export interface PretrainedSource {
  /** The weights' name: a preset (`resnet18`) or the file's name. */
  name: string;
  /** Where they were read from: a URL, a path, or `bytes`. */
  source: string;
  /** sha256 of the weights file, hex. */
  sha256: string;
  format: 'safetensors' | 'pytorch' | 'fpdb-checkpoint';
  /** The network the weights were mapped into, e.g. `resnet18`. */
  architecture: string;
}

/** The loop state saved for `resume`. */
export interface TrainingState {
  /** Epochs completed so far. */
  epochsDone: number;
  /** Optimizer steps so far. */
  globalStep: number;
  bestEpoch: number | null;
  bestScore: number | null;
  /** Epochs since the best (early stopping). */
  sinceBest: number;
  history: unknown[];
}

/**
 * The preprocessing a checkpoint's model was trained with, as the contract every stage shares: give it
 * to the loader (`readImage`, `createBatches`) so prediction and evaluation see the pixels training saw.
 * @example const { height, width, policy, normalization } = checkpointPreprocess(metadata);
 */
export function checkpointPreprocess(metadata: Pick<CheckpointMetadata, 'inputSize' | 'resize' | 'normalization'>): Preprocess {
  return { height: metadata.inputSize[0], width: metadata.inputSize[1], policy: metadata.resize, normalization: metadata.normalization };
}
