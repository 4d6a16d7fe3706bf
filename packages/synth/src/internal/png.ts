import { zlibCompress } from './deflate.js';

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

/**
 * PNG scanlines with a filter per row chosen by the usual minimum-sum-of-absolute-differences rule
 * (None, Sub, Up, Paeth).
 */
function filterRows(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width + 1;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const up = row - width;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let x = 0; x < width; x++) {
      const v = pixels[row + x]!;
      const a = x > 0 ? pixels[row + x - 1]! : 0;
      const b = y > 0 ? pixels[up + x]! : 0;
      const c = x > 0 && y > 0 ? pixels[up + x - 1]! : 0;
      const p = a + b - c;
      const pa = p > a ? p - a : a - p;
      const pb = p > b ? p - b : b - p;
      const pc = p > c ? p - c : c - p;
      const pr = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const f1 = (v - a) & 0xff;
      const f2 = (v - b) & 0xff;
      const f3 = (v - pr) & 0xff;
      s0 += v < 128 ? v : 256 - v;
      s1 += f1 < 128 ? f1 : 256 - f1;
      s2 += f2 < 128 ? f2 : 256 - f2;
      s3 += f3 < 128 ? f3 : 256 - f3;
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
    for (let x = 0; x < width; x++) {
      const v = pixels[row + x]!;
      const a = x > 0 ? pixels[row + x - 1]! : 0;
      const b = y > 0 ? pixels[up + x]! : 0;
      let f = v;
      if (type === 1) f = v - a;
      else if (type === 2) f = v - b;
      else if (type === 4) {
        const c = x > 0 && y > 0 ? pixels[up + x - 1]! : 0;
        const p = a + b - c;
        const pa = p > a ? p - a : a - p;
        const pb = p > b ? p - b : b - p;
        const pc = p > c ? p - c : c - p;
        f = v - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      out[o + 1 + x] = f & 0xff;
    }
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Encodes 8-bit grayscale pixels (row-major, `width × height` bytes) as a PNG of colour type 0, bit
 * depth 8, non-interlaced, with no ancillary chunks. Deterministic: same pixels, same bytes.
 * @example const png = encodeGrayPng(new Uint8Array(64 * 64), 64, 64);
 */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type 0: grayscale
  const idat = zlibCompress(filterRows(pixels, width, height));
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ];
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
