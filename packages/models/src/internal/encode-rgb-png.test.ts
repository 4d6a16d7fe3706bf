import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeRgbPng, resizeBilinear } from './encode-rgb-png.js';

describe('encodeRgbPng', () => {
  it('writes a PNG that a real decoder reads back to the same RGB bytes', async () => {
    const width = 37;
    const height = 11;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7919) % 256);
    const png = encodeRgbPng(rgb, width, height);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([width, height, 3]);
    expect(new Uint8Array(data)).toEqual(rgb);
  });
});

describe('resizeBilinear', () => {
  it('is the identity at the same size and keeps a constant image constant', () => {
    const src = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    expect(resizeBilinear(src, 4, 3, 4, 3)).toEqual(src);
    expect(resizeBilinear(new Uint8Array(6).fill(77), 3, 2, 40, 30)).toEqual(new Uint8Array(1200).fill(77));
  });

  it('interpolates between pixel centres (half-pixel alignment, as OpenCV and PIL upsample)', () => {
    const up = resizeBilinear(Uint8Array.from([0, 255, 255, 0]), 2, 2, 4, 4);
    expect(Array.from(up)).toEqual([0, 64, 191, 255, 64, 96, 159, 191, 191, 159, 96, 64, 255, 191, 64, 0]);
  });
});
