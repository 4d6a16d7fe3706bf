import { decode } from 'fast-png';
import { FpdbError } from '@fpdb/schema';
import { describeLocation, locationDetails, type ImageLocation } from '../internal/location.js';
import { toGray8 } from './gray.js';
import { boundPngData } from './png-data-bound.js';
import { DEFAULT_MAX_PIXELS, checkPixelLimit, readPngHeader, type PngHeader } from './png-header.js';
import { checkPixelOptions, type PixelOptions } from './resize-geometry.js';
import { resizeGray } from './resize-gray.js';

function unpackBits(data: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** A decoded image at its own size, one 8-bit channel. */
export interface GrayImage {
  gray: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes PNG bytes to one 8-bit channel at full size with fast-png, per {@link GRAY_FORMULA}: every
 * mode (gray, gray+alpha, RGB, RGBA, palette, 1–16 bits, interlaced). The header must have been checked
 * (pixel limit); the image data is checked to inflate to exactly what the header declares before
 * fast-png sees it ({@link boundPngData}), so memory stays bounded by the declared size.
 * @throws FpdbError FPDB_IMAGE_DECODE for corrupt, truncated or over-long (bomb) data.
 */
export function decodePngGray(bytes: Uint8Array, where: ImageLocation, header: PngHeader = readPngHeader(bytes, where)): GrayImage {
  let png: ReturnType<typeof decode>;
  const safe = boundPngData(bytes, header, where);
  try {
    png = decode(safe, { checkCrc: true });
  } catch (cause) {
    throw new FpdbError('FPDB_IMAGE_DECODE', `${describeLocation(where)} could not be decoded: ${(cause as Error).message}. The file is truncated or corrupt: replace it.`, {
      cause,
      details: locationDetails(where),
    });
  }
  const { width, height, depth } = png;
  let samples: ArrayLike<number> = png.data;
  let channels = png.channels;
  let maxValue = depth === 16 ? 65535 : 255;
  if (png.palette) {
    const indices = depth < 8 ? unpackBits(png.data, width, height, depth) : png.data;
    const hasAlpha = png.palette.some((c) => c.length > 3 && c[3] !== 255);
    channels = hasAlpha ? 4 : 3;
    const rgb = new Uint8Array(width * height * channels);
    for (let p = 0; p < width * height; p++) {
      const c = png.palette[indices[p]!] ?? [0, 0, 0, 255];
      for (let k = 0; k < channels; k++) rgb[p * channels + k] = c[k] ?? 255;
    }
    samples = rgb;
  } else if (depth < 8) {
    samples = png.data.length === width * height ? png.data : unpackBits(png.data, width, height, depth);
    maxValue = (1 << depth) - 1;
  }
  if (samples.length < width * height * channels) {
    throw new FpdbError('FPDB_IMAGE_DECODE', `${describeLocation(where)} decoded to ${samples.length} samples, expected ${width * height * channels}. The file is corrupt: replace it.`, {
      details: locationDetails(where),
    });
  }
  return { gray: toGray8(samples, width * height, channels, maxValue), width, height };
}

/**
 * Decodes PNG bytes to one 8-bit channel of `height`×`width` without Node APIs: the browser-safe
 * decode path, deterministic on every platform (no canvas colour management). Same header checks,
 * gray formula ({@link GRAY_FORMULA}), geometry and triangle filter as the Node default
 * (`decodeImage` with kernel `linear`), and the same bytes.
 * @returns `height·width` bytes, row-major.
 * @throws FpdbError FPDB_IMAGE_NOT_PNG, FPDB_IMAGE_TOO_LARGE (before decoding), FPDB_IMAGE_DECODE (corrupt or truncated data), FPDB_INVALID_ARGUMENT.
 * @example const pixels = decodePng(new Uint8Array(await (await fetch(url)).arrayBuffer()), { height: 128, width: 128, policy: 'pad' });
 */
export function decodePng(bytes: Uint8Array, options: PixelOptions, where: ImageLocation = { file: 'image' }): Uint8Array {
  checkPixelOptions(options);
  const header = readPngHeader(bytes, where);
  checkPixelLimit(header, options.maxPixels ?? DEFAULT_MAX_PIXELS, where);
  const { gray, width, height } = decodePngGray(bytes, where, header);
  return resizeGray(gray, width, height, options.width, options.height, options.policy);
}
