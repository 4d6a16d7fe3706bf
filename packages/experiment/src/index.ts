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
export { predictDataset, type DatasetPredictions } from './predict-dataset.js';
export { reportHtml, runFigures } from './report-html.js';
export { classFailures, classFailureWarnings, type ClassFailures } from './report-checks.js';
export { runMarkdown } from './report-md.js';
export type { GalleryItem, HistoryRow, RunSummary, SplitSize } from './run-summary.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
