import { Unzlib } from 'fflate';
import { FpdbError } from '@fpdb/schema';
import { describeLocation, locationDetails, type ImageLocation } from '../internal/location.js';
import type { PngHeader } from './png-header.js';

/** Samples per pixel of each PNG colour type (a palette index is one sample). */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** The chunks a decode needs; every other (iCCP, zTXt, iTXt… some of them compressed) is dropped unread. */
const KEPT = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);

/** Compressed bytes fed to the inflater at a time: bounds what one step can produce (≤ ~1032× this). */
const STEP = 4096;

/**
 * The exact length of a PNG's inflated image data, as its header declares: one filter byte plus
 * `ceil(width·samples·depth/8)` bytes per row, per Adam7 pass when interlaced.
 * @example inflatedSize({ width: 100, height: 100, bitDepth: 16, colourType: 0, interlaced: false }) // 20100
 */
export function inflatedSize(header: PngHeader): number {
  const bits = (SAMPLES[header.colourType] ?? 4) * header.bitDepth;
  const rows = (w: number, h: number): number => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bits) / 8)));
  if (!header.interlaced) return rows(header.width, header.height);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) total += rows(Math.ceil((header.width - x0) / dx), Math.ceil((header.height - y0) / dy));
  return total;
}

function refuse(where: ImageLocation, reason: string, details: Record<string, unknown> = {}): FpdbError {
  return new FpdbError('FPDB_IMAGE_DECODE', `${describeLocation(where)} could not be decoded (${reason}). The file is truncated, corrupt or hostile: replace it with the original.`, {
    details: { ...locationDetails(where), ...details },
  });
}

/**
 * Checks, before any full decode, that a PNG's image data inflates to exactly what its header
 * declares (no decompression bomb in any mode: 16-bit, palette, interlaced, low bit depths), inflating
 * in small steps and stopping at the first byte over. Returns the PNG
 * with only the chunks a decode reads (IHDR, PLTE, tRNS, IDAT, IEND), so compressed ancillary chunks
 * (an iCCP or zTXt bomb) are never inflated. Browser-safe.
 * @throws FpdbError FPDB_IMAGE_DECODE naming the declared and the actual size.
 * @example const safe = boundPngData(bytes, readPngHeader(bytes), { file: 'x.png' });
 */
export function boundPngData(bytes: Uint8Array, header: PngHeader, where: ImageLocation): Uint8Array {
  const expected = inflatedSize(header);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let produced = 0;
  let finished = false;
  const inflater = new Unzlib((chunk, final) => {
    produced += chunk.length;
    if (produced > expected)
      throw refuse(
        where,
        `its image data inflates to more than the ${expected} bytes its header allows (${header.width}×${header.height}, ${header.bitDepth}-bit, colour type ${header.colourType}): a decompression bomb or corrupt data`,
        { declaredBytes: expected },
      );
    if (final) finished = true;
  });
  const feed = (data: Uint8Array, final: boolean): void => {
    try {
      if (data.length === 0) inflater.push(data, final);
      for (let i = 0; i < data.length; i += STEP) inflater.push(data.subarray(i, i + STEP), final && i + STEP >= data.length);
    } catch (error) {
      if (error instanceof FpdbError) throw error;
      throw refuse(where, `zlib: ${(error as Error).message}`);
    }
  };
  let at = 8;
  let idat: Uint8Array | undefined;
  for (;;) {
    if (at + 12 > bytes.length) throw refuse(where, `it ends at byte ${bytes.length} before the IEND chunk`);
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) throw refuse(where, `a chunk at byte ${at} runs past the end of the file (${bytes.length} bytes)`);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (KEPT.has(type)) {
      kept.push(bytes.subarray(at, end));
      if (type === 'IDAT') {
        // Each IDAT is fed once the next chunk is known, so the last one carries `final`.
        if (idat) feed(idat, false);
        idat = bytes.subarray(at + 8, at + 8 + length);
      }
    }
    if (type === 'IEND') break;
    at = end;
  }
  if (!idat) throw refuse(where, 'it has no IDAT chunk');
  feed(idat, true);
  if (!finished || produced !== expected) {
    throw refuse(where, `its image data inflates to ${produced} bytes${finished ? '' : ' and ends early'}, not the ${expected} of its ${header.width}×${header.height} header`, {
      declaredBytes: expected,
    });
  }
  let size = 0;
  for (const k of kept) size += k.length;
  const out = new Uint8Array(size);
  size = 0;
  for (const k of kept) {
    out.set(k, size);
    size += k.length;
  }
  return out;
}
