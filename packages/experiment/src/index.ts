export {
  CLASS_WEIGHTINGS,
  DEDUPE_MODES,
  DEFAULT_CONFIG,
  OPTIMIZERS,
  SAMPLINGS,
  experimentPreprocess,
  isPresetName,
  resolveExperimentConfig,
  type ExperimentConfig,
  type TestSplit,
} from './experiment-config.js';
export { experimentData, ensureSynth, synthDir, type DataEvent, type ExperimentData } from './experiment-data.js';
export { runExperiment, type ExperimentEvent, type ExperimentResult } from './run-experiment.js';
export { modelConfigOf, startingModel, type StartingModel } from './starting-model.js';
export { pullWeights, type PullWeightsOptions, type PulledWeights } from './pull-weights.js';
export { configOfCheckpoint } from './run-of-checkpoint.js';
export { evaluateSet, evaluateSetWithPredictions, type EvaluateSetOptions } from './evaluate-set.js';
export { PREDICTIONS_FILE, readRunPredictions, runPredictions, type RunPredictions } from './run-predictions.js';
export { pickGallery, writeGallery, type GalleryOptions, type GalleryPick } from './gallery.js';
export { compareRuns, configDifferences, type CompareRunsOptions, type ComparedRun, type ConfigDifference, type RunComparison, type RunDifference } from './compare-runs.js';
export { compareHtml } from './compare-html.js';
export { predictDataset, type DatasetPredictions } from './predict-dataset.js';
export { readModelInputs, type ModelInputs } from './model-inputs.js';
export { predictFiles, type PredictFilesOptions } from './predict-files.js';
export { reportHtml, runFigures } from './report-html.js';
export { classFailures, classFailureWarnings, dataKindOf, type ClassFailures } from './report-checks.js';
export { runMarkdown } from './report-md.js';
export type { GalleryItem, HistoryRow, RunSummary, SplitSize } from './run-summary.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
export { experimentReporter } from './progress-reporter.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
export { resolveConfigPaths } from './config-paths.js';
export { RUN_LOCK_FILE, lockRunFolder } from './run-lock.js';
