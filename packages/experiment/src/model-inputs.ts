import { readImage } from '@fpdb/loader/node';
import { normalizeInto, parsePreprocess, type Preprocess } from '@fpdb/schema';

/** Image files read as model inputs: the decoded pixels and their normalised float32 copy. */
export interface ModelInputs {
  /** Per file: `height·width` uint8 pixels after resizing (what Grad-CAM overlays are drawn on). */
  pixels: Uint8Array[];
  /** Row-major [N, height, width, 1], normalised. */
  images: Float32Array;
  shape: [number, number, number, number];
}

/**
 * Reads image files the one way fpdb reads them everywhere (`@fpdb/loader`'s decoder: any PNG mode to
 * one gray channel, resized by the preprocessing's policy, then normalised), so a model sees exactly the
 * pixels it was trained on.
 * @throws FpdbError FPDB_IMAGE_MISSING, FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_DECODE, FPDB_IMAGE_TOO_LARGE naming the file; FPDB_INVALID_ARGUMENT for a bad preprocessing.
 * @example const { images, shape } = await readModelInputs(['scan.png'], checkpointPreprocess(metadata));
 */
export async function readModelInputs(files: readonly string[], preprocess: Preprocess): Promise<ModelInputs> {
  const { height, width, policy, normalization } = parsePreprocess(preprocess);
  const pixels = await Promise.all(files.map((file) => readImage(file, { height, width, policy })));
  const images = new Float32Array(files.length * height * width);
  pixels.forEach((p, i) => normalizeInto(p, images, i * height * width, normalization));
  return { pixels, images, shape: [files.length, height, width, 1] };
}
