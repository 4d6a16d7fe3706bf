import { decodeModelInput } from '@fpdb/loader';
import { readImageBytes } from '@fpdb/loader/node';
import { parsePreprocess, type Preprocess } from '@fpdb/schema';

/** Image files read as model inputs: the decoded pixels and their normalised float32 copy. */
export interface ModelInputs {
  /** Per file: `height·width` uint8 pixels after resizing (what Grad-CAM overlays are drawn on). */
  pixels: Uint8Array[];
  /** Row-major [N, height, width, 1], normalised. */
  images: Float32Array;
  shape: [number, number, number, number];
}

/**
 * Reads image files the one way fpdb reads them everywhere (`@fpdb/loader`'s `decodeModelInput`: any PNG
 * mode to one gray channel, resized by the preprocessing's policy, then normalised; what a browser page
 * does with the same bytes), so a model sees exactly the pixels it was trained on.
 * @throws FpdbError FPDB_IMAGE_MISSING, FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_DECODE, FPDB_IMAGE_TOO_LARGE naming the file; FPDB_INVALID_ARGUMENT for a bad preprocessing.
 * @example const { images, shape } = await readModelInputs(['scan.png'], checkpointPreprocess(metadata));
 */
export async function readModelInputs(files: readonly string[], preprocess: Preprocess): Promise<ModelInputs> {
  const checked = parsePreprocess(preprocess);
  const { height, width } = checked;
  const decoded = await Promise.all(files.map(async (file) => decodeModelInput(await readImageBytes(file), checked, { file })));
  const images = new Float32Array(files.length * height * width);
  decoded.forEach(({ input }, i) => images.set(input, i * height * width));
  return { pixels: decoded.map((d) => d.pixels), images, shape: [files.length, height, width, 1] };
}
