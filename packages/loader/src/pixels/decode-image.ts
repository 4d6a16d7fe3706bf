import { readFile } from 'node:fs/promises';
import { FpdbError, isFpdbError } from '@fpdb/schema';
import { describeLocation, locationDetails, type ImageLocation } from '../internal/location.js';
import { checkImageDataSize, decodeGray } from './decode-gray.js';
import { LUMA_WEIGHTS } from './gray.js';
import { DEFAULT_MAX_PIXELS, checkPixelLimit, readPngHeader } from './png-header.js';
import { checkPixelOptions, resizeGeometry, type PixelOptions } from './resize-geometry.js';
import { resizeGray } from './resize-gray.js';
import { loadSharp } from './load-sharp.js';

/**
 * Resampling kernels. `linear` is fpdb's own antialiased triangle filter (PIL's BILINEAR; the same bytes
 * as the browser path `decodePng`); the others are sharp's, which is an optional peer dependency
 * (`npm install sharp`), loaded only when one of them is asked for.
 */
export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';

/** The kernel every decode, cache and batch uses unless told otherwise. */
export const DEFAULT_KERNEL: ResizeKernel = 'linear';

/** Options of {@link decodeImage}: output size, policy, pixel limit and kernel (default {@link DEFAULT_KERNEL}). */
export interface DecodeOptions extends PixelOptions {
  kernel?: ResizeKernel;
}

const LUMA_MATRIX = [LUMA_WEIGHTS, LUMA_WEIGHTS, LUMA_WEIGHTS].map((row) => [...row]) as [[number, number, number], [number, number, number], [number, number, number]];

function decodeError(where: ImageLocation, cause: unknown): FpdbError {
  const reason = (cause as Error).message ?? String(cause);
  if (/pixel limit/i.test(reason)) {
    return new FpdbError('FPDB_IMAGE_TOO_LARGE', `${describeLocation(where)} exceeds the pixel limit and was not decoded (${reason}).`, { cause, details: locationDetails(where) });
  }
  return new FpdbError('FPDB_IMAGE_DECODE', `${describeLocation(where)} could not be decoded (${reason.split('\n')[0]}). The file is truncated or corrupt: re-download or re-extract it.`, {
    cause,
    details: locationDetails(where),
  });
}

/**
 * Decodes PNG bytes to one 8-bit channel of `height`×`width` (Node). Every PNG mode (gray,
 * gray+alpha, RGB, RGBA, palette, 16-bit) goes through {@link GRAY_FORMULA}; geometry per
 * {@link resizeGeometry}. The IHDR is checked first, so a decompression bomb is refused unread.
 * With the default kernel `linear` the PNG is inflated by node:zlib and unfiltered and resized by
 * fpdb's WebAssembly kernels (1.05–1.2× PIL per CPU second; the same bytes as `decodePng`); any other
 * kernel goes through sharp (loaded on first use; install it next to @fpdb/loader).
 * `readImageInPool` runs this on worker threads.
 * @returns `height·width` bytes, row-major.
 * @throws FpdbError FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_TOO_LARGE, FPDB_IMAGE_DECODE, FPDB_INVALID_ARGUMENT;
 * FPDB_DEPENDENCY_MISSING for a sharp kernel when sharp is not installed.
 * @example const pixels = await decodeImage(await readFile(file), { height: 128, width: 128, policy: 'pad' }, { file });
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions, where: ImageLocation = { file: 'image' }): Promise<Uint8Array> {
  checkPixelOptions(options);
  const { height, width, policy = 'stretch', kernel = DEFAULT_KERNEL } = options;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = readPngHeader(bytes, where);
  checkPixelLimit(header, maxPixels, where);
  if (kernel === 'linear') {
    const image = await decodeGray(bytes, header, where);
    return resizeGray(image.gray, image.width, image.height, width, height, policy);
  }
  // libpng ignores image data past the declared rows: check it first so a bomb is refused, not served.
  await checkImageDataSize(bytes, header, where);
  const g = resizeGeometry(header.width, header.height, width, height, policy);
  const sharp = await loadSharp(kernel);
  try {
    let image = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' });
    const hasAlpha = header.colourType === 4 || header.colourType === 6 || header.colourType === 3;
    if (hasAlpha) image = image.flatten({ background: '#000000' });
    if (header.colourType === 2 || header.colourType === 3 || header.colourType === 6) image = image.recomb(LUMA_MATRIX);
    image = image.resize(g.scaledWidth, g.scaledHeight, { fit: 'fill', kernel });
    if (policy === 'pad' && (g.scaledWidth !== width || g.scaledHeight !== height)) {
      image = image.extend({
        top: g.offsetY,
        bottom: height - g.scaledHeight - g.offsetY,
        left: g.offsetX,
        right: width - g.scaledWidth - g.offsetX,
        background: '#000000',
      });
    } else if (policy === 'crop' && (g.scaledWidth !== width || g.scaledHeight !== height)) {
      image = image.extract({ left: g.offsetX, top: g.offsetY, width, height });
    }
    const { data, info } = await image.toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 || info.width !== width || info.height !== height) {
      throw new Error(`sharp returned ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×1`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (cause) {
    if (isFpdbError(cause)) throw cause;
    throw decodeError(where, cause);
  }
}

/**
 * Reads an image file's bytes.
 * @throws FpdbError FPDB_IMAGE_MISSING when the file does not exist; FPDB_IMAGE_DECODE when it cannot be read.
 * @example const bytes = await readImageBytes('scan.png');
 */
export async function readImageBytes(file: string, where: ImageLocation = { file }): Promise<Uint8Array> {
  try {
    const bytes = await readFile(file);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new FpdbError('FPDB_IMAGE_MISSING', `${describeLocation(where)} is missing. Download the full release with \`fpdb download\` or open the dataset with { missing: 'skip' }.`, {
        cause,
        details: locationDetails(where),
      });
    }
    throw new FpdbError('FPDB_IMAGE_DECODE', `${describeLocation(where)} cannot be read (${code ?? String(cause)}).`, { cause, details: locationDetails(where) });
  }
}

/**
 * Reads and decodes one PNG file (see {@link decodeImage}).
 * @throws FpdbError FPDB_IMAGE_MISSING when the file does not exist; as decodeImage otherwise.
 * @example await readImage('/data/FETAL_PLANES_DB/Images/Patient00001_Plane1_1_of_15.png', { height: 224, width: 224 })
 */
export async function readImage(file: string, options: DecodeOptions, where: ImageLocation = { file }): Promise<Uint8Array> {
  return decodeImage(await readImageBytes(file, where), options, where);
}
