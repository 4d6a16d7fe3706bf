import { normalizeInto, parsePreprocess, type Preprocess } from '@fpdb/schema';
import type { ImageLocation } from '../internal/location.js';
import { decodePng } from './decode-png.js';

/** One image as a model sees it. */
export interface ModelInput {
  /** `height·width` uint8 gray pixels after resizing, row-major: what Grad-CAM overlays are drawn on. */
  pixels: Uint8Array;
  /** The same pixels normalised, float32 `height·width` row-major: one [height, width, 1] model input. */
  input: Float32Array;
}

/**
 * Decodes PNG bytes into a model input by the preprocessing contract (a checkpoint's
 * `checkpointPreprocess(metadata)`): {@link decodePng} (any PNG mode to one gray channel, resized by
 * the policy with the default `linear` kernel), then `normalizeInto`. The one definition of "the pixels a
 * model sees" that `fpdb predict` (through `readModelInputs`) and a browser page share, so both give the
 * same numbers. Browser-safe.
 * @param where the image, for messages (default `{ file: 'image' }`).
 * @throws FpdbError FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_TOO_LARGE, FPDB_IMAGE_DECODE (corrupt or truncated data), FPDB_INVALID_ARGUMENT (a bad preprocessing).
 * @example
 * const { pixels, input } = decodeModelInput(new Uint8Array(await file.arrayBuffer()), checkpointPreprocess(metadata), { file: file.name });
 * const x = tf.tensor4d(input, [1, preprocess.height, preprocess.width, 1]);
 */
export function decodeModelInput(bytes: Uint8Array, preprocess: Preprocess, where: ImageLocation = { file: 'image' }): ModelInput {
  const { height, width, policy, normalization } = parsePreprocess(preprocess);
  const pixels = decodePng(bytes, { height, width, policy }, where);
  const input = new Float32Array(height * width);
  normalizeInto(pixels, input, 0, normalization);
  return { pixels, input };
}
