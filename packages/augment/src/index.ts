export { assertImageBatch, type ImageBatch } from './image-batch.js';
export { Transform, toRng, type Seed, type TransformJSON } from './transform.js';
export type { Range } from './internal/validate.js';
export { horizontalFlip, type HorizontalFlipOptions } from './horizontal-flip.js';
export { rotate, type RotateOptions } from './rotate.js';
export { affine, type AffineOptions } from './affine.js';
export { randomResizedCrop, type RandomResizedCropOptions } from './random-resized-crop.js';
export { brightness, type BrightnessOptions } from './brightness.js';
export { contrast, type ContrastOptions } from './contrast.js';
export { gamma, type GammaOptions } from './gamma.js';
export { gaussianNoise, type GaussianNoiseOptions } from './gaussian-noise.js';
export { speckleNoise, type SpeckleNoiseOptions } from './speckle-noise.js';
export { gaussianBlur, type GaussianBlurOptions } from './gaussian-blur.js';
export { sharpen, type SharpenOptions } from './sharpen.js';
export { cutout, randomErasing, type CutoutOptions, type RandomErasingOptions } from './random-erasing.js';
export { elastic, type ElasticOptions } from './elastic.js';
export { mixUp, type MixUpOptions } from './mix-up.js';
export { cutMix, type CutMixOptions } from './cut-mix.js';
export { compose, oneOf, someOf, type ComposeOptions, type OneOfOptions, type SomeOfOptions } from './compose.js';
export {
  POLICY_OP_NAMES,
  randAugment,
  trivialAugment,
  type PolicyOpName,
  type RandAugmentOptions,
  type TrivialAugmentOptions,
} from './policies.js';
export { ultrasoundDefaults, type UltrasoundDefaultsOptions } from './ultrasound-defaults.js';
export { pipelineFromJSON } from './pipeline-from-json.js';
export { asLoaderHook, type LoaderBatchLike, type LoaderHookOptions } from './loader-hook.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
