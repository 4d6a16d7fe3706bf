import { DEFAULT_MAX_PIXELS, FpdbError, PNG_SIGNATURE, decodeModelInput, normalizeInto, resizeGray, toGray8, type ModelInput, type Preprocess } from '@fpdb/loader';

/** What the page reads: PNG (the release's format) and JPEG. */
export type ImageKind = 'png' | 'jpeg';

/** The kind of an image from its first bytes, or undefined for anything else. */
export function sniffImage(bytes: Uint8Array): ImageKind | undefined {
  if (bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/**
 * Decodes an image file into the model's input: the resized gray pixels (`height·width`, row-major, what
 * Grad-CAM is drawn on) and their normalised float32 copy, by the checkpoint's preprocessing.
 *
 * PNG goes through `@fpdb/loader`'s `decodeModelInput`, the definition `fpdb predict` uses, so the
 * probabilities equal the CLI's. JPEG is decoded by the browser (`createImageBitmap`, no colour
 * conversion), then made gray with the loader's formula (`toGray8`: Rec. 601 luma, alpha over black),
 * resized with the loader's `resizeGray` and normalised with `normalizeInto`: from the decoded pixels on,
 * the PNG path's arithmetic. (`fpdb predict` reads PNG only; another JPEG decoder may differ by a gray
 * level here and there.)
 * @throws FpdbError FPDB_IMAGE_NOT_PNG for a file that is neither PNG nor JPEG; FPDB_IMAGE_DECODE for a
 *   truncated or corrupt one; FPDB_IMAGE_TOO_LARGE above the loader's pixel limit.
 */
export async function decodeImage(bytes: Uint8Array, file: string, preprocess: Preprocess): Promise<ModelInput> {
  const kind = sniffImage(bytes);
  // A PNG cut inside its signature is still a PNG to the loader, which says it is truncated.
  const pngPrefix = bytes.length > 0 && bytes.length < PNG_SIGNATURE.length && Array.from(bytes).every((b, i) => PNG_SIGNATURE[i] === b);
  if (kind === 'png' || pngPrefix) return decodeModelInput(bytes, preprocess, { file });
  if (kind === 'jpeg') {
    const pixels = await decodeJpeg(bytes, file, preprocess);
    const input = new Float32Array(pixels.length);
    normalizeInto(pixels, input, 0, preprocess.normalization);
    return { pixels, input };
  }
  const what = bytes.length === 0 ? 'an empty file' : `not an image (it starts with ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`;
  throw new FpdbError('FPDB_IMAGE_NOT_PNG', `${file} is ${what}. Drop PNG or JPEG ultrasound scans.`, { details: { file } });
}

async function decodeJpeg(bytes: Uint8Array, file: string, { height, width, policy }: Preprocess): Promise<Uint8Array> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: 'image/jpeg' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (cause) {
    throw new FpdbError('FPDB_IMAGE_DECODE', `${file} could not be decoded as a JPEG: the file is truncated or corrupt. Replace it.`, { cause, details: { file } });
  }
  try {
    const pixels = bitmap.width * bitmap.height;
    if (pixels > DEFAULT_MAX_PIXELS) {
      throw new FpdbError('FPDB_IMAGE_TOO_LARGE', `${file} is ${bitmap.width}×${bitmap.height}, above the limit of ${DEFAULT_MAX_PIXELS} pixels.`, { details: { file } });
    }
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    return resizeGray(toGray8(rgba, pixels, 4, 255), bitmap.width, bitmap.height, width, height, policy);
  } finally {
    bitmap.close();
  }
}
