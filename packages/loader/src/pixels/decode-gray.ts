import { promisify } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { crc32, inflate, inflateSync } from 'node:zlib';
import { FpdbError } from '@fpdb/schema';
import { describeLocation, locationDetails, type ImageLocation } from '../internal/location.js';
import { decodePngGray, type GrayImage } from './decode-png.js';
import { pixelKernels } from './pixel-kernels.js';
import { inflatedSize } from './png-data-bound.js';
import type { PngHeader } from './png-header.js';

const inflateAsync = promisify(inflate);
/**
 * On the main thread the inflate goes to libuv's pool, keeping the event loop free; a worker thread
 * (the decode pool's) inflates in place: it has nothing else to do, and skipping the hand-off saves
 * about a quarter of the inflate's CPU time.
 */
const inflateHere = (data: Buffer, options: { maxOutputLength: number; chunkSize: number }): Buffer | Promise<Buffer> => (isMainThread ? inflateAsync(data, options) : inflateSync(data, options));
/** Channels per PNG colour type with 8-bit samples and no palette: gray, RGB, gray+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function corrupt(where: ImageLocation, reason: string, cause?: unknown): FpdbError {
  return new FpdbError('FPDB_IMAGE_DECODE', `${describeLocation(where)} could not be decoded (${reason}). The file is truncated or corrupt: re-download or re-extract it.`, {
    ...(cause === undefined ? {} : { cause }),
    details: locationDetails(where),
  });
}

/** The image data of a PNG: every IDAT chunk in order, each chunk's CRC checked, up to IEND. */
function imageData(bytes: Uint8Array, where: ImageLocation): Buffer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) throw corrupt(where, `it ends at byte ${bytes.length} before the IEND chunk`);
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) throw corrupt(where, `a chunk at byte ${at} runs past the end of the file (${bytes.length} bytes)`);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    if (crc32(typeAndData) !== view.getUint32(at + 8 + length)) throw corrupt(where, `the chunk at byte ${at} fails its CRC check`);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (type === 'IDAT') parts.push(typeAndData.subarray(4));
    if (type === 'IEND') break;
    at = end;
  }
  if (parts.length === 0) throw corrupt(where, 'it has no IDAT chunk');
  return Buffer.concat(parts);
}

/**
 * Decodes PNG bytes to one 8-bit channel at full size (Node), the fast way for the common formats
 * (8-bit, not interlaced, no palette — every image of the release): chunks CRC-checked, the data
 * inflated by node:zlib (on libuv's pool from the main thread, in place on a worker), rows unfiltered in
 * WebAssembly. Other formats, or an engine without the wasm kernels, go through fast-png
 * ({@link decodePngGray}); both give the same pixels. The header must have been checked.
 * @throws FpdbError FPDB_IMAGE_DECODE for corrupt or truncated data.
 */
export async function decodeGray(bytes: Uint8Array, header: PngHeader, where: ImageLocation): Promise<GrayImage> {
  const channels = CHANNELS[header.colourType];
  const wasm = pixelKernels();
  if (channels === undefined || header.bitDepth !== 8 || header.interlaced || !wasm) return decodePngGray(bytes, where, header);
  const { width, height } = header;
  const stride = width * channels;
  const expected = height * (stride + 1);
  let filtered: Buffer;
  try {
    // One output chunk of the expected size: zlib's default 16 KiB chunks cost a JS callback each.
    filtered = await inflateHere(imageData(bytes, where), { maxOutputLength: expected + 1, chunkSize: Math.max(1024, expected + 1) });
  } catch (cause) {
    if (cause instanceof FpdbError) throw cause;
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      // maxOutputLength stopped the inflate: memory stays bounded by the declared size.
      throw corrupt(
        where,
        `its image data inflates to more than the ${expected} bytes its header allows (${width}×${height}, 8-bit, colour type ${header.colourType}): a decompression bomb or corrupt data`,
        cause,
      );
    }
    throw corrupt(where, `zlib: ${(cause as Error).message}`, cause);
  }
  if (filtered.length !== expected) throw corrupt(where, `its image data inflates to ${filtered.length} bytes, not the ${expected} of a ${width}×${height} image`);
  wasm.reset();
  const src = wasm.put(filtered);
  const dst = wasm.alloc(height * stride);
  const badRow = wasm.exports.png_unfilter(src, dst, height, stride, channels);
  if (badRow !== 0) throw corrupt(where, `row ${badRow - 1} has an unknown filter type ${filtered[(badRow - 1) * (stride + 1)]}`);
  if (channels === 1) return { gray: wasm.bytes().slice(dst, dst + height * stride), width, height };
  // Colour or alpha: the gray formula of toGray8, in wasm with the same double arithmetic.
  const gray = wasm.alloc(width * height);
  wasm.exports.gray_from_samples(dst, gray, width * height, channels);
  return { gray: wasm.bytes().slice(gray, gray + width * height), width, height };
}

/**
 * Checks that a PNG's image data inflates to exactly what its header declares (Node's zlib, stopped
 * one byte past the declared size), for decoders that would otherwise ignore extra data silently
 * (sharp/libpng): a bomb or a corrupt file is refused, never served.
 * @throws FpdbError FPDB_IMAGE_DECODE naming the declared and the actual size.
 */
export async function checkImageDataSize(bytes: Uint8Array, header: PngHeader, where: ImageLocation): Promise<void> {
  const expected = inflatedSize(header);
  let inflated: Buffer;
  try {
    inflated = await inflateHere(imageData(bytes, where), { maxOutputLength: expected + 1, chunkSize: Math.max(1024, Math.min(expected + 1, 1 << 20)) });
  } catch (cause) {
    if (cause instanceof FpdbError) throw cause;
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw corrupt(
        where,
        `its image data inflates to more than the ${expected} bytes its header allows (${header.width}×${header.height}, ${header.bitDepth}-bit, colour type ${header.colourType}): a decompression bomb or corrupt data`,
        cause,
      );
    }
    throw corrupt(where, `zlib: ${(cause as Error).message}`, cause);
  }
  if (inflated.length !== expected) throw corrupt(where, `its image data inflates to ${inflated.length} bytes, not the ${expected} of its ${header.width}×${header.height} header`);
}
