export { planDataset, RELEASE_IMAGES, type PlanOptions, type SynthPlan, type SynthRecord } from './internal/plan.js';
export { RENDERER_VERSION, renderImage, type RenderRequest } from './internal/render/render-image.js';
export { encodeGrayPng } from './internal/png.js';
export { formatCsv } from './internal/csv.js';
export { CSV_FILE } from '@fpdb/schema';
export { SYNTH_MARKER_FILE, type SynthMarker } from './internal/synth-marker.js';
export { SIZES_BY_DEVICE, type SizeEntry } from './internal/image-sizes.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
export {
  DUPLICATES_FILE,
  DUPLICATE_KINDS,
  DUPLICATE_SCOPES,
  applyDuplicate,
  planDuplicates,
  type DuplicateKind,
  type DuplicateOptions,
  type DuplicateScope,
  type PlantedDuplicate,
} from './internal/duplicates.js';
