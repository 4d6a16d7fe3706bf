import { FpdbError } from '@fpdb/schema';
import { describeLocation, locationDetails, type ImageLocation } from '../internal/location.js';

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes needed to read a PNG's IHDR: signature (8) + chunk length and type (8) + IHDR data (13) + CRC (4). */
export const PNG_HEADER_BYTES = 33;

/**
 * Default pixel limit (width × height) of every decoder: 50 megapixels. The release's largest image
 * is 1137×787 (0.9 MP); a PNG declaring more is refused before any decoding (decompression bomb).
 */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** What a PNG's IHDR chunk declares. */
export interface PngHeader {
  width: number;
  height: number;
  /** 1, 2, 4, 8 or 16 bits per sample. */
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colourType: number;
  interlaced: boolean;
}

const VALID_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

function sniff(bytes: Uint8Array): string {
  const starts = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b);
  if (bytes.length === 0) return 'an empty file';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'a GIF';
  if (starts(0x42, 0x4d)) return 'a BMP';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'a TIFF';
  if (starts(0x52, 0x49, 0x46, 0x46)) return 'a RIFF/WebP';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive';
  return 'not a PNG';
}

/**
 * Reads the IHDR of a PNG from its first {@link PNG_HEADER_BYTES} bytes, without decoding anything.
 * Browser-safe.
 * @throws FpdbError FPDB_IMAGE_NOT_PNG when the PNG signature is absent (e.g. a JPEG named .png);
 *   FPDB_IMAGE_DECODE when the file is shorter than its header or the IHDR is invalid.
 * @example readPngHeader(bytes.subarray(0, 33), { file: 'Images/x.png' }) // { width: 959, height: 661, bitDepth: 8, colourType: 0, … }
 */
export function readPngHeader(bytes: Uint8Array, where: ImageLocation = { file: 'image' }): PngHeader {
  const at = describeLocation(where);
  if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    const what = bytes.length < 8 && PNG_SIGNATURE.slice(0, bytes.length).every((b, i) => bytes[i] === b) && bytes.length > 0 ? 'a truncated PNG' : sniff(bytes);
    if (what === 'a truncated PNG') {
      throw new FpdbError('FPDB_IMAGE_DECODE', `${at} is truncated (${bytes.length} bytes, less than a PNG header). Re-download or re-extract the file.`, {
        details: locationDetails(where),
      });
    }
    throw new FpdbError('FPDB_IMAGE_NOT_PNG', `${at} is ${what}, not a PNG (no PNG signature). The release's images are PNGs: convert it or replace it with the original.`, {
      details: locationDetails(where),
    });
  }
  if (bytes.length < PNG_HEADER_BYTES) {
    throw new FpdbError('FPDB_IMAGE_DECODE', `${at} is truncated (${bytes.length} bytes, a PNG header needs ${PNG_HEADER_BYTES}). Re-download or re-extract the file.`, {
      details: locationDetails(where),
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24]!;
  const colourType = bytes[25]!;
  const interlace = bytes[28]!;
  const valid = type === 'IHDR' && view.getUint32(8) === 13 && width > 0 && height > 0 && (VALID_DEPTHS[colourType]?.includes(bitDepth) ?? false) && interlace <= 1;
  if (!valid) {
    throw new FpdbError(
      'FPDB_IMAGE_DECODE',
      `${at} has a PNG signature but an invalid IHDR header (type ${JSON.stringify(type)}, ${width}×${height}, depth ${bitDepth}, colour type ${colourType}). The file is corrupt: replace it.`,
      {
        details: locationDetails(where),
      },
    );
  }
  return { width, height, bitDepth, colourType, interlaced: interlace === 1 };
}

/**
 * Refuses an image whose declared size exceeds `maxPixels` (width × height), before decoding.
 * @throws FpdbError FPDB_IMAGE_TOO_LARGE
 * @example checkPixelLimit({ width: 100000, height: 100000, … }, DEFAULT_MAX_PIXELS, { file: 'x.png' }) // throws
 */
export function checkPixelLimit(header: Pick<PngHeader, 'width' | 'height'>, maxPixels: number, where: ImageLocation): void {
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new FpdbError(
      'FPDB_IMAGE_TOO_LARGE',
      `${describeLocation(where)} declares ${header.width}×${header.height} = ${pixels.toLocaleString('en-US')} pixels, over the limit of ${maxPixels.toLocaleString('en-US')} (maxPixels). It was not decoded (possible decompression bomb); raise maxPixels only if you trust the file.`,
      { details: { ...locationDetails(where), width: header.width, height: header.height, maxPixels } },
    );
  }
}
