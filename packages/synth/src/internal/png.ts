import { zlibCompressFramed } from './deflate.js';

const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

let filtered = new Uint8Array(0);

/**
 * PNG scanlines, every row with the Paeth filter (type 4). On these images the usual
 * minimum-sum-of-absolute-differences choice picks Paeth for ~96% of rows and the files come out the same
 * size to 0.1 KB, so the choice is not worth its cost. The predictor is branch-free (speckle makes its
 * branches unpredictable); the current and previous rows sit in buffers with a zero in front, so every
 * pixel has a left and upper-left neighbour.
 */
function filterRows(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width + 1;
  // Reused from image to image: it is compressed before the next call.
  if (filtered.length < stride * height) filtered = new Uint8Array(stride * height);
  const out = filtered.subarray(0, stride * height);
  let prev = new Uint8Array(width + 1);
  let cur = new Uint8Array(width + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    cur.set(pixels.subarray(row, row + width), 1);
    const o = y * stride + 1;
    out[o - 1] = 4;
    for (let x = 0; x < width; x++) {
      const a = cur[x]!;
      const b = prev[x + 1]!;
      const c = prev[x]!;
      // pa = |p − a| = |b − c|, pb = |p − b| = |a − c|, pc = |p − c| = |a + b − 2c|, with p = a + b − c.
      let pa = b - c;
      let pb = a - c;
      let pc = pa + pb;
      pa = (pa ^ (pa >> 31)) - (pa >> 31);
      pb = (pb ^ (pb >> 31)) - (pb >> 31);
      pc = (pc ^ (pc >> 31)) - (pc >> 31);
      // a if pa ≤ pb and pa ≤ pc, else b if pb ≤ pc, else c (masks are 0 or −1).
      const notA = ((pb - pa) | (pc - pa)) >> 31;
      const notB = (pc - pb) >> 31;
      const bc = (b & ~notB) | (c & notB);
      out[o + x] = cur[x + 1]! - ((a & ~notA) | (bc & notA));
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return out;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bytes before the zlib stream (signature, IHDR chunk, IDAT length and type) and after it (IDAT CRC, IEND chunk). */
const HEAD = 8 + 25 + 8;
const TAIL = 4 + 12;

function writeType(buf: Uint8Array, at: number, type: string): void {
  for (let i = 0; i < 4; i++) buf[at + i] = type.charCodeAt(i);
}

/**
 * Encodes 8-bit grayscale pixels (row-major, `width × height` bytes) as a PNG of colour type 0, bit
 * depth 8, non-interlaced, with no ancillary chunks. Deterministic: same pixels, same bytes.
 * @example const png = encodeGrayPng(new Uint8Array(64 * 64), 64, 64);
 */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const { buf, start, end } = zlibCompressFramed(filterRows(pixels, width, height), HEAD, TAIL);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  buf.set(SIGNATURE, 0);
  // IHDR: width, height, bit depth 8, colour type 0 (grayscale), compression, filter, interlace 0.
  view.setUint32(8, 13);
  writeType(buf, 12, 'IHDR');
  view.setUint32(16, width);
  view.setUint32(20, height);
  buf[24] = 8;
  buf.fill(0, 25, 29);
  view.setUint32(29, crc32(buf, 12, 29));
  // IDAT around the zlib stream.
  view.setUint32(start - 8, end - start);
  writeType(buf, start - 4, 'IDAT');
  view.setUint32(end, crc32(buf, start - 4, end));
  // IEND.
  view.setUint32(end + 4, 0);
  writeType(buf, end + 8, 'IEND');
  view.setUint32(end + 12, crc32(buf, end + 8, end + 12));
  return buf.slice(0, end + TAIL);
}
