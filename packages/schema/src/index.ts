export { FPDB_ERROR_CODES, FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from './errors.js';
export * from './vocabulary.js';
export type { FpdbRecord, RawRecord } from './record.js';
export type { SafeParseResult, ValidationIssue } from './issue.js';
export { IMAGE_NAME_PATTERN, formatImageName, parseImageName, safeParseImageName, type ImageNameParts } from './image-name.js';
export { parseRecord, safeParseRecord } from './parse-record.js';
export { FINE_CLASSES, TASKS, brainSpace, fineSpace, labelSpace, planesSpace, type LabelSpace, type Task } from './label-space.js';
export { createRng, shuffled, type Rng } from './random.js';
export { FastRandom } from './fast-random.js';
export {
  DEFAULT_PREPROCESS,
  IMAGENET_GRAY_NORMALIZATION,
  formatNormalization,
  NORMALIZATIONS,
  RESIZE_POLICIES,
  isResizePolicy,
  normalizationAffine,
  normalizeInto,
  parsePreprocess,
  type Normalization,
  type Preprocess,
  type ResizePolicy,
} from './preprocess.js';
export { CSV_FILE, IMAGES_DIR } from './release-layout.js';
export { computeStats, type DatasetStats } from './stats.js';
export {
  STRATIFICATION_TOLERANCE,
  holdOutBy,
  officialSplit,
  stratifiedGroupKFold,
  validationSplit,
  type HoldOutOptions,
  type HoldOutSplit,
  type OfficialSplit,
  type SplitGroups,
  type StratifyBy,
  type TrainTestSplit,
  type TrainValidationSplit,
} from './splits.js';
