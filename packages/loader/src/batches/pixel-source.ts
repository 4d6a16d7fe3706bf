import type { FpdbRecord } from '@fpdb/schema';
import { decodePng } from '../pixels/decode-png.js';
import type { PixelOptions } from '../pixels/resize-geometry.js';

/** Where a batch stream gets each record's `height×width` uint8 pixels. */
export interface PixelSource {
  readonly height: number;
  readonly width: number;
  /**
   * Writes the record's pixels (row-major uint8, length height·width) into `out`.
   * Throws FpdbError (FPDB_IMAGE_*) for an image that cannot be read.
   */
  read(record: FpdbRecord, out: Uint8Array): Promise<void>;
  /** Releases files or handles, if any. */
  close?(): Promise<void>;
}

/**
 * A browser-safe pixel source: `fetchBytes(record)` returns the PNG's bytes (e.g. from `fetch`),
 * decoded with {@link decodePng}.
 * @example const source = pngPixelSource(async (r) => new Uint8Array(await (await fetch(`/Images/${r.imageName}.png`)).arrayBuffer()), { height: 128, width: 128 });
 */
export function pngPixelSource(fetchBytes: (record: FpdbRecord) => Promise<Uint8Array>, options: PixelOptions): PixelSource {
  return {
    height: options.height,
    width: options.width,
    async read(record, out) {
      out.set(decodePng(await fetchBytes(record), options, { file: `${record.imageName}.png`, imageName: record.imageName }));
    },
  };
}
