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

/** |d| of a filtered byte read as a signed difference: the cost the filter heuristic sums. */
const COST = new Uint8Array(256);
for (let d = 0; d < 256; d++) COST[d] = d < 128 ? d : 256 - d;

/**
 * PNG scanlines with a filter per row chosen by the usual minimum-sum-of-absolute-differences rule
 * (None, Sub, Up, Paeth). One pass per row: the current and previous rows are copied into buffers with a
 * zero in front, so every pixel has a left and upper-left neighbour, and the three filtered candidates are
 * written side by side; the winner is copied out.
 */
let filtered = new Uint8Array(0);

function filterRows(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width + 1;
  // Reused from image to image: it is compressed before the next call.
  if (filtered.length < stride * height) filtered = new Uint8Array(stride * height);
  const out = filtered.subarray(0, stride * height);
  let prev = new Uint8Array(width + 1);
  let cur = new Uint8Array(width + 1);
  const sub = new Uint8Array(width);
  const up = new Uint8Array(width);
  const paeth = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    cur.set(pixels.subarray(row, row + width), 1);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let x = 0; x < width; x++) {
      const v = cur[x + 1]!;
      const a = cur[x]!;
      const b = prev[x + 1]!;
      const c = prev[x]!;
      const p = a + b - c;
      const pa = p > a ? p - a : a - p;
      const pb = p > b ? p - b : b - p;
      const pc = p > c ? p - c : c - p;
      const pr = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const f1 = (v - a) & 0xff;
      const f2 = (v - b) & 0xff;
      const f3 = (v - pr) & 0xff;
      sub[x] = f1;
      up[x] = f2;
      paeth[x] = f3;
      s0 += COST[v]!;
      s1 += COST[f1]!;
      s2 += COST[f2]!;
      s3 += COST[f3]!;
    }
    let type = 0;
    let best = s0;
    if (s1 < best) {
      type = 1;
      best = s1;
    }
    if (s2 < best) {
      type = 2;
      best = s2;
    }
    if (s3 < best) type = 4;
    const o = y * stride;
    out[o] = type;
    out.set(type === 0 ? cur.subarray(1) : type === 1 ? sub : type === 2 ? up : paeth, o + 1);
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
