import type { PretrainedSource } from '@fpdb/models';
import type { DatasetStats } from '@fpdb/schema';
import type { EvaluationReport } from '@fpdb/metrics';

/** Size of one side of the experiment's split. */
export interface SplitSize {
  images: number;
  patients: number;
  /** Images per class of the task, in label-space order. */
  byClass: Record<string, number>;
}

/** One epoch of the training history as the report shows it. */
export interface HistoryRow {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  trainMacroF1: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  learningRate: number;
  seconds: number;
  best: boolean;
}

/** One case of the report's gallery: a test image and its Grad-CAM overlay, both PNGs in the run folder. */
export interface GalleryItem {
  /** `class`: an example of its true class; `error`: one of the most confident errors. */
  kind: 'class' | 'error';
  /** The source image, as the dataset names it. */
  file: string;
  /** The model input and its Grad-CAM overlay, relative to the run folder (e.g. `gallery/3.png`). */
  image: string;
  gradCam: string;
  /** Side of both PNGs in pixels. */
  size: number;
  trueClass: string;
  predictedClass: string;
  /** The predicted class's probability. */
  probability: number;
}

/** Everything a run folder's report says: what data, what split, what model, how it trained, how it did. */
export interface RunSummary {
  title: string;
  startedAt: string;
  finishedAt: string;
  /** Wall-clock seconds of the whole run (data, training, evaluation). */
  seconds: number;
  data: {
    kind: 'synthetic' | 'release';
    root: string;
    /** Counts over the records the run used (after the task filter and any missing-image skip). */
    stats: DatasetStats;
    missingSkipped: number;
    /** Images left out because the pixel cache could not decode them (counted before the first epoch). */
    undecodableSkipped?: number;
    split: string;
  };
  task: string;
  classes: string[];
  splits: { train: SplitSize; validation: SplitSize; test: SplitSize };
  model: {
    architecture: string;
    parameters: number;
    inputSize: number;
    summary: string;
    normalization: string;
    resize: string;
    /** The pretrained weights the run started from, and how it fine-tuned them. */
    pretrained?: PretrainedSource & { freezeEpochs: number; backboneLrMultiplier: number };
  };
  training: {
    epochs: number;
    epochsDone: number;
    bestEpoch: number | null;
    imagesPerSecond: number;
    trainSeconds: number;
    backend: string;
    workers: number;
    augmentation: unknown;
    optimizer: string;
    learningRate: number;
    batchSize: number;
    history: HistoryRow[];
  };
  seed: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  evaluation: EvaluationReport;
  /** Example test images with Grad-CAM, when the run made them. */
  gallery?: GalleryItem[];
}
