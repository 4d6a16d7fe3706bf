import type { ResolvedConfig } from '../architectures/config.js';

/** Pixel normalisation, as `@fpdb/loader` names it: `unit` x/255, `symmetric` x/127.5 − 1, or (x/255 − mean)/std. */
export type Normalization = 'unit' | 'symmetric' | { mean: number; std: number };

/** How images are fitted to the input size, as `@fpdb/loader` names it. */
export type ResizePolicy = 'stretch' | 'pad' | 'crop';

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
  /** Present in a training run's `last` checkpoint: what `resume` needs. */
  training?: TrainingState;
  createdAt: string;
  generatedBy: string;
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
