import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, inflateSync, crc32 } from 'node:zlib';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { REAL, resaves } from '../../test/fixtures.js';
import { decodeGray } from './decode-gray.js';
import { decodePngGray } from './decode-png.js';
import { setPixelKernelsEnabled } from './pixel-kernels.js';
import { readPngHeader } from './png-header.js';
import { resizeGray } from './resize-gray.js';

const fast = (bytes: Uint8Array, file = 'x.png') => decodeGray(bytes, readPngHeader(bytes), { file });

/** A PNG rebuilt around `raw` (filter bytes included) with a fresh IDAT and correct CRCs. */
function withImageData(png: Buffer, raw: Uint8Array): Buffer {
  const ihdr = png.subarray(8, 33);
  const data = deflateSync(raw);
  const chunk = (type: string, body: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length);
    head.write(type, 4, 'latin1');
    const typed = Buffer.concat([head.subarray(4), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([head.subarray(0, 4), typed, crc]);
  };
  return Buffer.concat([png.subarray(0, 8), ihdr, chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}

function imageData(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return inflateSync(Buffer.concat(parts));
}

/** PNG filtering (RFC 2083 §6) of `h` rows of `stride` bytes, row y with filter type `typeOf(y)` (default y mod 5). */
function filterCycling(px: Uint8Array, stride: number, h: number, bpp: number, typeOf = (y: number) => y % 5): Uint8Array {
  const out = new Uint8Array(h * (stride + 1));
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : px[y * stride + i]!);
  for (let y = 0; y < h; y++) {
    const type = typeOf(y);
    out[y * (stride + 1)] = type;
    for (let i = 0; i < stride; i++) {
      const a = at(y, i - bpp);
      const b = at(y - 1, i);
      const c = at(y - 1, i - bpp);
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type]!;
      out[y * (stride + 1) + 1 + i] = (px[y * stride + i]! - pred) & 255;
    }
  }
  return out;
}

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; details?: unknown }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: { code?: string; message: string }) => e,
  );
}

afterEach(() => setPixelKernelsEnabled(true));

describe('decodeGray (node:zlib + wasm unfilter)', () => {
  it('decodes all 65 real images to exactly the pixels of fast-png', async () => {
    const files = [...(await readdir(join(REAL, 'Images'))).map((f) => join(REAL, 'Images', f)), ...(await readdir(join(REAL, 'resaved'))).map((f) => join(REAL, 'resaved', f))];
    for (const file of files) {
      const bytes = await readFile(file);
      const got = await fast(bytes, file);
      const want = decodePngGray(bytes, { file });
      expect([got.width, got.height], file).toEqual([want.width, want.height]);
      expect(Buffer.compare(got.gray, want.gray), file).toBe(0);
    }
  });

  it('reverses every PNG filter in every 8-bit mode (libpng adaptive filtering), and the other modes fall back', async () => {
    const original = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const noisy = await sharp(original).resize(157, 93).raw().toBuffer({ resolveWithObject: true });
    const gray = sharp(noisy.data, { raw: { width: 157, height: 93, channels: noisy.info.channels } });
    const variants: Record<string, Buffer> = {
      gray: await gray.clone().png({ adaptiveFiltering: true, compressionLevel: 9 }).toBuffer(),
      grayAlpha: await gray.clone().ensureAlpha(0.6).png({ adaptiveFiltering: true }).toBuffer(),
      rgb: await gray.clone().toColourspace('srgb').png({ adaptiveFiltering: true }).toBuffer(),
      rgba: await gray.clone().toColourspace('srgb').ensureAlpha(0.3).png({ adaptiveFiltering: true }).toBuffer(),
      ...(await resaves(original)),
    };
    // Every filter type on every row position, in gray (1 byte per pixel) and RGBA (4).
    for (const mode of ['gray', 'grayAlpha', 'rgb', 'rgba']) {
      const png = decode(variants[mode]!);
      expect(png.depth).toBe(8);
      const stride = png.width * png.channels;
      variants[`${mode}-cycling`] = withImageData(variants[mode]!, filterCycling(png.data as Uint8Array, stride, png.height, png.channels));
      // Long runs of Paeth rows (the release's common case, unfiltered four gray rows at a time) broken by other types.
      variants[`${mode}-paeth-runs`] = withImageData(
        variants[mode]!,
        filterCycling(png.data as Uint8Array, stride, png.height, png.channels, (y) => (y % 11 === 6 ? 1 : 4)),
      );
    }
    // Narrow gray images around the wavefront's minimum width (8 bytes per row).
    for (const width of [7, 8, 9, 13]) {
      const px = Uint8Array.from({ length: width * 10 }, (_, i) => (i * 37 + ((i * i) >> 3)) & 255);
      const png = await sharp(Buffer.from(px), { raw: { width, height: 10, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer();
      expect(readPngHeader(png).colourType).toBe(0);
      variants[`gray-${width}-paeth`] = withImageData(
        png,
        filterCycling(px, width, 10, 1, () => 4),
      );
    }
    const filtersSeen = new Set<number>();
    for (const [mode, bytes] of Object.entries(variants)) {
      const header = readPngHeader(bytes);
      if (header.bitDepth === 8 && !header.interlaced && header.colourType !== 3) {
        const raw = imageData(bytes);
        const rowBytes = raw.length / header.height;
        for (let y = 0; y < header.height; y++) filtersSeen.add(raw[y * rowBytes]!);
      }
      const got = await fast(bytes, mode);
      expect(Buffer.compare(got.gray, decodePngGray(bytes, { file: mode }).gray), mode).toBe(0);
    }
    expect([...filtersSeen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(variants)).toEqual(expect.arrayContaining(['gray16', 'palette']));
  });

  it('names the file for a bad CRC, a cut file, a wrong data length and an unknown filter type', async () => {
    const png = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const flipped = Buffer.from(png);
    flipped[100] = flipped[100]! ^ 0x55;
    expect(await rejection(fast(flipped, 'Images/a.png'))).toMatchObject({ code: 'FPDB_IMAGE_DECODE', message: expect.stringContaining('CRC') });
    expect(await rejection(fast(png.subarray(0, png.length >> 1), 'Images/b.png'))).toMatchObject({ code: 'FPDB_IMAGE_DECODE', message: expect.stringContaining('Images/b.png') });
    const raw = imageData(png);
    expect(await rejection(fast(withImageData(png, raw.subarray(0, raw.length - 1000)), 'c.png'))).toMatchObject({ code: 'FPDB_IMAGE_DECODE', message: expect.stringContaining('inflates to') });
    const badFilter = Buffer.from(raw);
    const rowBytes = raw.length / readPngHeader(png).height;
    badFilter[7 * rowBytes] = 9;
    expect(await rejection(fast(withImageData(png, badFilter), 'd.png'))).toMatchObject({ code: 'FPDB_IMAGE_DECODE', message: expect.stringContaining('row 7 has an unknown filter type 9') });
  });

  it('gives the same pixels without the wasm kernels (fast-png fallback)', async () => {
    const bytes = await readFile(join(REAL, 'Images/Patient00168_Plane3_1_of_3.png'));
    const withWasm = await fast(bytes);
    setPixelKernelsEnabled(false);
    expect(Buffer.compare((await fast(bytes)).gray, withWasm.gray)).toBe(0);
  });
});

describe('resizeGray: wasm and plain JavaScript', () => {
  it('return the same bytes, down and up, odd sizes and single pixels, every policy', () => {
    let s = 7;
    const image = (w: number, h: number) => Uint8Array.from({ length: w * h }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s >>> 24));
    const cases: Array<[number, number, number, number]> = [
      [959, 661, 224, 224],
      [959, 661, 128, 128],
      [37, 21, 129, 77],
      [1, 1, 5, 3],
      [64, 48, 1, 1],
      [300, 7, 31, 31],
    ];
    for (const [sw, sh, dw, dh] of cases) {
      const src = image(sw, sh);
      for (const policy of ['stretch', 'pad', 'crop'] as const) {
        const wasm = resizeGray(src, sw, sh, dw, dh, policy);
        setPixelKernelsEnabled(false);
        const js = resizeGray(src, sw, sh, dw, dh, policy);
        setPixelKernelsEnabled(true);
        expect(Buffer.compare(wasm, js), `${sw}×${sh} → ${dw}×${dh} ${policy}`).toBe(0);
      }
    }
  });
});
