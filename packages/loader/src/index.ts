export { parseMetadata, type MetadataMode, type MetadataOptions, type MetadataResult } from './metadata/parse-metadata.js';
export type { ImageLocation } from './internal/location.js';
export { DEFAULT_MAX_PIXELS, PNG_HEADER_BYTES, PNG_SIGNATURE, checkPixelLimit, readPngHeader, type PngHeader } from './pixels/png-header.js';
export { RESIZE_POLICIES, normalizeInto, type Normalization, type Preprocess, type ResizePolicy } from '@fpdb/schema';
export { checkPixelOptions, resizeGeometry, type PixelOptions, type ResizeGeometry } from './pixels/resize-geometry.js';
export { GRAY_FORMULA, LUMA_WEIGHTS, toGray8 } from './pixels/gray.js';
export { resizeGray } from './pixels/resize-gray.js';
export { decodePng } from './pixels/decode-png.js';
export { decodeModelInput, type ModelInput } from './pixels/model-input.js';
export { pngPixelSource, type PixelSource } from './batches/pixel-source.js';
export {
  createBatchStream,
  type AugmentHook,
  type BatchStream,
  type BatchStreamOptions,
  type SkippedImage,
  type TypedBatch,
} from './batches/batch-stream.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
