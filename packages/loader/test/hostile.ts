// Test helpers for hostile input: PNGs assembled chunk by chunk (bombs, stray chunks), made with node:zlib.
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk with a correct CRC. */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/** The IHDR data of a PNG. */
export function ihdr(width: number, height: number, bitDepth: number, colourType: number, interlaced = false): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = bitDepth;
  d[9] = colourType;
  d[12] = interlaced ? 1 : 0;
  return d;
}

/** A PNG of the given header whose image data is `inflated` zero bytes, zlib-compressed (level 9), plus any extra chunks before IDAT. */
export function pngWithData(header: Buffer, inflated: number, extra: Buffer[] = []): Buffer {
  const idat = deflateSync(Buffer.alloc(inflated), { level: 9 });
  const palette = header[9] === 3 ? [pngChunk('PLTE', Buffer.alloc(3 * 4, 128))] : [];
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', header), ...palette, ...extra, pngChunk('IDAT', idat), pngChunk('IEND')]);
}

/** A zlib stream of `bytes` zeros (an iCCP/zTXt bomb's payload). */
export function zeros(bytes: number): Buffer {
  return deflateSync(Buffer.alloc(bytes), { level: 9 });
}
