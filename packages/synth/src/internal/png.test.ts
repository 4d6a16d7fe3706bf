import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeGrayPng } from './png.js';

describe('encodeGrayPng', () => {
  const width = 97;
  const height = 61;
  const pixels = Uint8Array.from({ length: width * height }, (_, i) => ((i % width) * 3 + Math.floor(i / width) * 7) % 256);

  it('writes an 8-bit grayscale PNG (colour type 0) that decoders read back exactly', async () => {
    const png = encodeGrayPng(pixels, width, height);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ihdr = Buffer.from(png.subarray(8, 33));
    expect(ihdr.toString('latin1', 4, 8)).toBe('IHDR');
    expect(ihdr.readUInt32BE(8)).toBe(width);
    expect(ihdr.readUInt32BE(12)).toBe(height);
    expect(ihdr[16]).toBe(8); // bit depth
    expect(ihdr[17]).toBe(0); // colour type: grayscale
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width, height, channels: 1, depth: 'uchar', space: 'b-w' });
    const raw = await sharp(png).extractChannel(0).raw().toBuffer();
    expect(raw.equals(Buffer.from(pixels))).toBe(true);
  });

  it('round-trips noise and flat areas exactly (every branch of the predictor)', async () => {
    let state = 12345;
    const noise = Uint8Array.from({ length: width * height }, (_, i) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return i % width < 20 ? 0 : i % width > 80 ? 255 : state >>> 24;
    });
    const raw = await sharp(encodeGrayPng(noise, width, height))
      .extractChannel(0)
      .raw()
      .toBuffer();
    expect(raw.equals(Buffer.from(noise))).toBe(true);
  });

  it('stores valid scanlines with a filter byte per row', () => {
    const png = Buffer.from(encodeGrayPng(pixels, width, height));
    const idatAt = png.indexOf('IDAT', 0, 'latin1');
    const length = png.readUInt32BE(idatAt - 4);
    const scanlines = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length));
    expect(scanlines.length).toBe((width + 1) * height);
    for (let y = 0; y < height; y++) expect([0, 1, 2, 3, 4]).toContain(scanlines[y * (width + 1)]);
  });

  it('is deterministic', () => {
    expect(Buffer.from(encodeGrayPng(pixels, width, height)).equals(Buffer.from(encodeGrayPng(pixels, width, height)))).toBe(true);
  });
});
